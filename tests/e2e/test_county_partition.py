"""Work is partitioned by county, and a county's results do not depend on which other counties
share the run: `scicov plan` on the whole sample (the stand-in for a national run; tools/bench
runs the real one) and `scicov plan --county X` on single counties give the same villages,
county summary, gaps, service areas, plan rows and proposed sites for X, feature for feature.
Counties chosen at city centres, where the neighbours' facilities reach across the border.

Two things legitimately differ and are checked as such: coverage after the plan, which in the
whole run also counts new sites of neighbouring counties (it can only be higher), and years,
which with the default city-wide yearly budget depend on the other counties of the city (the
runs use --year-scope county; a city-scope run is checked to differ only in years, and so in 远期)."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, rows, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")
COUNTIES = ["510402", "530302", "640104", "371702"]
AFTER = ("share_after",)  # after-plan shares: spill-over from neighbours' new sites
NEVER = ("seconds",)


def by(layer_rows, *key):
    return {tuple(r[k] for k in key): r for r in layer_rows}


def same_rows(whole, part, what, skip=()):
    """Rows of one county: same keys, same values (geometry as WKB)."""
    check(whole.keys() == part.keys(), f"{what}: same features ({len(whole)} whole, {len(part)} alone)")
    differing = []
    for k in sorted(set(whole) & set(part)):
        a, b = whole[k], part[k]
        for field in a:
            if field in skip or field in NEVER:
                continue
            x, y = a[field], b.get(field)
            if field == "_geom":
                x = x.ExportToIsoWkb() if x is not None else None
                y = y.ExportToIsoWkb() if y is not None else None
            if x != y:
                differing.append((k, field, str(x)[:60], str(y)[:60]))
    check(not differing, f"{what}: every field equal (first differences: {differing[:3]})")


def layer(path, name, county_field, county, key):
    return by([r for r in rows(path, name, geometry=True) if r[county_field] == county], *key)


with tempfile.TemporaryDirectory() as tmp:
    whole = os.path.join(tmp, "whole.gpkg")
    r = run("plan", SAMPLE, "-o", whole, "--year-scope", "county")
    check(r.returncode == 0, f"whole run exit 0 ({r.stderr[-500:]})")
    for county in COUNTIES:
        alone = os.path.join(tmp, f"{county}.gpkg")
        r = run("plan", SAMPLE, "--county", county, "-o", alone, "--year-scope", "county")
        check(r.returncode == 0, f"{county}: exit 0 ({r.stderr[-500:]})")
        if r.returncode != 0:
            continue
        for name, field, key in [
            ("villages", "county_code", ("code",)),
            ("townships", "county_code", ("code",)),
            ("gaps", "county_code", ("type", "township_code")),
            ("service_areas", "county_code", ("type",)),
            ("proposed_sites", "county_code", ("type", "rank")),
        ]:
            same_rows(layer(whole, name, field, county, key), layer(alone, name, field, county, key),
                      f"{county} {name}")
        counties_whole = layer(whole, "counties", "code", county, ("code",))
        counties_alone = layer(alone, "counties", "code", county, ("code",))
        after_fields = tuple(f for f in next(iter(counties_whole.values())) if "after" in f)
        check(len(after_fields) > 0, f"{county}: the counties layer has after-plan columns")
        same_rows(counties_whole, counties_alone, f"{county} counties (before the plan)", skip=after_fields)
        for f in after_fields:
            if f.startswith("share_after") or f.startswith("pop_cov_after") or f.startswith("villages_cov_after"):
                a = counties_whole[(county,)][f]
                b = counties_alone[(county,)][f]
                check(a is None or b is None or a >= b - 1e-12, f"{county} {f}: whole run ≥ alone ({a} vs {b})")
        summary_whole = layer(whole, "plan_summary", "county_code", county, ("type", "budget"))
        summary_alone = layer(alone, "plan_summary", "county_code", county, ("type", "budget"))
        same_rows(summary_whole, summary_alone, f"{county} plan_summary", skip=AFTER)

    # City-wide yearly budget (the default): the same sites, only the years may move.
    city = os.path.join(tmp, "city.gpkg")
    r = run("plan", SAMPLE, "-o", city)
    check(r.returncode == 0, f"city-scope run exit 0 ({r.stderr[-500:]})")
    a = by(rows(whole, "proposed_sites", geometry=True), "id")
    b = by(rows(city, "proposed_sites", geometry=True), "id")
    same_rows(a, b, "city vs county year scope: proposed sites", skip=("year", "beyond_horizon"))
    moved = sum(1 for k in a if k in b and a[k]["year"] != b[k]["year"])
    print(f"city-wide budget moved the year of {moved} of {len(a)} sites")
    check(moved > 0, "the city-wide yearly budget changes some years (so the comparison above means something)")

finish()
