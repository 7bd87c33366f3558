#!/usr/bin/env python3
"""Driver for the planning-solver benchmarks (docs/benchmarks.md, "Planning solver").

    tools/bench/plan_bench.py BUILD_DIR [--quick] [--pulp-only]

1. The issue's cases with plan-bench (uniform points in a 50 km square, 3 km radius, fixed
   seeds): max cover p=20 on 10,000 x 2,000 and 50,000 x 5,000, full cover of 10,000 x 2,000.
2. The same generator on smaller instances, solved by plan-instance and by the independent
   PuLP + CBC model of tests/e2e/test_plan_pulp.py; medians of several runs and the ratio.
Prints markdown. Speed is measured here, never asserted by tests.
"""
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))


def load_pulp_model(plan_instance):
    os.environ["SCICOV_PLAN_INSTANCE"] = plan_instance
    spec = importlib.util.spec_from_file_location("pulp_model", os.path.join(SOURCE, "tests/e2e/test_plan_pulp.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_instance(mod, path):
    tok = open(path).read().split()
    pos = 0

    def nxt():
        nonlocal pos
        pos += 1
        return tok[pos - 1]

    assert nxt() == "scicov-plan-instance" and nxt() == "1"
    inst = mod.Instance()
    assert nxt() == "demands"
    for _ in range(int(nxt())):
        inst.measure.append(float(nxt()))
        inst.weight.append(float(nxt()))
        inst.covered.append(nxt() != "0")
    assert nxt() == "candidates"
    for _ in range(int(nxt())):
        inst.cost.append(float(nxt()))
        inst.group.append(int(nxt()))
        k = int(nxt())
        inst.covers.append([int(nxt()) for _ in range(k)])
    assert nxt() == "conflicts"
    for _ in range(int(nxt())):
        inst.conflicts.append((int(nxt()), int(nxt())))
    return inst


def run_bench(bench, args):
    out = subprocess.run([bench, *args], check=True, capture_output=True, text=True).stdout
    lines = out.strip().splitlines()
    return lines


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    build = sys.argv[1]
    quick = "--quick" in sys.argv
    bench = os.path.join(build, "tools/bench/plan-bench")
    inst_bin = os.path.join(build, "tools/bench/plan-instance")
    repeat = "1" if quick else "3"
    if "--pulp-only" not in sys.argv:
        issue_cases(bench, repeat, quick)
    pulp_comparison(bench, inst_bin, quick)


def issue_cases(bench, repeat, quick):
    print("## Issue cases (plan-bench)\n")
    cases = [
        ("mclp", ["--demands", "10000", "--candidates", "2000", "--budget", "20", "--seeds", "1,2,3", "--repeat", repeat]),
        ("mclp", ["--demands", "50000", "--candidates", "5000", "--budget", "20", "--seeds", "1,2,3", "--repeat", repeat,
                  "--time-limit", "120"]),
        ("lscp", ["--demands", "10000", "--candidates", "2000", "--seeds", "1" if quick else "1,2,3", "--repeat", "1",
                  "--time-limit", "60"]),
    ]
    for solver in ("automatic", "heuristic"):
        for cmd, args in cases:
            for line in run_bench(bench, [cmd, *args, "--solver", solver]):
                if line.startswith("summary") or quick:
                    print("    " + line)
    print()


def pulp_comparison(bench, inst_bin, quick):
    mod = load_pulp_model(inst_bin)
    print("## Against PuLP + CBC (same instances, same generator)\n")
    print("| problem | instance | scicov objective | PuLP objective | scicov median s | PuLP median s | PuLP / scicov |")
    print("|---|---|---|---|---|---|---|")
    small = [
        ("max cover p=20", ["--demands", "3000", "--candidates", "1000"], "mc", 20),
        ("max cover p=20", ["--demands", "10000", "--candidates", "2000"], "mc", 20),
        ("max cover p=10", ["--demands", "5000", "--candidates", "1000", "--side-m", "30000"], "mc", 10),
        # full cover is hard for CBC as soon as candidates overlap a lot (10+ per demand): these
        # are the sparse ones both sides prove within seconds
        ("full cover", ["--demands", "2000", "--candidates", "500", "--side-m", "40000", "--radius-m", "2500"], "sc", None),
        ("full cover", ["--demands", "3000", "--candidates", "2000", "--side-m", "80000", "--radius-m", "2500"], "sc", None),
    ]
    runs = 1 if quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        for name, gen, kind, p in small:
            path = os.path.join(tmp, "i.txt")
            subprocess.run([bench, "generate", *gen, "--seed", "7", "-o", path], check=True)
            inst = read_instance(mod, path)
            mine_t, ref_t = [], []
            for _ in range(runs):
                t0 = time.perf_counter()
                if kind == "mc":
                    mine = mod.scicov(path, "--max-cover", str(p), "--solver", "exact", "--time-limit", "300")
                else:
                    # full cover of every demand a candidate reaches (measure 1 per village)
                    target = float(len(set(i for cov in inst.covers for i in cov)))
                    mine = mod.scicov(path, "--set-cover", repr(target), "--solver", "exact", "--time-limit", "300")
                mine_t.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                if kind == "mc":
                    ref = mod.pulp_max_cover(inst, p, "sites")
                else:
                    ref = mod.pulp_set_cover(inst, target, "sites")
                ref_t.append(time.perf_counter() - t0)
            ms, rs = statistics.median(mine_t), statistics.median(ref_t)
            size = f"{len(inst.measure)} x {len(inst.cost)}" + (" (" + " ".join(gen[4:]) + ")" if len(gen) > 4 else "")
            print(f"| {name} | {size} | {mine['objective']:.10g} ({mine['status']}) | {ref['objective']:.10g} "
                  f"| {ms:.2f} | {rs:.2f} | {rs / ms:.1f} |", flush=True)


if __name__ == "__main__":
    main()
