"""scicov for Python: the coverage solver on a coverage matrix, and the analyze/plan pipeline.

Solver (no geography; the problems spopt's LSCP and MCLP take ``from_cost_matrix``)::

    import numpy as np, scicov
    problem = scicov.CoverProblem.from_cost_matrix(distances, service_radius=5000, weights=population)
    lscp = scicov.solve_set_cover(problem)            # fewest sites covering every demand
    mclp = scicov.solve_max_cover(problem, budget=4)   # most weight covered with 4 sites
    lscp.status, lscp.sites, lscp.objective, lscp.bound, lscp.gap

Matrices are **demands × sites** (rows are demand points, columns candidate sites), as spopt's
``cost_matrix``: numpy (0/1 or bool) or any scipy.sparse matrix.

Pipeline (GDAL datasets, the same library calls as ``scicov analyze|plan``)::

    result = scicov.analyze("geodata/sample.gpkg", counties=["530326"], output="coverage.gpkg")
    for county in result["counties"]:
        print(county["code"], county["types"]["science_room"]["share"])

Errors from the library raise :class:`scicov.Error` (a RuntimeError with ``kind``, ``message``,
``file``, ``layer``, ``feature``, ``field``); bad arguments raise ValueError or TypeError.
Solves and the pipeline release the GIL. See docs/python.md.
"""
import os

import numpy as np

from . import _scicov
from ._scicov import Error, Solution, default_rules_toml, check_rules

__all__ = [
    "CoverProblem", "Solution", "Error",
    "solve_set_cover", "solve_max_cover", "sweep_max_cover", "order_by_gain", "phase", "phase_city",
    "analyze", "plan", "default_rules_toml", "check_rules",
]
__version__ = _scicov.__version__


# ---- the solver --------------------------------------------------------------------------------

def _is_sparse(matrix):
    return hasattr(matrix, "tocsc") and hasattr(matrix, "nnz")


def _site_lists(coverage):
    """(offsets, demands, n_demands, n_sites): for each site (column) the demands (rows) it covers."""
    if _is_sparse(coverage):
        csc = coverage.tocsc(copy=True)
        if csc.ndim != 2:
            raise ValueError("the coverage matrix must be two-dimensional (demands × sites)")
        csc.sum_duplicates()
        csc.eliminate_zeros()
        csc.sort_indices()
        if np.any(csc.data != 1):
            raise ValueError("the coverage matrix must hold 0 and 1 only")
        n_demands, n_sites = csc.shape
        return (np.asarray(csc.indptr, dtype=np.int32), np.asarray(csc.indices, dtype=np.int32),
                n_demands, n_sites)
    dense = np.asarray(coverage)
    if dense.ndim != 2:
        raise ValueError("the coverage matrix must be two-dimensional (demands × sites)")
    if dense.dtype != np.bool_ and np.any((dense != 0) & (dense != 1)):
        raise ValueError("the coverage matrix must hold 0 and 1 only")
    n_demands, n_sites = dense.shape
    sites, demands = np.nonzero(dense.T)  # row-major: by site, then demand ascending
    offsets = np.zeros(n_sites + 1, dtype=np.int64)
    np.cumsum(np.bincount(sites, minlength=n_sites), out=offsets[1:])
    if offsets[-1] > np.iinfo(np.int32).max:
        raise ValueError("the coverage matrix has more than 2^31 covering pairs")
    return offsets.astype(np.int32), demands.astype(np.int32), n_demands, n_sites


def _vector(values, n, default, dtype, name):
    if values is None:
        return np.full(n, default, dtype=dtype)
    a = np.asarray(values, dtype=dtype).reshape(-1)
    if a.shape[0] != n:
        raise ValueError(f"{name} has {a.shape[0]} values, the coverage matrix needs {n}")
    return a


