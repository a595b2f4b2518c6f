#!/bin/bash
# Writes every template string ("{{" inside) of the JSON fixtures and examples
# to one file each under DIR (default build-fuzz/seed-interpolate): seeds for
# interpolate_libfuzzer, before -merge=1 keeps the ones that add coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-fuzz/seed-interpolate}
mkdir -p "$out"
n=0
for f in tests/fixtures/json/*.json tests/fixtures/json/vars/*.json examples/*.json; do
  jq -c '.. | strings | select(contains("{{"))' "$f" 2>/dev/null || true  # some fixtures are broken JSON
done | sort -u | while IFS= read -r line; do
  n=$((n + 1))
  jq -j . <<<"$line" >"$out/fixture-$n"
done
echo "seeds in $out: $(ls "$out" | wc -l)"
