"""No output replaces an input, the outputs of a run appear together or not at all, output paths
are checked before any work, killed runs' temporaries are cleaned up, and text inputs are read
only when they are regular files of a sane size (issue #13).

- An output (-o, --csv, --json; the outputs of map, report and webmap) that is the same file as an
  input (a dataset, a --layer dataset, --rules; the GeoPackage read), however spelled (./x, a
  symlink, a hard link), or as another output: a usage error (exit 2), the input untouched.
- A side output that cannot be written: the older GeoPackage stays byte for byte, no temporary.
- A folder at -o, an output folder that is a file or cannot be written: refused before any work
  (no progress printed), the message naming the path and the system's reason.
- Temporaries of a killed run (dead pid) beside the target are removed and counted on stderr; a
  live process's are kept.
- --rules /dev/zero, a FIFO, a folder, a file over 16 MiB: refused, never read until memory ends.
"""
import os
import re
import resource
import shutil
import subprocess
import tempfile

from e2e import SCICOV, check, finish

DATA = os.environ.get("SCICOV_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
BAD = os.path.join(DATA, "bad")
PROGRESS = re.compile(r"^\w[\w ]*: 0\.\.\.", re.M)  # a stage's progress line: work has started


def limited():
    """Child side: at most 4 GiB of address space, so an unbounded read fails instead of paging."""
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


# AddressSanitizer reserves terabytes of shadow address space when it starts, which the limit
# forbids; under it (the asan test preset sets ASAN_OPTIONS) the 60 s timeout alone guards.
PREEXEC = None if "ASAN_OPTIONS" in os.environ else limited


def scicov(*args, cwd, quiet=True):
    """Runs scicov in `cwd`; a hang (an old binary on a FIFO) counts as exit -1, not as a pass."""
    cmd = [SCICOV, *(["-q"] if quiet else ["--progress"]), *args]
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, preexec_fn=PREEXEC, timeout=60)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, -1, "", "timed out")


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def temporaries(folder):
    return sorted(f for f in os.listdir(folder) if ".tmp-" in f)


def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


V, F = "good_villages.geojson", "good_facilities.geojson"
root = tempfile.mkdtemp(prefix="scicov-outsafe-")
pristine = os.path.join(root, "pristine")
os.makedirs(pristine)
for name in (V, F):
    shutil.copy(os.path.join(BAD, name), pristine)
with open(os.path.join(pristine, "rules.toml"), "w") as fh:
    fh.write("[planning]\nper_year = 2\n")
r = scicov("analyze", V, F, "-o", "ok.gpkg", cwd=pristine)
check(r.returncode == 0, f"a good analyze runs ({r.stderr})")
cases = 0


def fresh():
    """A new working folder for each case (a case that fails on an old binary spoils its inputs):
    the inputs, an output GeoPackage, and links to them."""
    global cases
    cases += 1
    folder = os.path.join(root, str(cases))
    shutil.copytree(pristine, folder)
    os.symlink(F, os.path.join(folder, "link.geojson"))
    os.link(os.path.join(folder, V), os.path.join(folder, "hard.geojson"))
    os.symlink("ok.gpkg", os.path.join(folder, "map.png"))
    os.link(os.path.join(folder, "ok.gpkg"), os.path.join(folder, "page.html"))
    os.makedirs(os.path.join(folder, "sub"))
    return folder