class CoverProblem:
    """One coverage problem: which candidate sites cover which demands, with weights and costs.

    coverage  demands × sites, numpy (0/1 or bool) or scipy.sparse (any format): entry (i, j) is 1
              when site j covers demand i. This is the orientation of spopt's ``cost_matrix``.
    weights   per demand: what max cover maximises (people, priority-weighted people); default 1.
    costs     per site: what set cover with objective="cost" minimises, and what a max-cover
              budget with objective="cost" limits; default 1.
    measure   per demand: what a set-cover target counts (default 1: the number of demands).
    covered   per demand: already covered by existing facilities (counts toward targets, gives
              no new weight); default none.
    groups    per site: at most one site of each group id ≥ 0 is chosen; -1 = no group.
    conflicts pairs (j, k) of sites that may not both be chosen.
    """

    def __init__(self, coverage, weights=None, costs=None, *, measure=None, covered=None, groups=None,
                 conflicts=None):
        offsets, demands, n_demands, n_sites = _site_lists(coverage)
        self.n_demands = n_demands
        self.n_sites = n_sites
        self.measure = _vector(measure, n_demands, 1.0, np.float64, "measure")
        self.weights = _vector(weights, n_demands, 1.0, np.float64, "weights")
        self.covered = _vector(covered, n_demands, 0, np.uint8, "covered")
        self.costs = _vector(costs, n_sites, 1.0, np.float64, "costs")
        group = (np.zeros(0, dtype=np.int32) if groups is None
                 else _vector(groups, n_sites, -1, np.int32, "groups"))
        pairs = np.asarray(conflicts if conflicts is not None else np.zeros((0, 2)), dtype=np.int32)
        if pairs.size and (pairs.ndim != 2 or pairs.shape[1] != 2):
            raise ValueError("conflicts must be pairs of site indices")
        self._offsets, self._demands = offsets, demands
        self._problem = _scicov._Problem(self.measure, self.weights, self.covered, self.costs, offsets, demands,
                                         group, pairs.reshape(-1, 2))

    @classmethod
    def from_cost_matrix(cls, cost_matrix, service_radius, weights=None, costs=None, **kwargs):
        """As spopt's LSCP/MCLP ``from_cost_matrix``: site j covers demand i when
        cost_matrix[i, j] ≤ service_radius (demands × sites; inf or NaN: never)."""
        cost = np.asarray(cost_matrix, dtype=np.float64)
        return cls(cost <= service_radius, weights, costs, **kwargs)

    def coverage_matrix(self):
        """The coverage as a dense demands × sites bool array."""
        a = np.zeros((self.n_demands, self.n_sites), dtype=bool)
        for j in range(self.n_sites):
            a[self._demands[self._offsets[j]:self._offsets[j + 1]], j] = True
        return a

    def covered_by(self, sites):
        """Per demand: covered by one of `sites` or already covered (a bool array)."""
        mask = self.covered.astype(bool)
        for j in sites:
            mask[self._demands[self._offsets[j]:self._offsets[j + 1]]] = True
        return mask

    def selection(self, solution):
        """Per site: chosen by `solution` (a bool array)."""
        mask = np.zeros(self.n_sites, dtype=bool)
        mask[list(solution.sites)] = True
        return mask

    def __repr__(self):
        return f"CoverProblem({self.n_demands} demands × {self.n_sites} sites, {len(self._demands)} covering pairs)"


_OPTIONS_DOC = """
    objective   "sites" (count) or "cost" (sum of costs)
    solver      "automatic" (heuristic, then CBC, more heuristic if CBC runs out of time),
                "exact" (heuristic, then CBC) or "heuristic" (no CBC; a bound still comes from the LP)
    time_limit  wall seconds for the call (a sweep: per budget)
    gap         stop CBC at this relative gap (0: prove optimality)
    presolve    reductions that keep an optimal solution
    seed        CBC's random seed
"""


def solve_set_cover(problem, target=None, *, share=None, objective="sites", solver="automatic", time_limit=60.0,
                    gap=0.0, presolve=True, seed=1):
    """Fewest sites (or least cost) so that already + newly covered measure ≥ target.

    target is absolute measure; share a fraction of the total measure; neither: cover everything
    (spopt's LSCP). Ties among optimal selections go to the most weight newly covered. An
    unreachable target gives status "infeasible" with reachable_measure and uncoverable filled.
    """
    total = float(problem.measure.sum())
    if target is not None and share is not None:
        raise ValueError("give target or share, not both")
    if share is not None:
        target = share * total
    elif target is None:
        target = total
    return _scicov.solve_set_cover(problem._problem, float(target), objective=objective, solver=solver,
                                   time_limit=time_limit, gap=gap, presolve=presolve, seed=seed)


