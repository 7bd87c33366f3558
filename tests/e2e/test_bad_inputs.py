"""Every input of tests/data/bad/ (cases.tsv) through `scicov analyze` and `scicov validate`.

For each case: the exit code; one clear message naming file, layer, feature and field (the
manifest's substrings, on one line); no C++ exception names, stack dumps or raw GDAL/PROJ
chatter on stderr; nothing on stdout from a failed analyze; and no output and no temporary file
(*.tmp-*) left in the output folder. Good cases (exit 0) must write exactly the output file, and
some get their output checked. `validate` on the same inputs must give the same exit code and name
the same problem. Finally, make_bad.py must reproduce the committed data.
"""
import filecmp
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
SCICOV = os.path.abspath(os.environ["SCICOV"])
SOURCE = os.environ.get("SCICOV_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
BAD = os.path.abspath(os.path.join(os.environ.get("SCICOV_TEST_DATA", os.path.join(SOURCE, "tests", "data")), "bad"))
sys.path.insert(0, BAD)
sys.dont_write_bytecode = True  # no __pycache__ in the data folder
import make_bad  # noqa: E402  (the world the bad files are made from)

passed, failures, known_seen = 0, [], []

# Checks that fail for a reason reported but not yet fixed: (case, check) -> why. Such a failure
# prints KNOWN and does not fail the test; when the check passes, it prints a reminder to remove it.
KNOWN = {}

# What one clear message must not contain.
NOISE = re.compile(r"std::|terminate called|what\(\)|Aborted|Segmentation fault|core dumped|Traceback|"
                   r"^ERROR \d+:|^Warning \d+:|exception|internal error|CPLE_", re.M)


def check(cond, what, case=None, name=None):
    global passed
    if cond:
        passed += 1
        if (case, name) in KNOWN:
            print(f"NOTE: {case}: '{name}' passes now; remove it from KNOWN")
        return True
    if (case, name) in KNOWN:
        known_seen.append(what)
        print(f"KNOWN: {what} ({KNOWN[(case, name)]})")
        return False
    failures.append(what)
    print("FAIL:", what)
    return False


def read_cases():
    cases = []
    with open(os.path.join(BAD, "cases.tsv"), encoding="utf-8") as fh:
        header = None
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            row = dict(zip(header, cols))
            row["exit"] = int(row["exit"])
            row["args"] = shlex.split(row["args"])
            row["expect"] = [s.strip() for s in row["expect"].split(" | ") if s.strip()]
            cases.append(row)
    return cases


def snapshot(folder):
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            if "__pycache__" in root:
                continue
            path = os.path.join(root, name)
            out[os.path.relpath(path, folder)] = os.path.getsize(path)
    return out


def line_with_all(lines, expect):
    return next((l for l in lines if all(s in l for s in expect)), None)


def rows(path, layer):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer)
    return [f.items() for f in lyr]


def check_stderr(case, command, r):
    name = case["case"]
    err = r.stderr
    lines = [l for l in err.splitlines() if l.strip()]
    check(not NOISE.search(err), f"{name}: {command}: no exception names, stack dumps or GDAL chatter:\n{err}",
          name, f"{command}: stderr clean")
    odd = [l for l in lines if not l.startswith(("error: ", "warning: ", "scicov: "))]
    check(not odd, f"{name}: {command}: every stderr line is an error, a warning or the final message: {odd}",
          name, f"{command}: stderr lines")
    # One message per kind of problem: at most three lines of one kind (then a count).
    kinds = {}
    for l in lines:
        kind = re.sub(r'"[^"]*"', '""', re.sub(r"\d+", "#", l))
        kinds[kind] = kinds.get(kind, 0) + 1
    check(max(kinds.values(), default=0) <= 3, f"{name}: {command}: at most three lines of one kind:\n{err}",
          name, f"{command}: grouped")
    if case["expect"]:
        hit = line_with_all(lines, case["expect"])
        check(hit is not None, f"{name}: {command}: one stderr line holds all of {case['expect']}:\n{err}",
              name, f"{command}: message")


