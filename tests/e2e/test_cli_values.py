"""Every command-line value has a range, checked by the library's validator (the one the rules
file passes): a bad value exits 2 before any work, with one message naming the flag, the rules
key or option and the range, and writes nothing. `--per-year 0` and `per_year = 0` in a rules
file fail alike. Good values reach the run table as used.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, SCICOV, check, finish, rows  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")

# (command, flag, value, what the message must hold besides the flag and the value)
BAD = [
    ("plan", "--per-year", "0", ["planning.per_year", "[1, 100000]"]),
    ("plan", "--per-year", "-1", ["planning.per_year", "[1, 100000]"]),
    ("plan", "--per-year", "2.5", ["planning.per_year", "an integer"]),
    ("plan", "--per-year", "99999999999999999999", ["planning.per_year", "[1, 100000]"]),
    ("plan", "--start-year", "2147483647", ["planning.start_year", "[2000, 2100]"]),
    ("plan", "--start-year", "1999", ["planning.start_year", "[2000, 2100]"]),
    ("plan", "--time-limit", "-5", ["planning.time_limit_s", "> 0"]),
    ("plan", "--time-limit", "0", ["planning.time_limit_s", "> 0"]),
    ("plan", "--time-limit", "nan", ["planning.time_limit_s", "finite", "> 0"]),
    ("plan", "--time-limit", "inf", ["planning.time_limit_s", "finite", "> 0"]),
    ("plan", "--gap", "nan", ["relative_gap", "[0, 1]"]),
    ("plan", "--gap", "1.5", ["relative_gap", "[0, 1]"]),
    ("plan", "--gap", "-0.1", ["relative_gap", "[0, 1]"]),
    ("plan", "--min-spacing", "-1", ["planning.min_spacing_m", ">= 0"]),
    ("plan", "--min-spacing", "nan", ["planning.min_spacing_m", ">= 0"]),
    ("plan", "--by-year", "99999", ["by_year", "[2000, 2100]"]),
    ("plan", "--by-year", "abc", ["by_year", "[2000, 2100]"]),
    ("plan", "--threads", "-1", ["threads", "[0, 1024]"]),
    ("plan", "--threads", "5000", ["threads", "[0, 1024]"]),
    ("plan", "--budget", "science_base=0", ["budget", "[1, 100000]"]),
    ("plan", "--budget", "science_base=abc", ["budget", "[1, 100000]"]),
    ("plan", "--budget", "science_base=5..1", ["budget"]),
    ("plan", "--budget", "science_base", ["TYPE=N"]),
    ("plan", "--budget", "no_such_type=3", ["unknown facility type", "science_base"]),
    ("plan", "--year-scope", "town", ["year_scope", "city, county"]),
    ("plan", "--solver", "fast", ["solver", "exact, heuristic, automatic"]),
    ("plan", "--county", "abc", ["6 digits"]),
    ("plan", "--county", "53032", ["6 digits"]),
    ("analyze", "--county", "abc", ["6 digits"]),
    ("analyze", "--threads", "abc", ["threads", "[0, 1024]"]),
]


def one_message(stderr):
    lines = [l for l in stderr.splitlines() if l.strip()]
    return lines[0] if len(lines) == 1 else None


with tempfile.TemporaryDirectory() as tmp:
    for i, (command, flag, value, says) in enumerate(BAD):
        folder = os.path.join(tmp, f"bad{i}")
        os.makedirs(folder)
        out = os.path.join(folder, "out.gpkg")
        extra = ["--csv", os.path.join(folder, "out.csv")] if command == "plan" else []
        r = subprocess.run([SCICOV, "-q", command, SAMPLE, "-o", out, *extra, flag, value],
                           capture_output=True, text=True)
        what = f"{command} {flag} {value}"
        check(r.returncode == 2, f"{what}: exits 2 (got {r.returncode}: {r.stderr})")
        line = one_message(r.stderr)
        check(line is not None and line.startswith(f"scicov: {flag}: "),
              f"{what}: one message, starting with the flag: {r.stderr!r}")
        for s in [value, *says]:
            check(line is not None and s in line, f"{what}: the message holds {s!r}: {r.stderr!r}")
        check(os.listdir(folder) == [], f"{what}: nothing written ({os.listdir(folder)})")
        check(r.stdout == "", f"{what}: nothing on stdout ({r.stdout!r})")

    # validate takes --county too (it has no output).
    r = subprocess.run([SCICOV, "-q", "validate", SAMPLE, "--county", "abc"], capture_output=True, text=True)
    check(r.returncode == 2 and "--county" in r.stderr and "6 digits" in r.stderr,
          f"validate --county abc: exits 2 naming the flag and the range ({r.returncode}: {r.stderr!r})")

    # The same key and range in a rules file: a rules error (exit 1), the same words.
    rules = os.path.join(tmp, "per_year_zero.toml")
    with open(rules, "w", encoding="utf-8") as fh:
        fh.write("[planning]\nper_year = 0\n")
    out = os.path.join(tmp, "rules_out.gpkg")
    r = subprocess.run([SCICOV, "-q", "plan", SAMPLE, "-o", out, "--rules", rules], capture_output=True, text=True)
    check(r.returncode == 1 and "planning.per_year" in r.stderr and "[1, 100000]" in r.stderr,
          f"per_year = 0 in a rules file names the key and the same range ({r.returncode}: {r.stderr!r})")
    check(not os.path.exists(out), "a bad rules file writes nothing")

    # Good values are used and recorded as used; the rules row keeps the rules as read.
    out = os.path.join(tmp, "good.gpkg")
    r = subprocess.run([SCICOV, "-q", "plan", SAMPLE, "-o", out, "--county", "530326", "--per-year", "2",
                        "--start-year", "2030", "--time-limit", "30", "--gap", "0.001", "--min-spacing", "0",
                        "--by-year", "2035", "--threads", "2", "--budget", "science_base=1..2"],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"good values: plan runs ({r.returncode}: {r.stderr})")
    if r.returncode == 0:
        run = {}
        for row in rows(out, "run"):
            run.setdefault(row["key"], []).append(row["value"])
        want = {"per_year": ["2"], "start_year": ["2030"], "time_limit_s": ["30"], "relative_gap": ["0.001"],
                "budget": ["science_base=1..2"], "counties_requested": ["530326"]}
        for key, value in want.items():
            check(run.get(key) == value, f"good values: run row {key} = {value} (got {run.get(key)})")
        check("min_spacing_m" not in run, "good values: a value equal to the rules' gets no row of its own")
        check("per_year = 6" in run["rules"][0], "good values: the rules row holds the rules as read")
        years = {s["year"] for s in rows(out, "proposed_sites")}
        check(years and min(years) == 2030, f"good values: the first year is --start-year ({sorted(years)[:3]})")

finish()