def solve_max_cover(problem, budget, *, objective="sites", solver="automatic", time_limit=60.0, gap=0.0,
                    presolve=True, seed=1):
    """Most weight newly covered with at most `budget` sites (or total cost): spopt's MCLP.
    Sites that add nothing are not chosen."""
    return _scicov.solve_max_cover(problem._problem, float(budget), objective=objective, solver=solver,
                                   time_limit=time_limit, gap=gap, presolve=presolve, seed=seed)


def sweep_max_cover(problem, max_budget, *, objective="sites", solver="automatic", time_limit=60.0, gap=0.0,
                    presolve=True, seed=1):
    """solve_max_cover for budgets 1 … max_budget (a list of Solution, index b − 1): the
    coverage-vs-budget curve; objectives never decrease."""
    return _scicov.sweep_max_cover(problem._problem, int(max_budget), objective=objective, solver=solver,
                                   time_limit=time_limit, gap=gap, presolve=presolve, seed=seed)


for _f in (solve_set_cover, solve_max_cover, sweep_max_cover):
    _f.__doc__ += "\n    Options:" + _OPTIONS_DOC


def order_by_gain(problem, sites, by="measure"):
    """Greedy order of `sites`: each next the one adding most measure (by="measure") or weight
    (by="weight"), the other key and then the lower index breaking ties. A list of dicts
    {site, gain_measure, gain_weight}."""
    return _scicov.order_by_gain(problem._problem, [int(s) for s in sites], by)


def phase(problem, sites, per_year, start_year, by="measure"):
    """order_by_gain, then years: per_year sites a year from start_year. A list of dicts
    {site, gain_measure, gain_weight, rank, year}."""
    return _scicov.phase(problem._problem, [int(s) for s in sites], int(per_year), int(start_year), by)


def phase_city(counties, per_year, start_year):
    """A city-wide budget of per_year sites a year shared among counties: each slot goes to the
    county whose next site has the largest gain (ties: lower county index).

    counties: a list of dicts {gain: [...], measure_gain: [...] (default: gain), base_measure: 0,
    target: 0 (≤ 0: none)}, each site list in its county's order. Returns a dict: year
    ([county][site] year), years, measure_after ([county][year index]), year_met ([county]:
    first year at target, start_year − 1 if met before, −1 if never)."""
    rows = []
    for c in counties:
        gain = [float(g) for g in c["gain"]]
        measure_gain = [float(g) for g in c.get("measure_gain", gain)]
        rows.append((gain, measure_gain, float(c.get("base_measure", 0.0)), float(c.get("target", 0.0))))
    return _scicov.phase_city(rows, int(per_year), int(start_year))


# ---- the pipeline ------------------------------------------------------------------------------

def _strings(value, name):
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    try:
        return [os.fspath(v) if isinstance(v, os.PathLike) else str(v) for v in value]
    except TypeError:
        raise TypeError(f"{name}: a string or a list of strings") from None


def _layer_overrides(layers):
    if layers is None:
        return []
    if not isinstance(layers, dict):
        return _strings(layers, "layers")
    out = []
    for role, where in layers.items():
        if isinstance(where, tuple):
            where = f"{os.fspath(where[0])}:{where[1]}"
        out.append(f"{role}={os.fspath(where)}")
    return out


def _budgets(budgets):
    if budgets is None:
        return []
    if not isinstance(budgets, dict):
        return _strings(budgets, "budgets")
    out = []
    for key, value in budgets.items():
        if isinstance(value, range):
            if value.start != 1 or value.step != 1 or len(value) < 1:
                raise ValueError(f"budgets[{key!r}]: a sweep is range(1, N + 1)")
            out.append(f"{key}=1..{value.stop - 1}")
        else:
            out.append(f"{key}={int(value)}")
    return out


def _run_args(inputs, rules, counties, layers, crs, datum, threads, circle_segments, output, out_crs, csv, json):
    args = _scicov.RunArgs()
    args.inputs = _strings(inputs, "inputs")
    args.rules_file = os.fspath(rules) if rules is not None else ""
    args.layers = _layer_overrides(layers)
    args.crs = {str(k): str(v) for k, v in (crs or {}).items()}
    args.datum = {str(k): str(v) for k, v in (datum or {}).items()}
    args.counties = _strings(counties, "counties")
    args.threads = int(threads)
    args.circle_segments = int(circle_segments)
    if not 1 <= args.circle_segments <= 1024:
        raise ValueError("circle_segments must be in 1..1024")
    args.output = os.fspath(output) if output is not None else ""
    args.out_crs = out_crs
    args.csv = os.fspath(csv) if csv is not None else ""
    args.json = os.fspath(json) if json is not None else ""
    return args


