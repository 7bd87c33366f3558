"""Answers in the plans' terms, on two counties of one city of the committed sample:
- plan_horizon: per county and type the year the target is met at the yearly budget, checked
  here independently from proposed_sites (each site's year and the villages / people it newly
  covers) and the county's coverage before the plan; and the yearly budget that meets it by the
  horizon, checked by planning again with that budget (met by 2035) and one less (not met);
- beyond_horizon (远期) marks exactly the sites after the horizon;
- an e-station covers the village that holds it (covers_own_village): the plan's e-stations,
  added as existing facilities, meet every county's e-station target when analysed again;
- the site list (规划点位清单) as CSV with a UTF-8 BOM and as XLSX, read back through GDAL."""
import math
import os
import shutil
import sys
import tempfile

from osgeo import ogr

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, add_facilities, check, finish, rows, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")
COUNTIES = ["530304", "530326"]  # 马龙区 and 会泽县, both of 曲靖市 (5303): they share the city's budget
AREA = [a for c in COUNTIES for a in ("--county", c)]
HORIZON = 2035
# The default rules' targets: (measure, threshold).
TARGETS = {"science_base": ("population", 0.9), "e_station": ("villages", 0.9), "science_room": ("villages", 1.0)}


def year_met(villages, sites, county, type_key):
    """The first year the county meets the type's target, from the sites' years and gains."""
    measure, threshold = TARGETS[type_key]
    own = [v for v in villages if v["county_code"] == county]
    if measure == "villages":
        total = len(own)
        have = sum(v[f"cov_{type_key}"] for v in own)
        need = math.ceil(threshold * total - 1e-9)
        gain = "gain_villages"
    else:
        total = sum(v["population"] for v in own)
        have = sum(v["population"] for v in own if v[f"cov_{type_key}"])
        need = threshold * total * (1 - 1e-12)
        gain = "gain_population"
    mine = sorted((s for s in sites if s["county_code"] == county and s["type"] == type_key), key=lambda s: s["rank"])
    for s in mine:
        have += s[gain]
        if have >= need - 1e-9 * max(1.0, need):
            return s["year"]
    return None


def plan(tmp, name, *extra):
    out = os.path.join(tmp, name)
    r = run("plan", SAMPLE, *AREA, "-o", out, *extra)
    check(r.returncode == 0, f"plan {' '.join(extra)} (got {r.returncode}: {r.stderr})")
    return out



