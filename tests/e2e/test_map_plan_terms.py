"""The map in the plan's terms: proposed sites after the plans' horizon (beyond_horizon = 1) are
drawn apart (hollow) with a legend row "远期 (2035 年后)"; the plan_horizon sentence of the drawn
county and type is in the legend as the plan wrote it; and a travel-time type's legend says
"30 分钟车程" (a radius type "服务半径 20 km") rather than nothing or a radius."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import tiny_world  # noqa: E402
from e2e import GEODATA, check, finish, rows, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")


def texts(path):
    return re.findall(r"<text [^>]*>([^<]*)</text>", open(path, encoding="utf-8").read())


with tempfile.TemporaryDirectory() as tmp:
    plan = os.path.join(tmp, "plan.gpkg")
    r = run("plan", SAMPLE, "--county", "530326", "-o", plan)
    check(r.returncode == 0, f"plan exit 0 ({r.stderr[-500:]})")
    sites = [s for s in rows(plan, "proposed_sites") if s["type"] == "science_room"]
    beyond = sum(1 for s in sites if s["beyond_horizon"] == 1)
    check(0 < beyond < len(sites), f"会泽县's science rooms run past the horizon ({beyond} of {len(sites)})")
    horizon = [h for h in rows(plan, "plan_horizon") if h["type"] == "science_room" and h["county_code"] == "530326"]
    check(len(horizon) == 1, "one plan_horizon row for 会泽县 × science_room")
    svg = os.path.join(tmp, "m.svg")
    r = run("map", plan, "-o", svg, "--county", "530326", "--date", "2025-06-01")
    check(r.returncode == 0, f"map exit 0 ({r.stderr[-300:]})")
    t = texts(svg)
    year = horizon[0]["horizon_year"] if horizon else 2035
    check(f"远期 ({year} 年后) ({beyond})" in t, f"legend row for the sites after the horizon, with their count ({beyond})")
    in_horizon = sum(int(m) for m in re.findall(r"^\d{4}(?:–\d{4})? 年 \((\d+)\)$", "\n".join(t), re.M))
    check(in_horizon == len(sites) - beyond, f"the year classes count the sites within the horizon ({in_horizon})")
    if horizon:
        sentence = horizon[0]["sentence_zh"]
        check(any(a + b == sentence for a, b in zip(t, t[1:])),
              f"the plan_horizon sentence is in the legend as the plan wrote it ({sentence})")
    # The hollow symbol: the beyond-horizon outline colour is drawn in the SVG.
    check("rgb(35.686275%,16.470588%,52.54902%)" in open(svg, encoding="utf-8").read()
          or "#5b2a86" in open(svg, encoding="utf-8").read(), "sites after the horizon drawn in their own outline")
    r = run("map", plan, "-o", svg, "--county", "530326", "--type", "science_base", "--date", "2025-06-01")
    t = texts(svg)
    check(not any(x.startswith("远期") for x in t), "no 远期 row when every site is within the horizon")
    check("覆盖规则: 服务半径 20 km" in t, "a radius type's legend states its radius")

    # A travel-time type: the legend says the minutes and the mode.
    world = os.path.join(tmp, "tiny.gpkg")
    tiny_world.write(world, roads=tiny_world.ROADS)
    rules = os.path.join(tmp, "tt.toml")
    r = run("rules", "--travel-time")
    open(rules, "w").write(r.stdout)
    out = os.path.join(tmp, "tt.gpkg")
    r = run("analyze", world, "--rules", rules, "-o", out)
    check(r.returncode == 0, f"analyze with travel-time rules ({r.stderr[-300:]})")
    for key, expected in (("science_base", "覆盖规则: 30 分钟车程"), ("e_station", "覆盖规则: 15 分钟步行")):
        r = run("map", out, "-o", svg, "--type", key, "--date", "2025-06-01")
        check(r.returncode == 0, f"map {key} exit 0 ({r.stderr[-300:]})")
        t = texts(svg) if r.returncode == 0 else []
        check(expected in t, f"{key}: legend says {expected}")
finish()