_PIPELINE_DOC = """
    inputs           a GDAL dataset name or a list of them (GeoPackage, Shapefile, GeoJSON, "PG:…");
                     layers are found by role: villages, facilities, candidates, townships,
                     counties, exclusions
    rules            a rules file (TOML); None: the defaults (scicov.default_rules_toml())
    counties         a county code or a list of them (None: all)
    layers           {role: "DATASET[:LAYER]" or (dataset, layer)}: where a role's layer is
    crs, datum       {role: "EPSG:4490"}, {role: "gcj02" | "bd09"}: as the CLI's --crs, --datum
    threads          worker threads (0: one per core); circle_segments: vertices per quarter disc
    output           write the GeoPackage here (as `scicov analyze|plan -o`); out_crs its CRS
    csv, json        also write the per-county summary there
    progress         a callable(stage, fraction), called from the calling thread

    Returns a dict: types (keys in rules order), counties and townships (lists of dicts: code,
    name, county_code, villages, population, urban/rural counts, and types: {key: {share, target,
    met, gap, villages_covered, population_covered, ...}}), villages, facilities, candidates
    (counts), warnings (list of str), timings."""


def analyze(inputs, rules=None, counties=None, *, layers=None, crs=None, datum=None, threads=0, circle_segments=32,
            output=None, out_crs="EPSG:4490", csv=None, json=None, progress=None):
    """Coverage and gaps of every facility type, summarised per township and county (scicov analyze).
    """
    args = _run_args(inputs, rules, counties, layers, crs, datum, threads, circle_segments, output, out_crs, csv,
                     json)
    return _scicov.analyze(args, progress)


def plan(inputs, rules=None, counties=None, *, budgets=None, per_year=None, start_year=None, year_scope="city",
         by_year=None, time_limit=None, gap=0.0, solver="automatic", min_spacing=None, layers=None, crs=None,
         datum=None, threads=0, circle_segments=32, output=None, out_crs="EPSG:4490", csv=None, json=None,
         progress=None):
    """New sites per county and type to meet the targets, phased by year (scicov plan).

    budgets      {type: N} (max cover with N sites), {type: range(1, N + 1)} (a sweep), or
                 "TYPE=N" / "TYPE=1..N" strings
    per_year, start_year, min_spacing (metres), time_limit (seconds per county and type):
                 None takes the rules' [planning] defaults
    year_scope   "city" (share per_year city-wide) or "county"
    by_year      also report the sites a year that meet every target by this year
    gap, solver  as solve_set_cover

    The dict analyze returns, plus sites (proposed sites: id, type, county_code, lon, lat, rank,
    year, budget, gain_villages, gain_population, cost, ...), summary (per county, type and
    budget: model, status, method, objective, bound, gap, sites, share_before, share_after,
    reachable_share, year_met, uncoverable, ...), counties_after (as counties, after the plan)
    and per_year_needed ([{city, type, per_year}])."""
    args = _run_args(inputs, rules, counties, layers, crs, datum, threads, circle_segments, output, out_crs, csv,
                     json)
    p = _scicov.PlanArgs()
    p.budgets = _budgets(budgets)
    p.per_year = int(per_year) if per_year is not None else 0
    p.start_year = int(start_year) if start_year is not None else 0
    p.by_year = int(by_year) if by_year is not None else 0
    p.year_scope = year_scope
    p.solver = solver
    p.time_limit_s = float(time_limit) if time_limit is not None else 0.0
    p.gap = float(gap)
    p.min_spacing_m = float(min_spacing) if min_spacing is not None else -1.0
    if per_year is not None and p.per_year < 1:
        raise ValueError("per_year must be ≥ 1")
    return _scicov.plan(args, p, progress)


analyze.__doc__ += "\n    Arguments:" + _PIPELINE_DOC
plan.__doc__ += "\n    Arguments as analyze's:" + _PIPELINE_DOC
