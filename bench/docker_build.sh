#!/usr/bin/env bash
# Docker build benchmark, side by side: a template with 20 one-line shell
# provisioners, one 100 MiB file upload and a commit, run by kiln and by
# Packer 1.6.6, and the same steps as a plain docker-CLI script. Records
# median wall time of each and kiln's median peak RSS in
# bench/results/docker_build.md.
#
# Usage: bench/docker_build.sh [path/to/kiln] [runs]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kiln=$(realpath "${1:-$here/../build/kiln}")
runs=${2:-5}
bash "$here/../scripts/start-dockerd.sh" >/dev/null
bash "$here/../scripts/base-image.sh" debian:bookworm >/dev/null
command -v packer >/dev/null || { echo "bench: packer missing (scripts/install-deps.sh bench)" >&2; exit 1; }
export CHECKPOINT_DISABLE=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c $((100 * 1024 * 1024)) /dev/urandom >"$work/payload.bin"
cp "$here/templates/docker-20-steps.json" "$work/template.json"
cd "$work"

cli_script() {  # the same steps with the docker CLI
  local id
  id=$(docker run -d -i -t --entrypoint /bin/sh debian:bookworm)
  for i in $(seq 1 20); do docker exec "$id" /bin/sh -c "echo step $i" >/dev/null; done
  docker cp payload.bin "$id:/tmp/payload.bin"
  docker commit "$id" >/dev/null
  docker rm -f "$id" >/dev/null
}

time_runs() {  # prints one wall time (s) per run; removes the images each run made
  local name=$1; shift
  for _ in $(seq "$runs"); do
    local before after start end
    before=$(docker images -q | sort)
    start=$(date +%s.%N)
    "$@" >"$work/$name.log" 2>&1 || { echo "bench: $name failed:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    end=$(date +%s.%N)
    after=$(docker images -q | sort)
    comm -13 <(echo "$before") <(echo "$after") | xargs -r docker rmi -f >/dev/null 2>&1 || true
    echo "$start $end" | awk '{printf "%.3f\n", $2 - $1}'
  done
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

kiln_t=$(time_runs kiln "$kiln" build -var payload=payload.bin template.json | median)
packer_t=$(time_runs packer packer build -var payload=payload.bin template.json | median)
cli_t=$(time_runs cli cli_script | median)
rss=$(for _ in $(seq "$runs"); do
  /usr/bin/time -f %M "$kiln" build -var payload=payload.bin template.json 2>&1 >/dev/null | tail -1
  docker images -q --filter dangling=true | xargs -r docker rmi -f >/dev/null 2>&1 || true
done | median)

python3 - "$kiln_t" "$packer_t" "$cli_t" "$rss" "$runs" <<'PY' | tee "$here/results/docker_build.md"
import sys
k, p, c, rss, runs = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]) / 1024, sys.argv[5]
print(f"# docker build: 20 shell steps + 100 MiB upload + commit ({runs} runs each, medians)\n")
print("| runner | median wall time | vs kiln |")
print("| --- | ---: | ---: |")
print(f"| kiln | {k:.2f} s | 1.0x |")
print(f"| packer 1.6.6 | {p:.2f} s | {p/k:.1f}x slower |")
print(f"| docker CLI script | {c:.2f} s | {c/k:.2f}x |")
print(f"\nkiln peak RSS (median): {rss:.1f} MiB\n")
print(f"Targets: kiln >= 5x faster than Packer: {'met' if p/k >= 5 else 'NOT met'} ({p/k:.1f}x); "
      f"no slower than the CLI script: {'met' if k <= c else 'NOT met'}; "
      f"peak RSS <= 20 MiB: {'met' if rss <= 20 else 'NOT met'}.")
PY
