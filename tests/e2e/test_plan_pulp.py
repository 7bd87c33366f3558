#!/usr/bin/env python3
"""Cross-check of the planning solver (scicov::plan through tools/bench/plan-instance) against an
independent PuLP + CBC model of the same problems: textbook formulations with binary coverage
variables, no presolve, the tie-break as an explicit second solve.

Instances are random uniform points in a square with a cover radius (fixed seeds): full cover,
partial targets, budgets, groups, conflicts, costs; the objectives must be equal.

Environment: SCICOV_PLAN_INSTANCE (set by CTest). Run alone:
    SCICOV_PLAN_INSTANCE=build/x/tools/bench/plan-instance python3 tests/e2e/test_plan_pulp.py
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

try:
    import pulp
except ImportError:  # a python3 outside Debian's (pyenv): use Debian's python3-pulp
    sys.path.append("/usr/lib/python3/dist-packages")
    import pulp


def pulp_solver(warm=False):
    for make in (lambda: pulp.COIN_CMD(msg=False, threads=1, warmStart=warm),
                 lambda: pulp.PULP_CBC_CMD(msg=False, threads=1, warmStart=warm)):
        try:
            s = make()
            if s.available():
                return s
        except Exception:  # noqa: BLE001 - try the next one
            pass
    raise SystemExit("test_plan_pulp: no CBC for PuLP (install coinor-cbc)")


SOLVER = pulp_solver()
WARM_SOLVER = pulp_solver(warm=True)


# ---- instances ------------------------------------------------------------------------------

class Instance:
    def __init__(self):
        self.measure, self.weight, self.covered = [], [], []
        self.cost, self.group, self.covers = [], [], []
        self.conflicts = []

    def write(self, path):
        with open(path, "w") as f:
            f.write("scicov-plan-instance 1\n")
            f.write(f"demands {len(self.measure)}\n")
            for m, w, c in zip(self.measure, self.weight, self.covered):
                f.write(f"{m!r} {w!r} {int(c)}\n")
            f.write(f"candidates {len(self.cost)}\n")
            for c, g, cov in zip(self.cost, self.group, self.covers):
                f.write(f"{c!r} {g} {len(cov)} {' '.join(map(str, cov))}\n")
            f.write(f"conflicts {len(self.conflicts)}\n")
            for a, b in self.conflicts:
                f.write(f"{a} {b}\n")


def generate(seed, demands, candidates, side, radius, *, population=False, covered_share=0.0,
             groups=False, conflict_m=0.0, costs="unit"):
    rnd = random.Random(seed)
    inst = Instance()
    pts = [(rnd.uniform(0, side), rnd.uniform(0, side)) for _ in range(demands)]
    for i in range(demands):
        pop = rnd.randint(50, 3000)
        inst.measure.append(float(pop) if population else 1.0)
        inst.weight.append(pop * (1.5 if rnd.random() < 0.1 else 1.0))
        inst.covered.append(rnd.random() < covered_share)
    cell = radius
    grid = {}
    for i, (x, y) in enumerate(pts):
        grid.setdefault((int(x // cell), int(y // cell)), []).append(i)
    cands = [(rnd.uniform(0, side), rnd.uniform(0, side)) for _ in range(candidates)]
    for j, (cx, cy) in enumerate(cands):
        gx, gy = int(cx // cell), int(cy // cell)
        hit = []
        for ax in (gx - 1, gx, gx + 1):
            for ay in (gy - 1, gy, gy + 1):
                for i in grid.get((ax, ay), ()):
                    x, y = pts[i]
                    if (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius:
                        hit.append(i)
        inst.covers.append(sorted(hit))
        if costs == "unit":
            inst.cost.append(1.0)
        elif costs == "small":
            inst.cost.append(float(1 + j % 3))
        else:  # arbitrary reals
            inst.cost.append(round(0.5 + rnd.random() * 2, 4))
        # one site per village: candidates in pairs share a group
        inst.group.append(j // 2 if groups and j % 5 < 2 else -1)
    if conflict_m > 0:
        cgrid = {}
        for j, (x, y) in enumerate(cands):
            cgrid.setdefault((int(x // conflict_m), int(y // conflict_m)), []).append(j)
        for j, (x, y) in enumerate(cands):
            gx, gy = int(x // conflict_m), int(y // conflict_m)
            for ax in (gx - 1, gx, gx + 1):
                for ay in (gy - 1, gy, gy + 1):
                    for k in cgrid.get((ax, ay), ()):
                        if k > j and (x - cands[k][0]) ** 2 + (y - cands[k][1]) ** 2 < conflict_m ** 2:
                            inst.conflicts.append((j, k))
    return inst


# ---- the independent PuLP model ---------------------------------------------------------------

def packing(prob, x, inst):
    members = {}
    for j, g in enumerate(inst.group):
        if g >= 0:
            members.setdefault(g, []).append(j)
    for g, js in sorted(members.items()):
        if len(js) > 1:
            prob += pulp.lpSum(x[j] for j in js) <= 1
    for a, b in inst.conflicts:
        prob += x[a] + x[b] <= 1


def covering_lists(inst):
    by = [[] for _ in inst.measure]
    for j, cov in enumerate(inst.covers):
        for i in cov:
            by[i].append(j)
    return by


def pulp_set_cover(inst, target, objective):
    """min cost s.t. covered measure ≥ target; by fewest sites, then min cost among the fewest; then
    max weight at those optima (lexicographic: each stage with the optima before it as rows). None if
    infeasible."""
    by = covering_lists(inst)
    n = len(inst.cost)
    open_ = [i for i in range(len(inst.measure)) if not inst.covered[i]]
    base = sum(m for m, c in zip(inst.measure, inst.covered) if c)
    cost = [1.0 if objective == "sites" else c for c in inst.cost]

    def model(stage, cap=None, start=None, price_cap=None):
        prob = pulp.LpProblem("sc", pulp.LpMaximize if stage == 3 else pulp.LpMinimize)
        x = [pulp.LpVariable(f"x{j}", cat="Binary") for j in range(n)]
        y = {i: pulp.LpVariable(f"y{i}", cat="Binary") for i in open_}
        if stage == 1:
            prob += pulp.lpSum(cost[j] * x[j] for j in range(n))
        elif stage == 2:  # fewest sites: the least cost among them
            prob += pulp.lpSum(inst.cost[j] * x[j] for j in range(n))
            prob += pulp.lpSum(cost[j] * x[j] for j in range(n)) <= cap
        else:
            prob += pulp.lpSum(inst.weight[i] * y[i] for i in open_)
            prob += pulp.lpSum(cost[j] * x[j] for j in range(n)) <= cap
            if price_cap is not None:
                prob += pulp.lpSum(inst.cost[j] * x[j] for j in range(n)) <= price_cap
        for i in open_:
            prob += y[i] <= pulp.lpSum(x[j] for j in by[i])
        prob += pulp.lpSum(inst.measure[i] * y[i] for i in open_) >= target - base - 1e-7
        packing(prob, x, inst)
        if start is not None:  # the stage-1 optimum is feasible for stage 2
            for j in range(n):
                x[j].setInitialValue(start[j])
            for i in open_:
                y[i].setInitialValue(1 if any(start[j] for j in by[i]) else 0)
        status = prob.solve(WARM_SOLVER if start is not None else SOLVER)
        return prob, status, x

    prob, status, x = model(1)
    if pulp.LpStatus[status] == "Infeasible":
        return None
    assert pulp.LpStatus[status] == "Optimal", pulp.LpStatus[status]
    best = pulp.value(prob.objective) or 0.0
    start = [1 if (x[j].value() or 0) > 0.5 else 0 for j in range(n)]
    price_cap = None
    least_cost = sum(inst.cost[j] for j in range(n) if start[j])
    if objective == "sites" and len(set(inst.cost)) > 1:
        prob_c, status_c, x_c = model(2, best + 1e-6, start)
        assert pulp.LpStatus[status_c] == "Optimal", pulp.LpStatus[status_c]
        least_cost = pulp.value(prob_c.objective) or 0.0
        price_cap = least_cost + 1e-6
        start = [1 if (x_c[j].value() or 0) > 0.5 else 0 for j in range(n)]
    coverable = [i for i in open_ if by[i]]
    if target - base >= sum(inst.measure[i] for i in coverable) - 1e-7:
        # full cover: every coverable demand is covered by every optimum, the weight is fixed
        return {"objective": best, "cost": least_cost, "new_weight": sum(inst.weight[i] for i in coverable)}
    prob3, status3, x3 = model(3, best + 1e-6, start, price_cap)
    assert pulp.LpStatus[status3] == "Optimal", pulp.LpStatus[status3]
    return {"objective": best, "cost": least_cost, "new_weight": pulp.value(prob3.objective) or 0.0}


def pulp_max_cover(inst, budget, objective):
    by = covering_lists(inst)
    n = len(inst.cost)
    open_ = [i for i in range(len(inst.measure)) if not inst.covered[i]]
    cost = [1.0 if objective == "sites" else c for c in inst.cost]
    prob = pulp.LpProblem("mc", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{j}", cat="Binary") for j in range(n)]
    y = {i: pulp.LpVariable(f"y{i}", cat="Binary") for i in open_}
    prob += pulp.lpSum(inst.weight[i] * y[i] for i in open_)
    for i in open_:
        prob += y[i] <= pulp.lpSum(x[j] for j in by[i])
    prob += pulp.lpSum(cost[j] * x[j] for j in range(n)) <= budget
    packing(prob, x, inst)
    status = prob.solve(SOLVER)
    assert pulp.LpStatus[status] == "Optimal", pulp.LpStatus[status]
    return {"objective": pulp.value(prob.objective) or 0.0}


# ---- the C++ side -----------------------------------------------------------------------------

BIN = os.environ.get("SCICOV_PLAN_INSTANCE")
if not BIN or not os.path.exists(BIN):
    raise SystemExit(f"test_plan_pulp: SCICOV_PLAN_INSTANCE not set or missing ({BIN!r})")


def scicov(path, *args):
    out = subprocess.run([BIN, *args, path], check=True, capture_output=True, text=True, timeout=300)
    if out.stderr.strip():
        raise AssertionError(f"plan-instance wrote to stderr: {out.stderr!r}")
    return json.loads(out.stdout)


def close(a, b, rel=1e-6):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def check_solution(inst, sol, *, target=None, budget=None, objective="sites"):
    """Recompute the C++ answer from its sites: packing rows, measure, weight, cost."""
    sites = sol["sites"]
    assert len(set(sites)) == len(sites), "a site chosen twice"
    chosen = set(sites)
    groups = {}
    for j in sites:
        g = inst.group[j]
        if g >= 0:
            assert g not in groups, f"two sites in group {g}"
            groups[g] = j
    for a, b in inst.conflicts:
        assert not (a in chosen and b in chosen), f"conflicting sites {a}, {b}"
    hit = list(inst.covered)
    new_w = 0.0
    for j in sites:
        for i in inst.covers[j]:
            if not hit[i]:
                hit[i] = True
                new_w += inst.weight[i]
    measure = sum(m for m, h in zip(inst.measure, hit) if h)
    assert close(measure, sol["measure"]), (measure, sol["measure"])
    assert close(new_w, sol["new_weight"]), (new_w, sol["new_weight"])
    cost = sum(1.0 if objective == "sites" else inst.cost[j] for j in sites)
    if target is not None and sol["status"] in ("optimal", "feasible"):
        assert measure >= target - 1e-6 * max(1.0, target), (measure, target)
        assert close(cost, sol["objective"])
    if budget is not None:
        assert cost <= budget + 1e-9, (cost, budget)


# ---- the cases --------------------------------------------------------------------------------

def main():
    t0 = time.time()
    cases = []
    # (name, generator kwargs, problem)
    # full cover of everything coverable (target = coverable measure) and of everything
    for k, (nd, nc, side, r) in enumerate([(150, 60, 10, 2.0), (400, 150, 15, 2.0), (800, 300, 30, 2.0),
                                           (1500, 600, 50, 2.5), (2000, 1000, 60, 2.5), (3000, 2000, 80, 2.5)]):
        cases.append((f"full cover {nd}x{nc}", dict(seed=10 + k, demands=nd, candidates=nc, side=side, radius=r),
                      ("full", None, "sites")))
    cases.append(("full cover with uncoverable demands (infeasible)",
                  dict(seed=30, demands=300, candidates=40, side=20, radius=2.0), ("all", None, "sites")))
    # partial targets on population, sites and costs
    # (PuLP's binary-coverage model of the tie-break is slow on partial targets: keep these small)
    for k, (share, obj, costs) in enumerate([(0.5, "sites", "unit"), (0.8, "sites", "unit"), (0.9, "cost", "small"),
                                              (0.7, "cost", "real"), (0.6, "sites", "unit")]):
        cases.append((f"partial {share:.0%} {obj} {costs}",
                      dict(seed=40 + k, demands=200 + 50 * k, candidates=80 + 20 * k, side=25, radius=2.5,
                           population=True, covered_share=0.1, costs=costs), ("share", share, obj)))
    # fewest sites first, then the least cost among them, then the most weight (issue #14)
    for k, (kind, share, costs) in enumerate([("full", None, "small"), ("full", None, "real"), ("share", 0.6, "real"),
                                               ("share", 0.8, "small")]):
        cases.append((f"fewest sites then cost: {kind} {share or ''} {costs}",
                      dict(seed=100 + k, demands=300 + 100 * k, candidates=120 + 30 * k, side=25, radius=2.5,
                           population=kind == "share", covered_share=0.1, costs=costs), (kind, share, "sites")))
    cases.append(("fewest sites then cost: groups + spacing",
                  dict(seed=105, demands=300, candidates=120, side=25, radius=2.5, population=True, groups=True,
                       conflict_m=1.0, costs="real"), ("share", 0.75, "sites")))
    # budgets
    for k, (nd, nc, p) in enumerate([(1000, 300, 5), (2000, 800, 10), (3000, 2000, 20), (1500, 500, 8)]):
        cases.append((f"max cover {nd}x{nc} p={p}", dict(seed=60 + k, demands=nd, candidates=nc, side=40, radius=3.0,
                                                         covered_share=0.05), ("budget", p, "sites")))
    cases.append(("max cover cost budget", dict(seed=70, demands=1200, candidates=400, side=30, radius=3.0,
                                               costs="small"), ("budget", 12, "cost")))
    # groups and conflicts
    cases.append(("full cover, groups", dict(seed=80, demands=600, candidates=300, side=30, radius=2.0, groups=True),
                  ("full", None, "sites")))
    cases.append(("partial, groups + spacing", dict(seed=81, demands=300, candidates=120, side=25, radius=2.5,
                                                   population=True, groups=True, conflict_m=1.0),
                  ("share", 0.75, "sites")))
    cases.append(("max cover, groups + spacing", dict(seed=82, demands=1500, candidates=500, side=30, radius=3.0,
                                                     groups=True, conflict_m=2.0), ("budget", 10, "sites")))
    cases.append(("full cover, spacing", dict(seed=83, demands=500, candidates=400, side=40, radius=2.5,
                                             conflict_m=0.5), ("full", None, "sites")))
    # sweep
    cases.append(("sweep 1..6", dict(seed=90, demands=1000, candidates=300, side=25, radius=3.0), ("sweep", 6, "sites")))

    failures = []
    compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, gen, (kind, amount, objective) in cases:
            inst = generate(**gen)
            path = os.path.join(tmp, "instance.txt")
            inst.write(path)
            common = ["--solver", "exact", "--objective", objective, "--time-limit", "60"]
            try:
                if kind in ("full", "all", "share"):
                    open_cov = set(i for cov in inst.covers for i in cov)
                    total = sum(inst.measure)
                    if kind == "full":
                        target = sum(m for i, m in enumerate(inst.measure) if i in open_cov or inst.covered[i])
                    elif kind == "all":
                        target = total
                    else:
                        target = amount * total
                    mine = scicov(path, "--set-cover", repr(target), *common)
                    ref = pulp_set_cover(inst, target, objective)
                    check_solution(inst, mine, target=target, objective=objective)
                    if ref is None:
                        assert mine["status"] == "infeasible", mine["status"]
                        uncov = sorted(i for i in range(len(inst.measure))
                                       if not inst.covered[i] and i not in open_cov)
                        assert mine["uncoverable"] == uncov, "uncoverable demands differ"
                        if not inst.conflicts and not any(g >= 0 for g in inst.group):
                            reach = sum(m for i, m in enumerate(inst.measure) if inst.covered[i] or i in open_cov)
                            assert close(mine["reachable_measure"], reach)
                    else:
                        assert mine["status"] == "optimal", mine["status"]
                        assert close(mine["objective"], ref["objective"]), (mine["objective"], ref["objective"])
                        assert close(mine["cost"], ref["cost"]), ("cost, the second key", mine["cost"], ref["cost"])
                        assert close(mine["new_weight"], ref["new_weight"]), \
                            ("tie-break", mine["new_weight"], ref["new_weight"])
                        # the heuristic: never better than the optimum, a bound on the right side
                        heur = scicov(path, "--set-cover", repr(target), "--solver", "heuristic",
                                      "--objective", objective, "--time-limit", "20")
                        if heur["status"] in ("optimal", "feasible"):
                            check_solution(inst, heur, target=target, objective=objective)
                            assert heur["objective"] >= ref["objective"] - 1e-6
                            assert heur["bound"] <= ref["objective"] + 1e-6
                    compared += 1
                elif kind == "budget":
                    mine = scicov(path, "--max-cover", str(amount), *common)
                    ref = pulp_max_cover(inst, amount, objective)
                    check_solution(inst, mine, budget=amount, objective=objective)
                    assert mine["status"] == "optimal", mine["status"]
                    assert close(mine["objective"], ref["objective"]), (mine["objective"], ref["objective"])
                    heur = scicov(path, "--max-cover", str(amount), "--solver", "heuristic", "--objective", objective,
                                  "--time-limit", "20")
                    check_solution(inst, heur, budget=amount, objective=objective)
                    assert heur["objective"] <= ref["objective"] + 1e-6
                    assert heur["bound"] >= ref["objective"] - 1e-6 * max(1.0, ref["objective"])
                    compared += 1
                elif kind == "sweep":
                    mine = scicov(path, "--sweep", str(amount), *common)["sweep"]
                    assert len(mine) == amount
                    prev = -1.0
                    for b, sol in enumerate(mine, start=1):
                        ref = pulp_max_cover(inst, b, objective)
                        check_solution(inst, sol, budget=b, objective=objective)
                        assert close(sol["objective"], ref["objective"]), (b, sol["objective"], ref["objective"])
                        assert sol["objective"] >= prev
                        prev = sol["objective"]
                        compared += 1
                print(f"ok   {name}: {mine['objective'] if isinstance(mine, dict) else 'sweep'}"
                      f" ({time.time() - t0:.1f}s)", flush=True)
            except AssertionError as e:
                failures.append(f"{name}: {e!r}")
                print(f"FAIL {name}: {e!r}", flush=True)
    print(f"{compared} objectives compared with PuLP + CBC in {time.time() - t0:.1f}s")
    if compared < 20:
        failures.append(f"only {compared} comparisons")
    if failures:
        print("\n".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
