"""The report's first screen and its site list, on three counties of the committed sample:
- the first section is the plan in brief: per county one sentence per type, each the plan's own
  (plan_horizon.sentence_zh) or, for a type met before the plan, 已达标; then the county's key table;
- the 规划点位清单 table has the columns and order of `plan --sites` and the same cells as its CSV;
- a budget sweep on a county that already meets its target names no year before the plan's first
  (it said "2025 年达标" for a plan starting in 2026);
- when chromium is installed, the page loads headless and its DOM holds the first section."""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, rows, run  # noqa: E402
from report_html import Report  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")
COUNTIES = ["430103", "530304", "530326"]  # 天心区 (all met), 马龙区 and 会泽县 (曲靖市 shares a budget)
AREA = [a for c in COUNTIES for a in ("--county", c)]
START = 2026


def same_cell(html_text, csv_text):
    """Numbers compare as numbers (the report rounds people to 0.1 and cost to 0.01, lon/lat to
    1e-6), text as text."""
    if html_text == csv_text:
        return True
    try:
        return abs(float(html_text) - float(csv_text)) <= 0.05 + 1e-9 * abs(float(csv_text))
    except ValueError:
        return False


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "plan.gpkg")
    sites_csv = os.path.join(tmp, "sites.csv")
    r = run("plan", SAMPLE, *AREA, "-o", out, "--sites", sites_csv)
    check(r.returncode == 0, f"plan exit 0 ({r.returncode}: {r.stderr[-1500:]})")
    page = os.path.join(tmp, "report.html")
    r = run("report", out, "-o", page, "--date", "2026-12-02")
    check(r.returncode == 0, f"report exit 0 ({r.stderr})")
    doc = Report(page)

    # The first screen: the plan in brief, per county the sentences, then the key table.
    check(doc.h2[:1] == ["brief"], f"the first section is the plan in brief ({doc.h2[:3]})")
    horizon = {(h["county_code"], h["type"]): h["sentence_zh"] for h in rows(out, "plan_horizon")}
    counties = rows(out, "counties", key="code")
    types = ["science_museum", "science_base", "e_station", "science_room"]
    check(sorted(doc.terms) == COUNTIES, f"one block per county ({sorted(doc.terms)})")
    for code in COUNTIES:
        for t in types:
            said = doc.terms.get(code, {}).get(t, "")
            if (code, t) in horizon:
                check(said.endswith("：" + horizon[(code, t)]), f"{code} {t}: the plan's sentence ({said})")
            else:
                check(counties[code][f"met_{t}"] == 1 and said.endswith("已达标，无需新建"),
                      f"{code} {t}: no plan row means met ({said})")
        key = doc.table(f"key-table:{code}")
        check(len(key) == 1 + len(types), f"{code}: the key table has a row per type ({len(key)})")
        for t, row in zip(types, key[1:]):
            year = counties[code][f"year_met_{t}"]
            check(row[-1] == (str(year) if year else "—"), f"{code} {t}: year met {row[-1]} vs {year}")
    check(any("2035 年达标需每年" in s for s in horizon.values()), "some sentence names the budget for 2035")
    check(not any("年达标需每年" in s and int(s.split("，")[1][:4]) <= 2035 for s in horizon.values()),
          "a county met by 2035 is not told the budget for 2035")

    # The site list: the CSV's header and cells, row by row.
    with open(sites_csv, encoding="utf-8-sig", newline="") as f:
        listed = list(csv.reader(f))
    table = doc.table("site-list")
    check(len(table) > 1, f"the report lists the sites ({len(table) - 1})")
    check(table[0] == listed[0], f"the same columns in the same order ({table[0][:4]} vs {listed[0][:4]})")
    check(len(table) == len(listed), f"one row per site ({len(table) - 1} vs {len(listed) - 1})")
    bad = [(i, a, b) for i, (x, y) in enumerate(zip(table[1:], listed[1:]), 1) for a, b in zip(x, y)
           if not same_cell(a, b)]
    check(not bad, f"every cell as in the CSV ({bad[:3]})")
    check(any(row[listed[0].index("远期 beyond_horizon")] == "远期" for row in table[1:]), "远期 sites are marked")

    # A budget sweep where a county already meets its target: no year before the plan's first.
    sweep = os.path.join(tmp, "sweep.gpkg")
    r = run("plan", SAMPLE, "--county", "430103", "--county", "530302", "-o", sweep,
            "--budget", "science_base=1..3", "--per-year", "3")
    check(r.returncode == 0, f"sweep exit 0 ({r.stderr[-800:]})")
    for h in rows(sweep, "plan_horizon"):
        s = h["sentence_zh"]
        years = [int(y) for y in re.findall(r"(\d{4}) 年", s)]
        check(all(y >= START for y in years), f"{h['county_code']} {h['type']}: no year before {START}: {s}")
        check(h["year_met"] is None or h["year_met"] >= START, f"{h['county_code']} {h['type']}: year_met")
    base = {h["county_code"]: h for h in rows(sweep, "plan_horizon") if h["type"] == "science_base"}
    check(base["430103"]["sentence_zh"].startswith("规划前已达标"), f"天心区: met before ({base['430103']})")
    for row in rows(sweep, "plan_summary"):
        check(row["year_met"] is None or row["year_met"] >= START, f"plan_summary year_met {row['year_met']}")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("note: chromium is not installed; the headless-browser check is skipped")
    else:
        profile = tempfile.mkdtemp(dir=tmp)
        r = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--dump-dom", "file://" + page],
            capture_output=True, text=True, timeout=180)
        check(r.returncode == 0 and 'id="brief"' in r.stdout and 'id="site-list"' in r.stdout,
              f"chromium loads the report ({r.returncode})")
        check("规划前已" in r.stdout or "已达标" in r.stdout, "the rendered page holds the sentences")

finish()