try:
    inputs = {n: read(os.path.join(pristine, n)) for n in (V, F, "rules.toml", "ok.gpkg")}

    # --- an output that is an input: a usage error before any work, the input untouched
    same = [
        ("-o ./villages", ["analyze", V, F, "-o", "./" + V], "-o ./" + V),
        ("--csv = a dataset", ["analyze", V, F, "-o", "a.gpkg", "--csv", V], "--csv " + V),
        ("--json = a symlink to a dataset", ["plan", V, F, "-o", "a.gpkg", "--json", "link.geojson"], "--json link"),
        ("--csv = a hard link to a dataset", ["analyze", V, F, "-o", "a.gpkg", "--csv", "hard.geojson"], "--csv hard"),
        ("--csv = a --layer dataset", ["analyze", F, "--layer", "villages=" + V, "-o", "a.gpkg", "--csv", "./" + V],
         "(--layer)"),
        ("--json = the rules", ["analyze", V, F, "--rules", "rules.toml", "-o", "a.gpkg", "--json", "rules.toml"],
         "(--rules)"),
        ("plan -o = its input", ["plan", "ok.gpkg", "-o", "sub/../ok.gpkg"], "same file as the input"),
        ("map -o = a symlink to its input", ["map", "ok.gpkg", "-o", "map.png"], "-o map.png"),
        ("report -o = its input", ["report", "ok.gpkg", "-o", "./ok.gpkg"], "-o ./ok.gpkg"),
        ("webmap -o = a hard link to its input", ["webmap", "ok.gpkg", "-o", "page.html"], "-o page.html"),
    ]
    for what, args, needle in same:
        tmp = fresh()
        r = scicov(*args, cwd=tmp)
        check(r.returncode == 2, f"{what}: a usage error, exit 2 (got {r.returncode}: {r.stderr})")
        check("same file as" in r.stderr and needle in r.stderr, f"{what}: the message names both ({r.stderr})")
        for n, b in inputs.items():
            check(read(os.path.join(tmp, n)) == b, f"{what}: {n} is untouched")
        check(os.path.islink(os.path.join(tmp, "map.png")), f"{what}: the symlink map.png is still one")
        check(not os.path.exists(os.path.join(tmp, "a.gpkg")), f"{what}: no output written")
        check(temporaries(tmp) == [], f"{what}: no temporary left ({temporaries(tmp)})")

    # --- two outputs of one run naming one file
    tmp = fresh()
    r = scicov("analyze", V, F, "-o", "two.gpkg", "--csv", "s.csv", "--json", "./s.csv", cwd=tmp)
    check(r.returncode == 2 and "--json ./s.csv and --csv s.csv name the same file" in r.stderr,
          f"--csv and --json naming one file: a usage error ({r.returncode}: {r.stderr})")
    check(not os.path.exists(os.path.join(tmp, "two.gpkg")) and not os.path.exists(os.path.join(tmp, "s.csv")),
          "--csv and --json naming one file: nothing written")

    # --- a side output that cannot be written: the older GeoPackage stays as it was
    old = inputs["ok.gpkg"]
    for what, extra in [("--csv under a file", ["--csv", V + "/s.csv"]),
                        ("--json where a folder is", ["--json", "sub"]),
                        ("--csv in a folder no one can write (sysfs)", ["--csv", "/sys/scicov-s.csv"])]:
        tmp = fresh()
        r = scicov("plan", V, F, "-o", "ok.gpkg", *extra, cwd=tmp)
        check(r.returncode in (1, 2), f"{what}: the run fails ({r.returncode}: {r.stderr})")
        check(read(os.path.join(tmp, "ok.gpkg")) == old, f"{what}: the older GeoPackage is untouched byte for byte")
        check(temporaries(tmp) == [], f"{what}: no temporary left ({temporaries(tmp)})")

    # --- outputs checked before any work, with the path and the reason
    bad_outputs = [
        ("a folder at -o", ["analyze", V, F, "-o", "out.gpkg"], 2, ["out.gpkg", "is a folder"]),
        ("a folder at plan -o", ["plan", V, F, "-o", "./out.gpkg/"], 2, ["out.gpkg", "is a folder"]),
        ("--csv under a file", ["analyze", V, F, "-o", "a.gpkg", "--csv", V + "/s.csv"], 1,
         [V + "/s.csv", "is not a folder"]),
        ("-o in sysfs", ["analyze", V, F, "-o", "/sys/scicov-a.gpkg"], 1,
         ["/sys/scicov-a.gpkg", "Permission denied"]),
        ("map -o in sysfs", ["map", "ok.gpkg", "-o", "/sys/scicov-m.png"], 1, ["/sys/scicov-m.png", "Permission denied"]),
        ("report -o a folder", ["report", "ok.gpkg", "-o", "sub"], 2, ["sub", "is a folder"]),
        ("webmap -o in sysfs", ["webmap", "ok.gpkg", "-o", "/sys/scicov-w.html"], 1,
         ["/sys/scicov-w.html", "Permission denied"]),
    ]
    for what, args, code, needles in bad_outputs:
        tmp = fresh()
        os.makedirs(os.path.join(tmp, "out.gpkg"))
        r = scicov(*args, cwd=tmp, quiet=False)
        check(r.returncode == code, f"{what}: exit {code} (got {r.returncode}: {r.stderr})")
        line = next((l for l in r.stderr.splitlines() if all(n in l for n in needles)), None)
        check(line is not None, f"{what}: one line names {needles} ({r.stderr})")
        check(not PROGRESS.search(r.stderr), f"{what}: refused before any work (no progress):\n{r.stderr}")
        check(os.listdir(os.path.join(tmp, "out.gpkg")) == [], f"{what}: the folder out.gpkg is left as it was")

    # --- temporaries of killed runs are removed; a live process's are not
    tmp = fresh()
    dead, live = dead_pid(), os.getpid()
    stale = [f"t.gpkg.tmp-{dead}-0.gpkg", f"t.gpkg.tmp-{dead}-0.gpkg-journal", f"t.gpkg.tmp-{dead}.gpkg"]
    kept = [f"t.gpkg.tmp-{live}-0.gpkg", f"t.gpkg.tmp-{live}-0.gpkg-journal"]
    for n in stale + kept:
        with open(os.path.join(tmp, n), "w") as fh:
            fh.write("left over")
    r = scicov("analyze", V, F, "-o", "t.gpkg", cwd=tmp)
    check(r.returncode == 0, f"a run beside stale temporaries succeeds ({r.stderr})")
    check(temporaries(tmp) == sorted(kept), f"the dead run's temporaries are gone, the live one's kept "
                                            f"({temporaries(tmp)})")
    said = [l for l in r.stderr.splitlines() if "stale temporary" in l]
    check(len(said) == 1 and "removed 3 stale temporary files" in said[0] and "t.gpkg" in said[0],
          f"one stderr line says how many were removed ({r.stderr})")

    # --- text inputs read whole: regular files within the limit only
    tmp = fresh()
    os.mkfifo(os.path.join(tmp, "fifo.toml"))
    with open(os.path.join(tmp, "huge.toml"), "wb") as fh:
        fh.truncate((16 << 20) + 1)  # sparse: 16 MiB and one byte, no disk used
    rules_cases = [
        ("/dev/zero", "/dev/zero", "not a regular file"),
        ("a FIFO", "fifo.toml", "not a regular file"),
        ("a file over 16 MiB", "huge.toml", "larger than the limit of 16 MiB"),
    ]
    for what, path, needle in rules_cases:
        for args in (["analyze", V, F, "-o", "r.gpkg", "--rules", path], ["validate", V, F, "--rules", path],
                     ["rules", "--check", path]):
            r = scicov(*args, cwd=tmp)
            check(r.returncode in (1, 2), f"--rules {what} ({args[0]}): refused ({r.returncode}: {r.stderr[:300]})")
            check(path in r.stderr and needle in r.stderr,
                  f"--rules {what} ({args[0]}): the message names the file and why ({r.stderr[:300]})")
    r = scicov("analyze", V, F, "-o", "r.gpkg", "--rules", "sub", cwd=tmp)
    check(r.returncode == 2, f"--rules a folder: a usage error ({r.returncode}: {r.stderr})")
    check(not os.path.exists(os.path.join(tmp, "r.gpkg")) and temporaries(tmp) == [], "refused rules: no output")
finally:
    shutil.rmtree(root, ignore_errors=True)

finish()
