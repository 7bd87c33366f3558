#!/usr/bin/env python3
"""scicov's planning solver against the plain PuLP + CBC model, side by side, in one run.

    tools/bench/plan_vs_pulp.py BUILD_DIR [--seeds 20] [--first-seed 1] [--runs 1]
                                [--sizes 2000x500,5000x1000] [--problems full,90]
                                [--time-limit 300] [--json FILE]

For every size and seed, plan-bench generates one instance file (uniform demands and candidates
in a 50 km square, 3 km radius, weight = population x priority); both sides solve that same file:
- scicov: tools/bench/plan-instance --set-cover TARGET --solver exact (a separate process: the
  whole library call plus reading the file);
- PuLP: tests/e2e/test_plan_pulp.py's textbook model (binary coverage variables, no presolve,
  the tie-break as a second solve), CBC through PuLP (one thread).
Problems: `full` = cover every coverable demand (measure 1 a demand, the file as generated);
`90` (any number P) = cover P % of the coverable weight (the file rewritten with measure =
weight, so that the target is a share of the population; both sides read the rewritten file).
Times: wall (perf_counter) and CPU (this process + its children: PuLP's model building is
in-process, CBC and plan-instance are children), median of --runs runs, the sides alternating.
Ratios are scicov / PuLP (< 1: scicov faster). Both sides get the same kind of limit: wall
clock (plan-instance's --time-limit; CBC's `sec` with PuLP's default timeMode "elapsed").
Verdict per seed: scicov is **worse** when PuLP found fewer sites, or as few with more tie-break
weight, or the same answer in less CPU time. Flags say which side stopped on time (PuLP 2.6
reports CBC's "Stopped on time" with a solution as "Optimal": a PuLP run within 2 % of the
limit is flagged "PuLP hit the time limit") and where answers differ. Prints markdown on stdout.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import plan_bench  # noqa: E402  (load_pulp_model, read_instance)


def cpu_now():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn):
    c0, t0 = cpu_now(), time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0, cpu_now() - c0


def load_avg():
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=1, help="runs per side and instance (median)")
    ap.add_argument("--sizes", default="2000x500,5000x1000")
    ap.add_argument("--problems", default="full,90", help="full and/or percentages of the coverable weight")
    ap.add_argument("--time-limit", type=float, default=300, help="seconds, each side (PuLP: CBC's timeLimit)")
    ap.add_argument("--json", help="also write every measurement here")
    return ap.parse_args()


def instance_for(mod, bench, tmp, demands, candidates, seed, problem):
    """The instance file of (size, seed, problem), its parsed form and the set-cover target."""
    path = os.path.join(tmp, f"i_{demands}x{candidates}_{seed}.txt")
    if not os.path.exists(path):
        subprocess.run([bench, "generate", "--demands", str(demands), "--candidates", str(candidates),
                        "--seed", str(seed), "-o", path], check=True)
    inst = plan_bench.read_instance(mod, path)
    coverable = set(i for cov in inst.covers for i in cov)
    if problem == "full":
        target = float(sum(inst.measure[i] for i in coverable))
        return path, inst, target
    share = float(problem) / 100.0
    inst.measure = list(inst.weight)
    part = os.path.join(tmp, f"i_{demands}x{candidates}_{seed}_w.txt")
    inst.write(part)
    inst = plan_bench.read_instance(mod, part)  # exactly what plan-instance reads
    target = share * sum(inst.measure[i] for i in coverable)
    return part, inst, target


def measure(mod, inst_bin, path, inst, target, runs, time_limit):
    mine, ref = [], []
    sol = ref_sol = None
    for _ in range(runs):
        sol, wall, cpu = timed(lambda: run_scicov(inst_bin, path, target, time_limit))
        mine.append((wall, cpu))
        ref_sol, wall, cpu = timed(lambda: pulp_or_none(mod, inst, target))
        ref.append((wall, cpu))
    med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
    # any PuLP run within 2 % of the limit stopped on time in some stage (PuLP cannot tell)
    timed_out = any(wall >= 0.98 * time_limit for wall, _ in ref)
    return {"scicov_objective": sol["objective"], "scicov_status": sol["status"],
            "scicov_new_weight": sol["new_weight"], "scicov_tie_break_optimal": sol["tie_break_optimal"],
            "scicov_seconds": sol["seconds"], "pulp_timed_out": timed_out,
            "pulp_objective": ref_sol["objective"] if ref_sol else None,
            "pulp_new_weight": ref_sol["new_weight"] if ref_sol else None,
            "scicov_wall": med(mine, 0), "scicov_cpu": med(mine, 1),
            "pulp_wall": med(ref, 0), "pulp_cpu": med(ref, 1)}


def run_scicov(inst_bin, path, target, time_limit):
    """plan-instance's JSON; the process may take a while past its own limit on a loaded machine."""
    out = subprocess.run([inst_bin, "--set-cover", repr(target), "--solver", "exact", "--time-limit",
                          str(time_limit), path], check=True, capture_output=True, text=True,
                         timeout=3 * time_limit + 120)
    if out.stderr.strip():
        raise SystemExit(f"plan-instance wrote to stderr: {out.stderr!r}")
    return json.loads(out.stdout)


def pulp_or_none(mod, inst, target):
    """PuLP's answer, None when CBC stopped on the time limit (the model asserts "Optimal")."""
    try:
        return mod.pulp_set_cover(inst, target, "sites")
    except AssertionError:
        return None


