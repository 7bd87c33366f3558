"""Type names on the map come from the run's rules (name_zh as stored in the run table), never
hard-coded; `map --type` takes any name the rules know a type by (key, name_zh, aliases, common forms
such as e站) and `--county` a code, a prefix or a county's name; unknown ones are usage errors."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")

with tempfile.TemporaryDirectory() as tmp:
    rules = os.path.join(tmp, "rules.toml")
    with open(rules, "w", encoding="utf-8") as f:
        f.write('[types.science_room]\nname_zh = "村级科普活动站"\naliases = ["活动站"]\n')
    gpkg = os.path.join(tmp, "a.gpkg")
    r = run("analyze", SAMPLE, "--rules", rules, "--county", "530326", "--county", "530302", "-o", gpkg)
    check(r.returncode == 0, f"analyze with renamed type exit 0 ({r.stderr[-500:]})")

    def svg(*args):
        path = os.path.join(tmp, "m.svg")
        if os.path.exists(path):
            os.remove(path)
        r = run("map", gpkg, "-o", path, "--date", "2025-06-01", *args)
        text = open(path, encoding="utf-8").read() if r.returncode == 0 else ""
        return r, text

    r, text = svg("--type", "活动站", "--county", "会泽县")
    check(r.returncode == 0, f"--type by the rules' alias, --county by name ({r.stderr})")
    check("村级科普活动站" in text, "the type's name_zh from the run's rules is on the map")
    check("科普室" not in text, "no hard-coded name of the type")
    check("会泽县 村级科普活动站" in text, "the title names the county and the renamed type")
    r2, text2 = svg("--type", "science_room", "--county", "530326")
    check(r2.returncode == 0 and text2 == text, "--type key and --county code draw the same map as the names")
    for name in ("e站", "科普e站", "e_station", " 科普E站 "):
        r, text = svg("--type", name, "--county", "530326")
        check(r.returncode == 0 and "科普e站" in text, f"--type {name!r} is e_station ({r.stderr})")
    r, text = svg("--type", "科普基地", "--county", "麒麟区", "--county", "530326")
    check(r.returncode == 0 and "会泽县" in text and "麒麟区" in text, f"two counties by name and code ({r.stderr})")
    r, _ = svg("--county", "会泽")
    check(r.returncode == 2 and "会泽县" in r.stderr, f"a near county name: usage error with did-you-mean ({r.stderr})")
    r, _ = svg("--type", "图书馆")
    check(r.returncode == 2 and "e_station" in r.stderr, f"unknown type: usage error listing the types ({r.stderr})")
    r, _ = svg("--width", "100")
    check(r.returncode == 2, f"--width out of range: usage error ({r.stderr})")
finish()
