"""scicov plan on the committed sample: after the plan, every county meets every target that
the candidates can reach. The proposed sites are added to the facilities, analyze runs again,
and its counties layer is checked. Also: infeasible targets are reported with the best share,
the plan is phased at the yearly budget, and the same input gives the same bytes."""
import collections
import os
import subprocess
import sys
import tempfile

from osgeo import gdal, ogr

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, SCICOV, check, finish, rows  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")


with tempfile.TemporaryDirectory() as tmp:
    plan = os.path.join(tmp, "plan.gpkg")
    r = subprocess.run([SCICOV, "-q", "plan", SAMPLE, "-o", plan, "--time-limit", "20"], capture_output=True, text=True)
    check(r.returncode == 0, f"plan exit 0 (got {r.returncode}: {r.stderr[-2000:]})")
    if r.returncode != 0:
        finish()
    summary = rows(plan, "plan_summary")
    sites = rows(plan, "proposed_sites")
    check(len(sites) > 0, "the plan proposes sites")
    statuses = collections.Counter(s["status"] for s in summary)
    print("plan statuses:", dict(statuses), "sites:", len(sites))
    check(statuses.get("time_limit_no_solution", 0) == 0, "every problem solved")

    # Yearly budget: at most 6 new sites of a type a year in each city (default, plan 002).
    per = collections.Counter((s["type"], s["county_code"][:4], s["year"]) for s in sites)
    check(max(per.values()) <= 6, f"at most 6 sites of a type a year per city (max {max(per.values())})")
    check(all(s["year"] >= 2026 for s in sites), "years start at 2026")
    # Ranks run 1..n within each county and type.
    ranks = collections.defaultdict(list)
    for s in sites:
        ranks[(s["type"], s["county_code"])].append(s["rank"])
    check(all(sorted(v) == list(range(1, len(v) + 1)) for v in ranks.values()), "ranks are 1..n")

    # Re-run analyze with the proposed sites added as facilities.
    world = os.path.join(tmp, "with_sites.gpkg")
    gdal.VectorTranslate(world, SAMPLE, format="GPKG")
    ds = ogr.Open(world, update=1)
    fac = ds.GetLayerByName("facilities")
    src = ogr.Open(plan)
    for f in src.GetLayerByName("proposed_sites"):
        g = ogr.Feature(fac.GetLayerDefn())
        g.SetField("id", "new-" + f["id"])
        g.SetField("type", f["type"])
        g.SetField("name", "规划" + f["id"])
        g.SetField("status", "existing")
        g.SetGeometry(f.GetGeometryRef().Clone())
        fac.CreateFeature(g)
    src = None
    ds = None
    after = os.path.join(tmp, "after.gpkg")
    r = subprocess.run([SCICOV, "-q", "analyze", world, "-o", after], capture_output=True, text=True)
    check(r.returncode == 0, f"analyze after the plan (got {r.returncode}: {r.stderr[-2000:]})")
    counties = {c["code"]: c for c in rows(after, "counties")}
    planned = {c["code"]: c for c in rows(plan, "counties")}
    for s in summary:
        c = counties[s["county_code"]]
        t = s["type"]
        if s["status"] == "infeasible":
            check(c[f"met_{t}"] == 0, f"{s['county_code']} {t}: reported infeasible, and indeed not met")
            check(abs(c[f"share_{t}"] - s["reachable_share"]) < 1e-6 or c[f"share_{t}"] <= s["reachable_share"] + 1e-9,
                  f"{s['county_code']} {t}: share after the plan is the best reachable")
            check(s["uncoverable"] > 0 or s["reachable_share"] < s["target"], "infeasible rows say why")
        else:
            check(c[f"met_{t}"] == 1, f"{s['county_code']} {t}: target met after the plan ({s['status']})")
        # The plan's own 'after' figures agree with the independent re-analysis.
        check(abs(planned[s["county_code"]][f"share_after_{t}"] - c[f"share_{t}"]) < 1e-9,
              f"{s['county_code']} {t}: share_after equals the re-analysed share")

    # Same input, same bytes.
    plan2 = os.path.join(tmp, "again", "plan.gpkg")  # same name: the embedded QGIS project names its file
    os.makedirs(os.path.dirname(plan2))
    subprocess.run([SCICOV, "-q", "plan", SAMPLE, "-o", plan2, "--time-limit", "20"], capture_output=True)
    check(open(plan, "rb").read() == open(plan2, "rb").read(), "two plan runs give identical GeoPackages")

finish()
