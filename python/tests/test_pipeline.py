"""analyze and plan from Python against the `scicov` program on the committed sample, one county.

The shares Python returns must equal the counties layer of `scicov analyze --county C` (read with
osgeo.ogr); the GeoPackage Python writes must hold the same counties and, for plan, the same
proposed sites and plan summary as the program's.

Environment (set by CTest): SCICOV (the program), SCICOV_GEODATA (geodata/).
"""
import os
import subprocess

import pytest

import scicov

ogr = pytest.importorskip("osgeo.ogr")
ogr.UseExceptions()

COUNTY = "510411"  # 仁和区: 89 villages, every facility type, quick
GEODATA = os.environ.get("SCICOV_GEODATA", os.path.join(os.path.dirname(__file__), "..", "..", "geodata"))
SAMPLE = os.path.join(GEODATA, "sample.gpkg")


def program():
    path = os.environ.get("SCICOV")
    if not path or not os.path.exists(path):
        pytest.skip("SCICOV (the scicov program) is not set: run through CTest")
    return path


def rows(path, layer, where=None):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer)
    if where:
        lyr.SetAttributeFilter(where)
    out = [{k: f.GetField(k) for k in f.keys()} for f in lyr]
    ds = None
    return out


@pytest.fixture(scope="module")
def cli_analysis(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("cli") / "analyze.gpkg")
    subprocess.run([program(), "analyze", SAMPLE, "--county", COUNTY, "-o", out, "-q"], check=True,
                   stdout=subprocess.DEVNULL)
    return out


def test_analyze_shares_match_the_program(cli_analysis, tmp_path):
    output = str(tmp_path / "py.gpkg")
    stages = []
    result = scicov.analyze(SAMPLE, counties=COUNTY, output=output, progress=lambda s, f: stages.append(s))
    assert [c["code"] for c in result["counties"]] == [COUNTY]
    assert result["types"] == ["science_museum", "science_base", "e_station", "science_room"]
    assert stages  # progress was reported
    (expected,) = rows(cli_analysis, "counties")
    county = result["counties"][0]
    assert county["villages"] == expected["villages"] == result["villages"]
    assert county["population"] == pytest.approx(expected["population"])
    shares = 0
    for key, t in county["types"].items():
        assert t["share"] == pytest.approx(expected[f"share_{key}"], abs=1e-12), key
        assert t["met"] == bool(expected[f"met_{key}"]), key
        assert t["villages_covered"] == expected[f"villages_cov_{key}"], key
        shares += t["share"]
    assert 0 < shares < len(county["types"])  # some covered, not everything: a real comparison
    # The GeoPackage Python wrote: the same counties and townships as the program's.
    for layer in ("counties", "townships"):
        ours, theirs = rows(output, layer), rows(cli_analysis, layer)
        assert ours == theirs, layer
    run = {r["key"]: r["value"] for r in rows(output, "run")}
    assert run["command"] == "analyze" and run["interface"] == "python"
    assert run["counties_requested"] == COUNTY


def test_plan_matches_the_program(tmp_path):
    cli = str(tmp_path / "cli.gpkg")
    subprocess.run([program(), "plan", SAMPLE, "--county", COUNTY, "-o", cli, "-q", "--budget", "science_base=1..3",
                    "--per-year", "3"], check=True, stdout=subprocess.DEVNULL)
    output = str(tmp_path / "py.gpkg")
    result = scicov.plan([SAMPLE], counties=[COUNTY], budgets={"science_base": range(1, 4)}, per_year=3,
                         output=output)
    summary = rows(cli, "plan_summary")
    assert len(result["summary"]) == len(summary) > 0
    for ours, theirs in zip(result["summary"], summary):
        for key in ("county_code", "type", "model", "status", "budget", "sites"):
            assert ours[key] == theirs[key], key
        assert ours["objective"] == pytest.approx(theirs["objective"]), (ours["type"], ours["budget"])
        assert ours["share_after"] == pytest.approx(theirs["share_after"])
    assert [s["id"] for s in result["sites"]] == [r["id"] for r in rows(cli, "proposed_sites")]
    assert [b["budget"] for b in result["summary"] if b["type"] == "science_base"] == [1, 2, 3]
    for layer in ("proposed_sites", "plan_summary", "counties"):
        ours, theirs = rows(output, layer), rows(cli, layer)
        assert ours == theirs, layer


def test_errors_name_the_file():
    with pytest.raises(scicov.Error) as info:
        scicov.analyze("/nonexistent/villages.gpkg")
    assert info.value.kind in ("input", "io")
    assert "/nonexistent/villages.gpkg" in str(info.value)
    with pytest.raises(scicov.Error) as info:
        scicov.plan(SAMPLE, counties=COUNTY, budgets="science_base=x")
    assert info.value.kind == "usage"
    with pytest.raises(scicov.Error) as info:
        scicov.analyze(SAMPLE, counties=COUNTY, output="/nonexistent-folder/out.gpkg")
    assert info.value.kind == "io" and info.value.file == "/nonexistent-folder/out.gpkg"


def test_rules_errors_come_from_the_rules_file(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[planning]\nper_yaer = 3\n", encoding="utf-8")
    with pytest.raises(scicov.Error) as info:
        scicov.analyze(SAMPLE, rules=rules, counties=COUNTY)
    assert info.value.kind == "rules"
    assert str(rules) in str(info.value) and "per_yaer" in str(info.value)
