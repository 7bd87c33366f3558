"""The report of a travel-time run shows minutes, on the hand-computed world with roads
(tiny_world.ROADS, as test_travel_time_tiny.py): per county the median, 90th percentile and
longest minutes to the nearest science base and the villages and people beyond 30 minutes, each
checked against the villages' time_science_base_min read back here and against the minutes
known by hand; the key table of the first screen shows median / P90; a radius type has none."""
import math
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import tiny_world  # noqa: E402
from e2e import check, finish, rows, run  # noqa: E402
from report_html import Report  # noqa: E402

# Minutes by hand (tiny_world.TRAVEL_MINUTES): V1 3, V2 13, V3 104.4, V4 41 (990101); V5 53 (990102).
BY_HAND = {"990101": tiny_world.TRAVEL_MINUTES[:4], "990102": tiny_world.TRAVEL_MINUTES[4:]}

def stats(minutes):
    """Median (middle, or mean of the two) and 90th percentile by nearest rank."""
    t = sorted(minutes)
    n = len(t)
    median = t[n // 2] if n % 2 else (t[n // 2 - 1] + t[n // 2]) / 2
    return median, t[math.ceil(0.9 * n) - 1], t[-1]


with tempfile.TemporaryDirectory() as tmp:
    world, rules = tiny_world.write_travel(tmp)
    out = os.path.join(tmp, "plan.gpkg")
    r = run("plan", world, "--rules", rules, "-o", out)
    check(r.returncode == 0, f"plan exit 0 ({r.stderr})")
    page = os.path.join(tmp, "report.html")
    r = run("report", out, "-o", page, "--date", "2026-12-02")
    check(r.returncode == 0, f"report exit 0 ({r.stderr})")
    text = open(page, encoding="utf-8").read()
    doc = Report(page)

    villages = rows(out, "villages")
    table = doc.table("travel-time:science_base")
    check(len(table) == 3, f"a travel-time table with a row per county ({len(table)})")
    check(any("超过 30 分钟" in h for h in table[0]) if table else False, "the limit is named in minutes")
    check("travel-time:e_station" not in doc.tables, "no minutes for a radius type")
    for row in table[1:]:
        code = row[0]
        mine = [v for v in villages if v["county_code"] == code]
        times = [v["time_science_base_min"] for v in mine if v["time_science_base_min"] is not None]
        median, p90, longest = stats(times)
        beyond = [v for v in mine if v["time_science_base_min"] is None or v["time_science_base_min"] > 30]
        want = [str(len(mine)), str(len(times)), f"{median:.1f}", f"{p90:.1f}", f"{longest:.1f}", str(len(beyond)),
                f"{sum(v['population'] for v in beyond):,.0f}"]
        check(row[2:] == want, f"{code}: {row[2:]} vs {want}")
        hand = stats(BY_HAND[code])
        check(all(abs(float(a) - b) <= 0.05 for a, b in zip(row[4:7], hand)), f"{code}: by hand {hand} vs {row[4:7]}")
    # 990101: 3, 13, 41, 104.4 min → median 27.0, P90 104.4; V3 and V4 beyond 30 minutes.
    check(table[1][4:6] == ["27.0", "104.4"] and table[1][7] == "2" if len(table) > 1 else False,
          f"甲县 by hand: median 27.0, P90 104.4, 2 villages beyond ({table[1] if len(table) > 1 else None})")

    key = doc.table("key-table:990101")
    header = key[0] if key else []
    col = next((i for i, h in enumerate(header) if h.startswith("出行时间")), None)
    check(col is not None, f"the key table has a minutes column ({header})")
    if col is not None:
        by_type = {row[0]: row for row in key[1:]}
        base = by_type.get("科普教育基地", [])
        check(base[col:col + 2] == ["27.0 / 104.4", "2"], f"key table: median / P90 and villages beyond ({base})")
        room = by_type.get("村(社区)科普室", [])
        check(room[col:col + 2] == ["—", "—"], f"no minutes for a type without travel time ({room})")
    words = re.sub(r"data:image/png;base64,[^\"]*", "", text.split('id="run"')[0])
    check(re.search(r"\bkm\b|公里", words) is None, "no kilometres before the run table")

finish()
