#!/usr/bin/env python3
"""National-scale benchmark of `scicov plan` (analysis + plan + write) and its growth.

Builds, with the geodata builder, data sets of 1, 10 and 100 cities (evenly spread over the
341 cities of the national set, in code order) and of the whole country (`--all`), runs
`scicov plan --timings` on each, and records per stage (read, coverage, gaps, summaries, plan,
write, commit) wall seconds, CPU seconds and peak memory, plus the whole process's wall/CPU/max
RSS from /usr/bin/time. On the national set it also measures the GDAL floor: ogr2ogr reading
the same inputs (into GDAL's in-memory driver) and writing an output the size of scicov's (a
GeoPackage copy of scicov's own output, less the time to read that output), and reports
scicov's total over that floor. Prints markdown for docs/benchmarks.md.

Usage:
    tools/bench/national.py BUILD_DIR [--work DIR] [--sizes 1,10,100,all] [--repeat N] [--travel-time]

--travel-time runs with the rules `scicov rules --travel-time` prints (science bases 30 minutes'
drive, e-stations 15 minutes' walk over each data set's `roads` layer; issue #15) instead of the
default rules, and leaves the GDAL floor out.

BUILD_DIR holds scicov and scicov-geodata (a Release build). The data sets are built once into
--work (default out/bench-national, never committed) and reused; sources are fetched by
tools/fetch-geodata-sources (npm).
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (wall s, cpu s, max RSS MiB, stderr)."""
    r = subprocess.run(["/usr/bin/time", "-v", *cmd], text=True, capture_output=True)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-3000:]}")
    def field(name):
        m = re.search(rf"{re.escape(name)}: (.+)", r.stderr)
        return m.group(1).strip()
    wall_text = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(p) for p in wall_text.split(":")]
    wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    return wall, cpu, rss, r.stderr


def stages(stderr):
    """The stage table scicov --timings prints on stderr."""
    out = {}
    for line in stderr.splitlines():
        m = re.match(r"^(\w+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", line)
        if m:
            out[m.group(1)] = tuple(float(m.group(i)) for i in (2, 3, 4))
    return out


def cities(geodata_bin, sources, work):
    """The city codes of the national set, in code order (from the builder's own listing)."""
    listing = os.path.join(work, "cities.json")
    if not os.path.exists(listing):
        china = dataset(geodata_bin, sources, work, "all", None)
        r = sh(["ogrinfo", "-q", "-ro", china, "-sql", "SELECT DISTINCT substr(code, 1, 4) AS city FROM counties ORDER BY city"])
        codes = re.findall(r"city \(String\) = (\d{4})", r.stdout)
        with open(listing, "w") as f:
            json.dump(codes, f)
    with open(listing) as f:
        return json.load(f)