def run_analyze(case, tmp):
    name = case["case"]
    out_dir = os.path.join(tmp, name)
    os.makedirs(out_dir)
    out = os.path.join(out_dir, "out.gpkg")
    r = subprocess.run([SCICOV, "-q", "analyze", *case["args"], "-o", out], cwd=BAD, capture_output=True,
                       text=True)
    check(r.returncode == case["exit"], f"{name}: analyze exits {case['exit']} (got {r.returncode}: {r.stderr})",
          name, "analyze: exit")
    check_stderr(case, "analyze", r)
    left = sorted(os.listdir(out_dir))
    check(not [f for f in left if ".tmp-" in f], f"{name}: analyze leaves no temporary file ({left})",
          name, "analyze: no tmp")
    if case["exit"] == 0:
        check(left == ["out.gpkg"], f"{name}: analyze writes exactly out.gpkg ({left})", name, "analyze: output")
        return out if os.path.exists(out) else None
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    finals = [l for l in lines if l.startswith("scicov: ")]
    check(len(finals) == 1 and lines and lines[-1] == finals[0],
          f"{name}: analyze ends with exactly one 'scicov: …' message ({finals})", name, "analyze: one message")
    if finals and case["expect"] and not case["expect"][0].startswith("warning"):
        check(all(s in finals[-1] for s in case["expect"]),
              f"{name}: the final message names the problem {case['expect']}: {finals[-1]}", name,
              "analyze: final message")
    check(left == [], f"{name}: a failed analyze leaves nothing in the output folder ({left})", name,
          "analyze: nothing left")
    check(r.stdout == "", f"{name}: a failed analyze prints no summary ({r.stdout!r})", name, "analyze: stdout")
    return None


def run_validate(case):
    name = case["case"]
    r = subprocess.run([SCICOV, "-q", "validate", *case["args"]], cwd=BAD, capture_output=True, text=True)
    check(r.returncode == case["exit"], f"{name}: validate exits {case['exit']} (got {r.returncode}: {r.stderr})",
          name, "validate: exit")
    check_stderr(case, "validate", r)


def check_output(name, out):
    """Further checks of the good cases' output."""
    by_code = {v["code"]: v for v in rows(out, "villages")}
    want = {code: vname for code, vname, *_ in make_bad.VILLAGES}
    check(sorted(by_code) == sorted(want), f"{name}: the three villages are written ({sorted(by_code)})")
    if name == "enc_gbk_cpg":
        got = {c: v["name"] for c, v in by_code.items()}
        check(got == want, f"{name}: GBK names read through the .cpg come out intact ({got})")
    if name == "geom_bowtie_repairable" and len(by_code) == 3:
        v1, v2 = by_code["990101001001"], by_code["990101001002"]
        # The bow-tie over V2's square repairs into two triangles: half the square.
        check(abs(v2["area_m2"] - 0.5 * v1["area_m2"]) < 0.01 * v1["area_m2"],
              f"{name}: the repaired village keeps half its square ({v2['area_m2']} vs {v1['area_m2']})")
        run = rows(out, "run")
        check(any(r["key"] == "warning" and "repaired" in r["value"] and "feature 1" in r["value"] for r in run),
              f"{name}: the repair warning is recorded in the run table")


def check_generator(tmp):
    """make_bad.py, run in a copy, writes the committed files again."""
    copy = os.path.join(tmp, "regen")
    os.makedirs(copy)
    shutil.copy(os.path.join(BAD, "make_bad.py"), copy)
    r = subprocess.run([sys.executable, os.path.join(copy, "make_bad.py")], capture_output=True, text=True)
    check(r.returncode == 0, f"make_bad.py runs ({r.stderr})")
    made = {k for k in snapshot(copy) if k != "make_bad.py"}
    committed = {k for k in snapshot(BAD) if not (k.startswith("rules_") and k.endswith(".toml"))
                 and k not in ("make_bad.py", "cases.tsv")}
    check(made == committed, f"make_bad.py writes the committed set (extra {sorted(made - committed)}, "
                             f"missing {sorted(committed - made)})")
    for rel in sorted(made & committed):
        a, b = os.path.join(copy, rel), os.path.join(BAD, rel)
        if rel.endswith(".prj"):  # WKT spelling may change with the GDAL version; the CRS may not
            sa, sb = osr.SpatialReference(), osr.SpatialReference()
            sa.ImportFromESRI([open(a).read()])
            sb.ImportFromESRI([open(b).read()])
            check(sa.IsSame(sb), f"make_bad.py: {rel} is the same CRS")
        else:
            check(filecmp.cmp(a, b, shallow=False), f"make_bad.py reproduces {rel} byte for byte")
    size = sum(snapshot(BAD).values())
    check(size < 200_000, f"tests/data/bad/ stays small ({size} bytes)")


cases = read_cases()
check(len(cases) >= 20, f"at least 20 cases ({len(cases)})")
check(len({c["case"] for c in cases}) == len(cases), "case names are unique")
before = snapshot(BAD)
with tempfile.TemporaryDirectory() as tmp:
    for case in cases:
        for arg in case["args"]:
            path = arg.split("=", 1)[-1].split(":")[0]
            if path.endswith((".geojson", ".shp", ".csv", ".toml")):
                check(os.path.exists(os.path.join(BAD, path)), f"{case['case']}: {path} exists")
        out = run_analyze(case, tmp)
        if out is not None:
            check_output(case["case"], out)
        if case["commands"] == "both":
            run_validate(case)
    after = snapshot(BAD)
    check(after == before, f"nothing is written next to the inputs ({sorted(set(after) ^ set(before))})")
    check_generator(tmp)

print(f"{len(cases)} cases; {len(known_seen)} known failures")
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
