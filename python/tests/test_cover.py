"""The solver bindings against an independent PuLP + CBC model of the same problems.

Instances are spopt-style: random demand and site points in a square, a Euclidean distance
matrix (demands × sites) and a service radius (fixed seeds). Set cover to a full or partial
target and max cover with a budget of sites or cost (with groups and conflicts on some); the
objectives must be equal. Also: the sparse input formats, infeasible targets, the sweep,
phasing, errors, and two solves at once from two Python threads.
"""
import math
import threading
import time

import numpy as np
import pulp
import pytest

import scicov


def pulp_solver():
    for make in (lambda: pulp.COIN_CMD(msg=False, threads=1), lambda: pulp.PULP_CBC_CMD(msg=False, threads=1)):
        try:
            solver = make()
            if solver.available():
                return solver
        except Exception:  # noqa: BLE001 - try the next one
            pass
    pytest.skip("no CBC for PuLP (install coinor-cbc)")


# ---- instances ------------------------------------------------------------------------------

class Instance:
    def __init__(self, seed, demands, sites, radius, *, side=100.0, population=False, covered_share=0.0,
                 costs=False, groups=False, conflicts=False, coverable_only=False):
        rnd = np.random.default_rng(seed)
        d_xy = rnd.uniform(0, side, size=(demands, 2))
        s_xy = rnd.uniform(0, side, size=(sites, 2))
        self.distance = np.hypot(d_xy[:, None, 0] - s_xy[None, :, 0], d_xy[:, None, 1] - s_xy[None, :, 1])
        self.radius = radius
        if coverable_only:  # as spopt's LSCP needs: every demand has a site in reach
            keep = (self.distance <= radius).any(axis=1)
            self.distance = self.distance[keep]
            demands = int(keep.sum())
        self.cover = self.distance <= radius
        pop = rnd.integers(50, 3000, size=demands).astype(float)
        self.measure = pop if population else np.ones(demands)
        self.weights = pop * np.where(rnd.random(demands) < 0.1, 1.5, 1.0)
        self.covered = rnd.random(demands) < covered_share
        self.costs = np.round(rnd.uniform(0.5, 2.0, size=sites), 2) if costs else np.ones(sites)
        self.groups = rnd.integers(-1, sites // 3, size=sites) if groups else None
        self.conflicts = []
        if conflicts:
            for a in range(sites):
                for b in range(a + 1, sites):
                    if math.dist(s_xy[a], s_xy[b]) < radius / 4:
                        self.conflicts.append((a, b))

    def problem(self):
        return scicov.CoverProblem.from_cost_matrix(
            self.distance, self.radius, weights=self.weights, costs=self.costs, measure=self.measure,
            covered=self.covered, groups=self.groups, conflicts=self.conflicts or None)

    # -- the independent model: textbook binary x (demand covered) and y (site chosen) --------
    def _model(self, sense):
        n_d, n_s = self.cover.shape
        m = pulp.LpProblem("cover", sense)
        y = [pulp.LpVariable(f"y{j}", cat="Binary") for j in range(n_s)]
        x = {i: pulp.LpVariable(f"x{i}", cat="Binary") for i in range(n_d) if not self.covered[i]}
        for i, xi in x.items():
            m += xi <= pulp.lpSum(y[j] for j in np.nonzero(self.cover[i])[0])
        if self.groups is not None:
            for g in set(int(g) for g in self.groups if g >= 0):
                members = [y[j] for j in range(n_s) if self.groups[j] == g]
                if len(members) > 1:
                    m += pulp.lpSum(members) <= 1
        for a, b in self.conflicts:
            m += y[a] + y[b] <= 1
        return m, x, y

    def pulp_set_cover(self, target, objective="sites"):
        m, x, y = self._model(pulp.LpMinimize)
        price = self.costs if objective == "cost" else np.ones(len(y))
        m += pulp.lpSum(float(price[j]) * y[j] for j in range(len(y)))
        already = float(self.measure[self.covered].sum())
        m += already + pulp.lpSum(float(self.measure[i]) * xi for i, xi in x.items()) >= target - 1e-9
        return solve(m)

    def pulp_max_cover(self, budget, objective="sites"):
        m, x, y = self._model(pulp.LpMaximize)
        m += pulp.lpSum(float(self.weights[i]) * xi for i, xi in x.items())
        price = self.costs if objective == "cost" else np.ones(len(y))
        m += pulp.lpSum(float(price[j]) * y[j] for j in range(len(y))) <= budget
        return solve(m)


def solve(model):
    start = time.perf_counter()
    model.solve(SOLVER)
    seconds = time.perf_counter() - start
    status = pulp.LpStatus[model.status]
    return status, (pulp.value(model.objective) or 0.0), seconds


SOLVER = None


@pytest.fixture(scope="module", autouse=True)
def cbc():
    global SOLVER
    SOLVER = pulp_solver()


def assert_same(ours, theirs):
    assert ours == pytest.approx(theirs, rel=1e-7, abs=1e-6)


def timed(timings, f, *args, **kwargs):
    start = time.perf_counter()
    r = f(*args, **kwargs)
    timings("scicov", time.perf_counter() - start)
    return r


# ---- set cover ------------------------------------------------------------------------------

LSCP_CASES = [
    # seed, demands, sites, radius
    (1, 120, 40, 22.0),
    (2, 200, 60, 18.0),
    (3, 300, 80, 15.0),
    (4, 150, 30, 25.0),
    (5, 250, 70, 16.0),
    (6, 400, 100, 14.0),
]


@pytest.mark.parametrize("seed,demands,sites,radius", LSCP_CASES)
def test_lscp_full_cover_matches_pulp(seed, demands, sites, radius, timings):
    inst = Instance(seed, demands, sites, radius, coverable_only=True)
    r = timed(timings, scicov.solve_set_cover, inst.problem())
    status, objective, seconds = inst.pulp_set_cover(float(inst.measure.sum()))
    timings("pulp (CBC)", seconds)
    assert status == "Optimal"
    assert r.status == "optimal" and r.gap == 0
    assert_same(r.objective, objective)
    assert len(r.sites) == round(objective)
    assert r.bound == pytest.approx(r.objective)
    # the selection really covers every demand, and no site is unknown
    assert inst.problem().covered_by(r.sites).all()
    assert all(0 <= j < inst.cover.shape[1] for j in r.sites)


TARGET_CASES = [
    # seed, demands, sites, radius, share, objective, covered_share
    (11, 200, 60, 15.0, 0.8, "sites", 0.0),
    (12, 300, 80, 12.0, 0.9, "cost", 0.2),
    (13, 250, 50, 14.0, 0.7, "sites", 0.3),
    (14, 400, 90, 11.0, 0.85, "cost", 0.0),
    (15, 150, 40, 20.0, 0.95, "sites", 0.1),
    (16, 350, 70, 13.0, 0.75, "cost", 0.25),
]


@pytest.mark.parametrize("seed,demands,sites,radius,share,objective,covered_share", TARGET_CASES)
def test_set_cover_to_target_matches_pulp(seed, demands, sites, radius, share, objective, covered_share, timings):
    inst = Instance(seed, demands, sites, radius, population=True, costs=objective == "cost",
                    covered_share=covered_share)
    problem = inst.problem()
    target = share * float(inst.measure.sum())
    r = timed(timings, scicov.solve_set_cover, problem, share=share, objective=objective)
    status, reference, seconds = inst.pulp_set_cover(target, objective)
    timings("pulp (CBC)", seconds)
    if status == "Infeasible":
        assert r.status == "infeasible"
        return
    assert status == "Optimal"
    assert r.status == "optimal"
    assert_same(r.objective, reference)
    assert r.target == pytest.approx(target)
    reached = float(inst.measure[problem.covered_by(r.sites)].sum())
    assert reached >= target - 1e-6
    assert r.measure == pytest.approx(reached)
    assert r.cost == pytest.approx(float(inst.costs[list(r.sites)].sum()))


def test_unreachable_target_is_infeasible():
    inst = Instance(21, 120, 10, 8.0)
    problem = inst.problem()
    r = scicov.solve_set_cover(problem)  # full cover, but some demands are out of every site's reach
    nobody = np.nonzero(~inst.cover.any(axis=1))[0]
    assert len(nobody) > 0
    assert r.status == "infeasible"
    assert list(r.uncoverable) == list(nobody)
    assert r.reachable_measure == pytest.approx(float(inst.measure[inst.cover.any(axis=1)].sum()))


# ---- max cover ------------------------------------------------------------------------------

MCLP_CASES = [
    # seed, demands, sites, radius, budget, objective, groups, conflicts
    (31, 200, 60, 12.0, 4, "sites", False, False),
    (32, 300, 80, 10.0, 6, "sites", False, False),
    (33, 250, 70, 11.0, 5.5, "cost", False, False),
    (34, 400, 100, 9.0, 8, "sites", True, False),
    (35, 200, 50, 13.0, 3, "sites", False, True),
    (36, 350, 90, 10.0, 7.25, "cost", True, True),
]


@pytest.mark.parametrize("seed,demands,sites,radius,budget,objective,groups,conflicts", MCLP_CASES)
def test_mclp_matches_pulp(seed, demands, sites, radius, budget, objective, groups, conflicts, timings):
    inst = Instance(seed, demands, sites, radius, population=True, costs=objective == "cost", groups=groups,
                    conflicts=conflicts, covered_share=0.1)
    problem = inst.problem()
    r = timed(timings, scicov.solve_max_cover, problem, budget, objective=objective)
    status, reference, seconds = inst.pulp_max_cover(budget, objective)
    timings("pulp (CBC)", seconds)
    assert status == "Optimal"
    assert r.status == "optimal"
    assert_same(r.objective, reference)
    assert r.bound >= r.objective - 1e-6
    newly = problem.covered_by(r.sites) & ~inst.covered
    assert r.new_weight == pytest.approx(float(inst.weights[newly].sum()))
    spent = float(inst.costs[list(r.sites)].sum()) if objective == "cost" else len(r.sites)
    assert spent <= budget + 1e-9
    if groups:
        chosen = [int(inst.groups[j]) for j in r.sites if inst.groups[j] >= 0]
        assert len(chosen) == len(set(chosen))
    for a, b in inst.conflicts:
        assert not (a in r.sites and b in r.sites)


def test_sweep_matches_pulp_at_every_budget(timings):
    inst = Instance(41, 300, 80, 10.0, population=True)
    curve = timed(timings, scicov.sweep_max_cover, inst.problem(), 6)
    assert len(curve) == 6
    for b, r in enumerate(curve, start=1):
        status, reference, seconds = inst.pulp_max_cover(b)
        timings("pulp (CBC)", seconds)
        assert status == "Optimal" and r.status == "optimal"
        assert_same(r.objective, reference)
        assert len(r.sites) <= b
    assert all(later.objective >= earlier.objective for earlier, later in zip(curve, curve[1:]))


# ---- input formats --------------------------------------------------------------------------

def test_sparse_formats_and_dense_give_the_same_answer():
    sparse = pytest.importorskip("scipy.sparse")
    inst = Instance(51, 250, 60, 12.0, population=True)
    dense = scicov.solve_max_cover(inst.problem(), 5)
    for make in (sparse.csr_matrix, sparse.csc_matrix, sparse.coo_matrix):
        matrix = make(inst.cover.astype(np.int8))
        p = scicov.CoverProblem(matrix, weights=inst.weights, measure=inst.measure)
        r = scicov.solve_max_cover(p, 5)
        assert list(r.sites) == list(dense.sites)
        assert r.objective == dense.objective
        assert (p.coverage_matrix() == inst.cover).all()
    # the orientation: demands × sites (a transposed matrix is a different problem)
    p = scicov.CoverProblem(sparse.csr_matrix(inst.cover))
    assert (p.n_demands, p.n_sites) == inst.cover.shape


def test_from_cost_matrix_is_spopts_rule():
    cost = np.array([[1.0, 5.0, np.inf], [4.0, 2.0, 9.0], [np.nan, 3.0, 3.0]])
    p = scicov.CoverProblem.from_cost_matrix(cost, 3.0)
    assert (p.coverage_matrix() == np.array([[1, 0, 0], [0, 1, 0], [0, 1, 1]], dtype=bool)).all()
    r = scicov.solve_set_cover(p)
    assert r.status == "optimal" and sorted(r.sites) == [0, 1]


# ---- phasing --------------------------------------------------------------------------------

def test_phase_orders_by_marginal_gain():
    # site 0 covers demands 0-1, site 1 covers 1-3, site 2 covers 3: greedy takes 1, then 0, then nothing new
    cover = np.zeros((4, 3), dtype=bool)
    cover[[0, 1], 0] = cover[[1, 2, 3], 1] = cover[3, 2] = True
    p = scicov.CoverProblem(cover, weights=[1, 2, 3, 4])
    steps = scicov.phase(p, [0, 1, 2], per_year=2, start_year=2030)
    assert [s["site"] for s in steps] == [1, 0, 2]
    assert [s["gain_measure"] for s in steps] == [3, 1, 0]
    assert [s["gain_weight"] for s in steps] == [9, 1, 0]
    assert [s["year"] for s in steps] == [2030, 2030, 2031]
    assert [s["rank"] for s in steps] == [1, 2, 3]
    assert [s["site"] for s in scicov.order_by_gain(p, [2, 0], by="weight")] == [2, 0]


def test_phase_city_shares_the_yearly_budget():
    counties = [
        {"gain": [10, 1], "target": 11},
        {"gain": [5, 4, 3], "base_measure": 2, "target": 6},
    ]
    r = scicov.phase_city(counties, per_year=2, start_year=2026)
    # slots by gain: 10 (A), 5 (B) in 2026; 4 (B), 3 (B) in 2027; 1 (A) in 2028
    assert r["year"] == [[2026, 2028], [2026, 2027, 2027]]
    assert r["years"] == [2026, 2027, 2028]
    assert r["measure_after"] == [[10, 10, 11], [7, 14, 14]]
    assert r["year_met"] == [2028, 2026]


# ---- errors and threads ---------------------------------------------------------------------

def test_library_errors_are_scicov_errors():
    with pytest.raises(scicov.Error) as info:
        scicov.CoverProblem(np.eye(3), weights=[1.0, float("nan"), 1.0])
    assert isinstance(info.value, RuntimeError)
    assert info.value.kind == "solver"
    assert "weight" in info.value.message
    with pytest.raises(scicov.Error) as info:
        scicov.phase(scicov.CoverProblem(np.eye(2)), [5], 1, 2026)
    assert info.value.kind == "solver"


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError):
        scicov.CoverProblem(np.array([[0, 2], [1, 0]]))
    with pytest.raises(ValueError):
        scicov.CoverProblem(np.eye(3), weights=[1, 2])
    with pytest.raises(ValueError):
        scicov.solve_max_cover(scicov.CoverProblem(np.eye(3)), 1, solver="magic")


def test_two_threads_solve_at_once():
    inst = Instance(61, 400, 100, 9.0, population=True)
    problem = inst.problem()
    alone = scicov.solve_max_cover(problem, 8)
    results = [None, None]

    def work(k):
        results[k] = scicov.solve_max_cover(problem, 8)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        assert list(r.sites) == list(alone.sites) and r.objective == alone.objective