with tempfile.TemporaryDirectory() as tmp:
    csv_path, xlsx_path = os.path.join(tmp, "sites.csv"), os.path.join(tmp, "sites.xlsx")
    out = plan(tmp, "plan.gpkg", "--sites", csv_path)
    villages = rows(out, "villages")
    sites = rows(out, "proposed_sites", geometry=True)
    horizon = rows(out, "plan_horizon")
    check(len(horizon) > 0, "plan_horizon has rows")
    checked = 0
    for h in horizon:
        check(h["horizon_year"] == HORIZON, f"horizon {h['horizon_year']}")
        check(h["per_year"] == 6, f"the default yearly budget is 6 ({h})")
        check(h["county_name"] in ("马龙区", "会泽县"), f"county name {h['county_name']}")
        n = sum(1 for s in sites if s["county_code"] == h["county_code"] and s["type"] == h["type"])
        check(h["sites_needed"] == n, f"{h['county_code']} {h['type']}: sites_needed {h['sites_needed']} vs {n}")
        if h["type"] in TARGETS:
            mine = year_met(villages, sites, h["county_code"], h["type"])
            check(h["year_met"] == mine, f"{h['county_code']} {h['type']}: year_met {h['year_met']} vs {mine}")
            checked += 1
        sentence = h["sentence_zh"]
        check(sentence.startswith("按全市每年 6 个，"), f"sentence {sentence}")
        if h["year_met"]:
            check(f"{h['year_met']} 年" in sentence, f"the sentence names the year: {sentence}")
        if h["per_year_for_horizon"] and (h["year_met"] or 0) > HORIZON:  # met by 2035: no budget to name
            check(f"2035 年达标需每年 {h['per_year_for_horizon']} 个" in sentence, f"and the budget: {sentence}")
        elif h["year_met"]:
            check("需每年" not in sentence, f"met by the horizon, no budget named: {sentence}")
    check(checked >= 3, f"year_met checked independently on {checked} rows")
    for s in sites:
        check(s["beyond_horizon"] == (1 if s["year"] > HORIZON else 0), f"{s['id']}: beyond_horizon")
    check(any(s["beyond_horizon"] for s in sites), "some sites are 远期 at six a year")

    # The budget that meets the target by the horizon, and one less, planned again for one type.
    room = {h["county_code"]: h for h in horizon if h["type"] == "science_room"}
    need = max(h["per_year_for_horizon"] for h in room.values())
    county = max(room, key=lambda c: room[c]["per_year_for_horizon"])
    check(need > 1, f"science rooms need more than one a year ({need})")
    for budget, meets in ((need, True), (need - 1, False)):
        again = plan(tmp, f"plan_{budget}.gpkg", "--per-year", f"science_room={budget}")
        s2 = rows(again, "proposed_sites")
        y = year_met(villages, s2, county, "science_room")
        ok = y is not None and y <= HORIZON
        check(ok == meets, f"science_room={budget}: {county} met in {y} (expected {'by' if meets else 'after'} 2035)")
        other = [h for h in rows(again, "plan_horizon") if h["type"] == "e_station"]
        check(all(h["per_year"] == 6 for h in other), "--per-year TYPE=N leaves the other types at 6")

    # Village-level e-stations: the plan's sites, added as facilities, meet the target again.
    world = os.path.join(tmp, "world.gpkg")
    shutil.copy(SAMPLE, world)
    add_facilities(world, [s for s in sites if s["type"] == "e_station"])
    re = os.path.join(tmp, "again.gpkg")
    r = run("analyze", world, *AREA, "-o", re)
    check(r.returncode == 0, f"analysis with the plan's e-stations (got {r.returncode}: {r.stderr})")
    for c in rows(re, "counties"):
        check(c["met_e_station"] == 1, f"{c['code']}: re-analysed, the e-station target is met")
    holders = {s["village_code"] for s in sites if s["type"] == "e_station"}
    again_v = rows(re, "villages", key="code")
    check(all(again_v[v]["cov_e_station"] == 1 for v in holders), "every village holding a new e-station is covered")

    # The site list: CSV with a BOM, then XLSX, read back through GDAL.
    with open(csv_path, "rb") as f:
        check(f.read(3) == b"\xef\xbb\xbf", "the CSV starts with a UTF-8 BOM")
    listed = rows(csv_path, "sites")
    check(len(listed) == len(sites), f"one row per proposed site ({len(listed)} vs {len(sites)})")
    first = listed[0]
    check(first["县(市、区) county"] in ("马龙区", "会泽县"), f"county name in the list: {first}")
    check(all(r["乡镇(街道) township"] and r["村(社区) village"] and r["依托场所名称 host_name"] for r in listed),
          "every row names its township, village and host")
    by_id = {s["id"]: s for s in sites}
    for r in listed:
        s = by_id[r["编号 id"]]
        check(int(r["建设年份 year"]) == s["year"] and int(r["顺序 rank"]) == s["rank"], f"{s['id']}: year and rank")
        check(abs(float(r["新增覆盖人口 people_new"]) - s["gain_population"]) < 0.5, f"{s['id']}: people")
        check((r["远期 beyond_horizon"] == "远期") == bool(s["beyond_horizon"]), f"{s['id']}: 远期")
    plan(tmp, "plan_x.gpkg", "--sites", xlsx_path)
    ds = ogr.Open(xlsx_path)
    check(ds is not None and ds.GetDriver().GetName() == "XLSX", "the XLSX opens with GDAL's XLSX driver")
    sheet = ds.GetLayerByName("规划点位清单")
    check(sheet is not None and sheet.GetFeatureCount() == len(sites), "the sheet has one row per site")
    ds = None
    r = run("plan", SAMPLE, *AREA, "-o", os.path.join(tmp, "p.gpkg"), "--sites", os.path.join(tmp, "s.shp"))
    check(r.returncode == 2, f"--sites with another extension is a usage error (got {r.returncode})")

finish()
