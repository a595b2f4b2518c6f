#!/usr/bin/env bash
# kiln validate vs packer validate (Debian's Packer 1.6.6) on the same
# template, side by side: median wall time (hyperfine) and median peak RSS
# (GNU time) of each. Writes bench/results/validate.md.
#
# Usage: bench/validate.sh [path/to/kiln] [runs]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kiln=$(realpath "${1:-$here/../build/kiln}")
runs=${2:-30}
fixtures=$here/../tests/fixtures/json
template=seed.json
args="-var-file=vars/seed.vars.json"
command -v packer >/dev/null || { echo "bench: packer is not installed (scripts/install-deps.sh bench)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench: hyperfine is not installed (scripts/install-deps.sh bench)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench: GNU time is not installed (scripts/install-deps.sh bench)" >&2; exit 1; }
export CHECKPOINT_DISABLE=1
cd "$fixtures"
mkdir -p "$here/results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

hyperfine -N --warmup 3 --runs "$runs" --export-json "$tmp/h.json" --style none \
  -n kiln "$kiln validate $args $template" \
  -n packer "packer validate $args $template" >/dev/null

peak_rss_kib() {  # median peak RSS over $runs runs
  for _ in $(seq "$runs"); do
    /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
  done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
kiln_rss=$(peak_rss_kib "$kiln" validate $args $template)
packer_rss=$(peak_rss_kib packer validate $args $template)

python3 - "$tmp/h.json" "$kiln_rss" "$packer_rss" "$runs" <<'PY' | tee "$here/results/validate.md"
import json, sys
h = json.load(open(sys.argv[1]))
med = {r["command"]: r["median"] * 1000 for r in h["results"]}
krss, prss, runs = int(sys.argv[2]) / 1024, int(sys.argv[3]) / 1024, sys.argv[4]
print(f"# validate: kiln vs packer 1.6.6 (seed.json with its var file, {runs} runs each)\n")
print("| tool | median wall time | median peak RSS |")
print("| --- | ---: | ---: |")
print(f"| kiln | {med['kiln']:.2f} ms | {krss:.1f} MiB |")
print(f"| packer 1.6.6 | {med['packer']:.2f} ms | {prss:.1f} MiB |")
print(f"| ratio packer/kiln | {med['packer']/med['kiln']:.1f}x | {prss/krss:.1f}x |")
print()
print(f"Targets: kiln < 10 ms: {'met' if med['kiln'] < 10 else 'NOT met'}; "
      f"kiln <= 12 MiB: {'met' if krss <= 12 else 'NOT met'}.")
PY