def verdict(m):
    """Whether scicov did at least as well as PuLP on this seed: a better answer (fewer sites, or
    as few and more tie-break weight), or the same answer in no more CPU time."""
    mine, ref = m["scicov_objective"], m["pulp_objective"]
    if ref is None:
        return mine is not None
    tol = 1e-6 * max(1.0, abs(mine))
    if mine < ref - tol:
        return True
    if mine > ref + tol:
        return False
    wm, wr = m["scicov_new_weight"], m["pulp_new_weight"]
    if wr is not None and abs(wm - wr) > 1e-6 * max(1.0, abs(wr)):
        return wm > wr
    return m["scicov_cpu"] <= m["pulp_cpu"]


def flags_of(m):
    out = []
    if m["scicov_cpu"] > m["pulp_cpu"]:
        out.append("slower (CPU)")
    if m["scicov_wall"] > m["pulp_wall"]:
        out.append("slower (wall)")
    mine, ref = m["scicov_objective"], m["pulp_objective"]
    tol = 1e-6 * max(1.0, abs(mine))
    if m["scicov_status"] != "optimal":
        out.append(f"scicov {m['scicov_status']} (time limit)")
    elif not m["scicov_tie_break_optimal"]:
        out.append("scicov tie-break not proven")
    if m["pulp_timed_out"]:
        # PuLP 2.6 reads CBC's "Stopped on time" with a solution as "Optimal": its answer is a bound only
        out.append("PuLP hit the time limit")
    if ref is None:
        out.append("PuLP: no answer (time limit)")
    elif abs(mine - ref) > tol:
        out.append("sites differ")
    elif m["pulp_new_weight"] is not None and abs(m["scicov_new_weight"] - m["pulp_new_weight"]) > 1e-6 * max(
            1.0, abs(m["pulp_new_weight"])):
        out.append("tie-break weight differs (" + ("scicov more" if m["scicov_new_weight"] > m["pulp_new_weight"]
                                                    else "PuLP more") + ")")
    if not verdict(m):
        out.insert(0, "**scicov worse**")
    return out


def print_header(title):
    print(f"\n### {title}\n")
    print("| seed | sites (scicov / PuLP) | scicov wall s | PuLP wall s | wall ratio | scicov CPU s | PuLP CPU s "
          "| CPU ratio | flags |")
    print("|---|---|---|---|---|---|---|---|---|", flush=True)


def print_row(seed, m):
    ref = "time limit" if m["pulp_objective"] is None else f"{m['pulp_objective']:.10g}"
    print(f"| {seed} | {m['scicov_objective']:.10g} ({m['scicov_status']}) / {ref} "
          f"| {m['scicov_wall']:.3f} | {m['pulp_wall']:.3f} | {m['scicov_wall'] / m['pulp_wall']:.2f} "
          f"| {m['scicov_cpu']:.3f} | {m['pulp_cpu']:.3f} | {m['scicov_cpu'] / m['pulp_cpu']:.2f} "
          f"| {', '.join(flags_of(m))} |", flush=True)


def group_summary(title, rows):
    wall = [m["scicov_wall"] / m["pulp_wall"] for _, m in rows]
    cpu = [m["scicov_cpu"] / m["pulp_cpu"] for _, m in rows]
    worse = [str(s) for s, m in rows if not verdict(m)]
    return {"title": title, "seeds": len(rows), "wall_median": statistics.median(wall), "wall_max": max(wall),
            "cpu_median": statistics.median(cpu), "cpu_max": max(cpu), "flagged": worse}


def main():
    a = parse_args()
    bench = os.path.join(a.build, "tools/bench/plan-bench")
    inst_bin = os.path.join(a.build, "tools/bench/plan-instance")
    mod = plan_bench.load_pulp_model(inst_bin)
    # the same time limit for PuLP's CBC (one thread, as the model's own solver)
    mod.SOLVER = mod.pulp.COIN_CMD(msg=False, threads=1, timeLimit=a.time_limit)
    mod.WARM_SOLVER = mod.pulp.COIN_CMD(msg=False, threads=1, warmStart=True, timeLimit=a.time_limit)
    sizes = [tuple(int(v) for v in s.split("x")) for s in a.sizes.split(",")]
    problems = a.problems.split(",")
    seeds = list(range(a.first_seed, a.first_seed + a.seeds))
    git = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout
    print(f"# scicov vs PuLP + CBC, set cover, side by side\n\nbuild {a.build} (source commit {git.strip()}), "
          f"{len(seeds)} seeds "
          f"({seeds[0]}..{seeds[-1]}), {a.runs} run(s) a side, load average at start {load_avg()}")
    summary, raw = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for demands, candidates in sizes:
            for problem in problems:
                title = f"{demands} x {candidates}, " + ("full cover" if problem == "full" else
                                                          f"{problem} % of the weight")
                rows = []
                print_header(title)
                for seed in seeds:
                    path, inst, target = instance_for(mod, bench, tmp, demands, candidates, seed, problem)
                    m = measure(mod, inst_bin, path, inst, target, a.runs, a.time_limit)
                    rows.append((seed, m))
                    print_row(seed, m)
                    raw.append({"demands": demands, "candidates": candidates, "problem": problem, "seed": seed, **m})
                summary.append(group_summary(title, rows))
    print(f"\n### Summary (ratio = scicov / PuLP; load average at end {load_avg()})\n")
    print("| instances | seeds | median wall ratio | max wall ratio | median CPU ratio | max CPU ratio "
          "| seeds where scicov is worse |")
    print("|---|---|---|---|---|---|---|")
    for s in summary:
        print(f"| {s['title']} | {s['seeds']} | {s['wall_median']:.2f} | {s['wall_max']:.2f} | {s['cpu_median']:.2f} "
              f"| {s['cpu_max']:.2f} | {', '.join(s['flagged']) or 'none'} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"summary": summary, "runs": raw}, f, indent=1)


if __name__ == "__main__":
    main()
