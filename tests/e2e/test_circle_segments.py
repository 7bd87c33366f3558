"""`--circle-segments` trades the service discs' precision for speed, and the trade goes one way.

The disc of a facility is a regular polygon inscribed in its circle, 4 × N vertices starting at
angle 0. With N = 8 its vertices are every fourth vertex of the N = 32 disc, so the coarse disc
lies inside the fine one, and so does every union of them: each village's covered fraction can
only drop, and each township's gap can only grow. The run table records the value used, and a
value outside 1..1024 is a usage error (exit 2) that writes nothing."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from e2e import GEODATA, check, finish, rows, run  # noqa: E402

SAMPLE = os.path.join(GEODATA, "sample.gpkg")
RADIUS_TYPES = ("science_base", "e_station")  # the default rules' radius types

with tempfile.TemporaryDirectory() as tmp:
    out = {}
    for n in (32, 8):
        out[n] = os.path.join(tmp, f"c{n}.gpkg")
        args = ["analyze", SAMPLE, "-o", out[n]] + ([] if n == 32 else ["--circle-segments", str(n)])
        r = run(*args)
        check(r.returncode == 0, f"--circle-segments {n}: exit 0 ({r.stderr[-400:]})")
    if all(os.path.exists(p) for p in out.values()):
        run_rows = {n: {x["key"]: x["value"] for x in rows(out[n], "run")} for n in out}
        for n in out:
            check(run_rows[n].get("circle_segments") == str(n), f"run table records circle_segments = {n}")

        fine = rows(out[32], "villages", key="code")
        coarse = rows(out[8], "villages", key="code")
        check(fine.keys() == coarse.keys() and len(fine) > 3000, f"same villages ({len(fine)}, {len(coarse)})")
        for t in RADIUS_TYPES:
            field = f"frac_{t}"
            grew = [c for c in fine if coarse[c][field] > fine[c][field] + 1e-9]
            dropped = [c for c in fine if coarse[c][field] < fine[c][field] - 1e-9]
            check(not grew, f"{t}: no village is more covered by coarser discs (first: {grew[:3]})")
            check(len(dropped) > 10, f"{t}: coarser discs cover less of the villages at their edge ({len(dropped)})")
            # The verdict of a radius rule without min_area_fraction is the distance, not the discs.
            changed = [c for c in fine if coarse[c][f"cov_{t}"] != fine[c][f"cov_{t}"]]
            check(not changed, f"{t}: coverage verdicts unchanged (first: {changed[:3]})")

        def gap_area(path):
            return {(g["type"], g["township_code"]): g["area_m2"] for g in rows(path, "gaps")}

        fine_gaps, coarse_gaps = gap_area(out[32]), gap_area(out[8])
        for t in RADIUS_TYPES:
            keys = [k for k in fine_gaps if k[0] == t]
            shrank = [k for k in keys if coarse_gaps.get(k, 0.0) < fine_gaps[k] * (1 - 1e-9) - 1e-3]
            check(keys and not shrank, f"{t}: no township's gap shrinks with coarser discs ({len(keys)}; {shrank[:3]})")
            total_fine = sum(fine_gaps[k] for k in keys)
            total_coarse = sum(v for k, v in coarse_gaps.items() if k[0] == t)
            check(total_coarse > total_fine, f"{t}: total gap grows ({total_fine:.0f} -> {total_coarse:.0f} m²)")

    for bad in ("0", "2000", "x"):
        target = os.path.join(tmp, f"bad{bad}.gpkg")
        r = run("analyze", SAMPLE, "-o", target, "--circle-segments", bad)
        check(r.returncode == 2, f"--circle-segments {bad}: usage error, exit 2 (got {r.returncode})")
        check("--circle-segments" in r.stderr, f"--circle-segments {bad}: the message names the option")
        check(not os.path.exists(target), f"--circle-segments {bad}: no output")

finish()
