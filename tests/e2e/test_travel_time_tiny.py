"""Travel-time coverage end to end on the hand-computed world with roads (tiny_world.ROADS):
minutes per village as computed by hand (tests/unit/coverage_test.cpp has the same network),
verdicts, people reached per facility, maxspeed, a plan, and `scicov rules --travel-time`."""
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import tiny_world  # noqa: E402
from e2e import check, finish, rows, run  # noqa: E402


def close(a, b):
    """Within 0.02 min: representative points (GEOS point-on-surface in lon/lat) lie up to ~1 m
    from the squares' centres, 0.01 min off road. The unit test checks the same network exactly."""
    return a is not None and abs(a - b) <= 0.02


BASE = tiny_world.TRAVEL_BASE
V = ["990101001001", "990101001002", "990101002001", "990101002002", "990102001001"]
EXPECTED = dict(zip(V, tiny_world.TRAVEL_MINUTES))

with tempfile.TemporaryDirectory() as tmp:
    world, rules = tiny_world.write_travel(tmp)
    out = os.path.join(tmp, "out.gpkg")
    r = run("analyze", world, "--rules", rules, "-o", out)
    check(r.returncode == 0, f"analyze exit 0 (got {r.returncode}: {r.stderr})")
    v = {row["code"]: row for row in rows(out, "villages")}
    for code, minutes in EXPECTED.items():
        got = v[code]["time_science_base_min"]
        check(close(got, minutes), f"{code}: {got} min to the base, expected {minutes:.3f}")
        check(v[code]["cov_science_base"] == (1 if minutes <= 30 else 0), f"{code}: covered iff within 30 min")
    check("time_e_station_min" not in v[V[0]], "no time column for a radius type")
    fac = rows(out, "facilities", key="id")["b1"]
    check(fac["villages_reached"] == 2 and fac["pop_reached"] == 12_800, f"b1 reaches V1 and V2 ({fac})")
    counties = rows(out, "counties", key="code")
    check(counties["990101"]["villages_cov_science_base"] == 2, "two villages of 990101 within 30 minutes")

    # maxspeed replaces the class speed: R2 at 60 km/h brings V4 to 10 + 9 + 13 = 32 minutes.
    fast = [list(road) for road in tiny_world.ROADS]
    fast[2][1] = 60
    world_fast = os.path.join(tmp, "fast.gpkg")
    tiny_world.write(world_fast, facilities=BASE, roads=[tuple(road) for road in fast])
    out_fast = os.path.join(tmp, "fast_out.gpkg")
    r = run("analyze", world_fast, "--rules", rules, "-o", out_fast)
    check(r.returncode == 0, f"analyze with maxspeed exit 0 ({r.stderr})")
    t4 = rows(out_fast, "villages", key="code")[V[3]]["time_science_base_min"]
    check(close(t4, 32.0), f"maxspeed 60 on R2: V4 at {t4} min, expected 32")

    # A plan: candidates are the village points; the target (90% of people) needs a base that V3
    # (1500 people) or V4 and V5 reach.
    plan_out = os.path.join(tmp, "plan.gpkg")
    r = run("plan", world, "--rules", rules, "-o", plan_out)
    check(r.returncode == 0, f"plan exit 0 ({r.stderr})")
    sites = [s for s in rows(plan_out, "proposed_sites") if s["type"] == "science_base"]
    check(len(sites) >= 1, f"the plan proposes science bases ({len(sites)})")

    # No roads layer: a clear input error, no output.
    bare = os.path.join(tmp, "bare.gpkg")
    tiny_world.write(bare, facilities=BASE)
    out_bare = os.path.join(tmp, "bare_out.gpkg")
    r = run("analyze", bare, "--rules", rules, "-o", out_bare)
    check(r.returncode == 1 and "--layer roads=" in r.stderr, f"no roads: exit 1 naming --layer roads ({r.stderr})")
    check(not os.path.exists(out_bare), "no output without roads")

    # `scicov rules --travel-time` runs as it is on a world with roads of the default classes.
    r = run("rules", "--travel-time")
    check(r.returncode == 0 and 'coverage = "travel_time"' in r.stdout, "rules --travel-time prints travel rules")
    tt = os.path.join(tmp, "tt.toml")
    with open(tt, "w") as f:
        f.write(r.stdout)
    out_tt = os.path.join(tmp, "tt_out.gpkg")
    r = run("analyze", world, "--rules", tt, "-o", out_tt)
    check(r.returncode == 0, f"analyze with the printed travel-time rules ({r.stderr})")
    vt = rows(out_tt, "villages", key="code")
    check(all(vt[c]["time_e_station_min"] is None for c in V), "no e-stations: no time to one")
    # Defaults: primary 50 km/h, so V1 is 3 km / 50 km/h = 3.6 min from the base.
    check(close(vt[V[0]]["time_science_base_min"], 3.6), f"default speeds: V1 {vt[V[0]]['time_science_base_min']}")

finish()
