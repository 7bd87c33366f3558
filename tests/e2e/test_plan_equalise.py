"""Equalisation (003, 推动科普公共服务均等化) on two counties of one city of the committed sample:
- a plan without it writes no urban_rural table; `--equalise rural_first` (and the rules key
  planning.equalise) keeps the plan's sites and changes only their ranks and years;
- the urban_rural table's stages are checked independently: "before" against the villages layer
  (settlement, cov_<type>), every "year" stage and "after" by adding the plan's sites built by then
  to the sample as existing facilities and analysing again (the analysis's own verdicts);
- rural first: after the first year at least as many rural people are covered as with the plain
  plan's order;
- the report shows the gap by stage; an unknown value names the key."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, add_facilities, check, finish, rows, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")
COUNTIES = ["530304", "530326"]  # 马龙区 and 会泽县 (曲靖市): they share the city's yearly budget
AREA = [a for c in COUNTIES for a in ("--county", c)]
TYPE = "e_station"  # radius 2 km + its own village: one disc each, no area shares to re-add


def plan(tmp, name, *extra):
    out = os.path.join(tmp, name)
    r = run("plan", SAMPLE, *AREA, "-o", out, *extra)
    check(r.returncode == 0, f"plan {' '.join(extra)} (got {r.returncode}: {r.stderr})")
    return out


def tally(villages, county, covered):
    """(rural villages, urban villages, rural covered, urban covered, rural people covered, urban people covered)."""
    t = [0, 0, 0, 0, 0.0, 0.0]
    for v in villages:
        if v["county_code"] != county:
            continue
        urban = v["settlement"] == "社区"
        t[1 if urban else 0] += 1
        if covered(v):
            t[3 if urban else 2] += 1
            t[5 if urban else 4] += v["population"]
    return t


def row_tally(r):
    return [r["rural_villages"], r["urban_villages"], r["rural_villages_covered"], r["urban_villages_covered"],
            r["rural_people_covered"], r["urban_people_covered"]]


def same(a, b):
    return a[:4] == b[:4] and all(abs(x - y) <= 0.5 for x, y in zip(a[4:], b[4:]))


with tempfile.TemporaryDirectory() as tmp:
    plain = plan(tmp, "plain.gpkg")
    equal = plan(tmp, "equal.gpkg", "--equalise", "rural_first")
    from osgeo import ogr
    ds = ogr.Open(plain)
    check(ds.GetLayerByName("urban_rural") is None, "a plan without equalisation writes no urban_rural table")
    ds = None

    # The same sites; ranks and years may change.
    key = lambda s: (s["type"], s["county_code"], s["candidate_id"])  # noqa: E731
    plain_sites, equal_sites = rows(plain, "proposed_sites"), rows(equal, "proposed_sites", geometry=True)
    check(sorted(map(key, plain_sites)) == sorted(map(key, equal_sites)), "equalisation keeps the plan's sites")
    check(any((a["candidate_id"], a["year"]) != (b["candidate_id"], b["year"])
              for a, b in zip(sorted(plain_sites, key=lambda s: s["id"]), sorted(equal_sites, key=lambda s: s["id"]))),
          "equalisation changes some ranks or years on the sample")
    run_rows = rows(equal, "run", key="key")
    check(run_rows.get("equalise", {}).get("value") == "rural_first", "the run table records --equalise")

    # Stages, independently.
    villages = rows(equal, "villages")
    ur = rows(equal, "urban_rural")
    check(len(ur) > 0, "urban_rural has rows")
    for r in ur:
        if r["rural_share"] is not None and r["urban_share"] is not None:
            check(abs(r["gap_pp"] - 100 * (r["urban_share"] - r["rural_share"])) < 1e-9, f"gap_pp of {r}")
    for county in COUNTIES:
        mine = [r for r in ur if r["county_code"] == county and r["type"] == TYPE]
        stages = [r["stage"] for r in mine]
        check(stages[0] == "before" and stages[-1] == "after" and all(s == "year" for s in stages[1:-1]),
              f"{county}: before, years, after ({stages})")
        years = [r["year"] for r in mine[1:-1]]
        check(years == sorted(set(years)), f"{county}: years ascending ({years})")
        before = tally(villages, county, lambda v: v[f"cov_{TYPE}"] == 1)
        check(same(row_tally(mine[0]), before), f"{county}: before {row_tally(mine[0])} vs {before}")
        for a, b in zip(mine, mine[1:]):
            check(a["rural_villages_covered"] <= b["rural_villages_covered"] and
                  a["urban_villages_covered"] <= b["urban_villages_covered"], f"{county}: coverage never falls")
    # Re-analysed with the sites built by the end of each year (the first three) and all of them.
    years = sorted({r["year"] for r in ur if r["type"] == TYPE and r["stage"] == "year"})
    for y in years[:3] + [None]:
        world = os.path.join(tmp, "world.gpkg")
        shutil.copy(SAMPLE, world)
        built = [s for s in equal_sites if s["type"] == TYPE and (y is None or s["year"] <= y)]
        add_facilities(world, built)
        again = os.path.join(tmp, "again.gpkg")
        r = run("analyze", world, *AREA, "-o", again)
        check(r.returncode == 0, f"re-analysis (got {r.returncode}: {r.stderr})")
        av = rows(again, "villages")
        for county in COUNTIES:
            want = tally(av, county, lambda v: v[f"cov_{TYPE}"] == 1)
            stage = [r for r in ur if r["county_code"] == county and r["type"] == TYPE and
                     (r["stage"] == "after" if y is None else (r["stage"] == "year" and r["year"] == y))]
            if y is not None and not stage:  # no new site reaches this county that year: the year before holds
                continue
            check(len(stage) == 1 and same(row_tally(stage[0]), want),
                  f"{county} {y or 'after'}: {stage and row_tally(stage[0])} vs re-analysed {want}")

    # Rural first: at the end of the first year the rural villages hold at least as many people
    # covered as with the plain plan's first year (the same sites, built in another order).
    first = min(s["year"] for s in plain_sites if s["type"] == TYPE)
    covered = {}
    for name, sites in (("plain", rows(plain, "proposed_sites", geometry=True)), ("equal", equal_sites)):
        world = os.path.join(tmp, "world.gpkg")
        shutil.copy(SAMPLE, world)
        add_facilities(world, [s for s in sites if s["type"] == TYPE and s["year"] == first])
        again = os.path.join(tmp, "again.gpkg")
        check(run("analyze", world, *AREA, "-o", again).returncode == 0, "re-analysis of the first year")
        av = rows(again, "villages")
        covered[name] = sum(tally(av, c, lambda v: v[f"cov_{TYPE}"] == 1)[4] for c in COUNTIES)
    check(covered["equal"] >= covered["plain"],
          f"rural people covered after {first}: {covered['equal']:.0f} (rural first) vs {covered['plain']:.0f}")
    print(f"rural people covered by {TYPE} after {first}: {covered['equal']:.0f} (rural first) vs "
          f"{covered['plain']:.0f} (plain)")

    # The report shows the gap by stage.
    html = os.path.join(tmp, "report.html")
    r = run("report", equal, "-o", html)
    check(r.returncode == 0, f"report (got {r.returncode}: {r.stderr})")
    text = open(html, encoding="utf-8").read()
    check('class="urban-rural-stages"' in text and 'data-stage="after"' in text and "年末" in text,
          "the report's urban/rural section shows the gap before, each year and after")

    # The rules key does what the flag does; bad values name the key.
    rules = os.path.join(tmp, "rules.toml")
    r = run("rules")
    with open(rules, "w", encoding="utf-8") as f:
        f.write(r.stdout.replace('equalise = "none"', 'equalise = "rural_first"'))
    by_rules = plan(tmp, "by_rules.gpkg", "--rules", rules)
    check(rows(by_rules, "proposed_sites") and
          [(s["id"], s["year"]) for s in rows(by_rules, "proposed_sites")] ==
          [(s["id"], s["year"]) for s in equal_sites], "planning.equalise = \"rural_first\" equals --equalise")
    r = run("plan", SAMPLE, *AREA, "-o", os.path.join(tmp, "x.gpkg"), "--equalise", "urban_first")
    check(r.returncode != 0 and "equalise" in r.stderr and "rural_first" in r.stderr,
          f"an unknown value names the key and the choices ({r.returncode}: {r.stderr.strip()})")
    with open(rules, "w", encoding="utf-8") as f:
        f.write(run("rules").stdout.replace('equalise = "none"', 'equalise = "rural"'))
    r = run("plan", SAMPLE, *AREA, "-o", os.path.join(tmp, "y.gpkg"), "--rules", rules)
    check(r.returncode != 0 and "planning.equalise" in r.stderr, f"rules: bad value names the key ({r.stderr.strip()})")

finish()