def dataset(geodata_bin, sources, work, size, all_cities):
    path = os.path.join(work, f"china-{size}.gpkg")
    if os.path.exists(path):
        return path
    if size == "all":
        args = ["--all"]
    else:
        n = int(size)
        picked = [all_cities[i * len(all_cities) // n] for i in range(n)]
        args = [a for c in picked for a in ("--city", c)]
    print(f"building {path} …", file=sys.stderr)
    sh([geodata_bin, "--sources", sources, *args, "-o", path, "-q"])
    return path


def count(path, layer):
    r = sh(["ogrinfo", "-q", "-ro", path, "-sql", f"SELECT COUNT(*) AS n FROM {layer}"])
    return int(re.search(r"n \(Integer\) = (\d+)", r.stdout).group(1))


def median_run(cmd, repeat):
    runs = [timed(cmd) for _ in range(repeat)]
    walls = [r[0] for r in runs]
    mid = sorted(range(len(runs)), key=lambda i: walls[i])[len(runs) // 2]
    return runs[mid], walls


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="build directory with scicov and scicov-geodata")
    ap.add_argument("--work", default=os.path.join(ROOT, "out", "bench-national"))
    ap.add_argument("--sizes", default="1,10,100,all")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size (median by wall time)")
    ap.add_argument("--floor-repeat", type=int, default=1)
    ap.add_argument("--travel-time", action="store_true",
                    help="rules from `scicov rules --travel-time` (bases 30 min drive, e-stations 15 min walk)")
    a = ap.parse_args()
    scicov = os.path.join(a.build, "scicov")
    geodata_bin = os.path.join(a.build, "scicov-geodata")
    if not os.path.exists(geodata_bin):  # where CMake puts the builder (tools/geodata/)
        geodata_bin = os.path.join(a.build, "tools", "geodata", "scicov-geodata")
    os.makedirs(a.work, exist_ok=True)
    sources = os.path.join(ROOT, ".cache", "geodata-sources")
    sh([os.path.join(ROOT, "tools", "fetch-geodata-sources")])
    all_cities = cities(geodata_bin, sources, a.work)
    sizes = a.sizes.split(",")
    rules, tag, rules_text = [], "", "default rules"
    if a.travel_time:
        path = os.path.join(a.work, "travel-time.toml")
        with open(path, "w") as f:
            f.write(sh([scicov, "rules", "--travel-time"]).stdout)
        rules, tag = ["--rules", path], "tt-"
        rules_text = "rules `scicov rules --travel-time` (science bases 30 min drive, e-stations 15 min walk)"

    commit = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.strip()
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"Commit {commit}, {platform.node()}: {os.cpu_count()} × {cpu_model}, "
          f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB, "
          f"load average before: {os.getloadavg()[0]:.2f}. `scicov plan DATA {' '.join(rules[:1] + ['RULES'] if rules else [])}"
          f"{' ' if rules else ''}-o OUT --timings`, {rules_text}, {a.repeat} runs per size, the median run shown "
          f"(the load average before each run beside it).\n")
    print("| data set | counties | villages | facilities | candidates | wall s (runs) | CPU s | max RSS MiB "
          "| read | coverage | gaps | plan | write+commit | output MB | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    results = {}
    for size in sizes:
        data = dataset(geodata_bin, sources, a.work, size, all_cities)
        out = os.path.join(a.work, f"plan-{tag}{size}.gpkg")
        load = os.getloadavg()[0]
        (wall, cpu, rss, err), walls = median_run([scicov, "-q", "plan", data, *rules, "-o", out, "--timings"],
                                                  a.repeat)
        st = stages(err)
        results[size] = (data, out, wall, cpu, rss, st)
        def stage(name):
            w, c, _ = st.get(name, (0, 0, 0))
            return f"{w:.1f} / {c:.1f}"
        write = tuple(st.get("write", (0, 0, 0))[i] + st.get("commit", (0, 0, 0))[i] for i in (0, 1))
        label = "whole country" if size == "all" else f"{size} cit{'y' if size == '1' else 'ies'}"
        print(f"| {label} | {count(data, 'counties'):,} | {count(data, 'villages'):,} | {count(data, 'facilities'):,} "
              f"| {count(data, 'candidates'):,} | **{wall:.1f}** ({', '.join(f'{w:.1f}' for w in walls)}) "
              f"| {cpu:.1f} | {rss:.0f} | {stage('read')} | {stage('coverage')} | {stage('gaps')} | {stage('plan')} "
              f"| {write[0]:.1f} / {write[1]:.1f} | {os.path.getsize(out) / 1e6:.0f} | {load:.1f} |", flush=True)
    print("\nStage cells: wall / CPU seconds (CPU over wall shows how well the two cores are used).")
    if a.travel_time:
        return

    # The floor on the largest set run (the national one when it was).
    size = "all" if "all" in results else sizes[-1]
    data, out, wall, cpu, rss, st = results[size]
    copy = os.path.join(a.work, "floor-copy.gpkg")
    floor_runs = []
    for _ in range(a.floor_repeat):
        read_in = timed(["ogr2ogr", "-f", "Memory", "", data])[0]
        if os.path.exists(copy):
            os.remove(copy)
        copy_out = timed(["ogr2ogr", "-f", "GPKG", copy, out])[0]
        read_out = timed(["ogr2ogr", "-f", "Memory", "", out])[0]
        floor_runs.append((read_in, copy_out, read_out))
    read_in, copy_out, read_out = sorted(floor_runs)[len(floor_runs) // 2]
    floor = read_in + max(0.0, copy_out - read_out)
    print(f"\nGDAL floor on the {size} set: reading the inputs {read_in:.1f} s (`ogr2ogr -f Memory '' DATA`); "
          f"writing {os.path.getsize(out) / 1e6:.0f} MB {copy_out - read_out:.1f} s (`ogr2ogr -f GPKG` of scicov's "
          f"output, {copy_out:.1f} s, less reading it, {read_out:.1f} s): floor {floor:.1f} s. "
          f"scicov {wall:.1f} s = **{wall / floor:.2f}× the floor**.")
    os.remove(copy)


if __name__ == "__main__":
    main()
