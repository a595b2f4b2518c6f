#!/usr/bin/env bash
# Parse + validate of a generated HCL2 template directory of about 2,000
# lines (variables, locals, null and docker sources, one build with
# provisioners and post-processors), kiln vs Packer 1.6.6 side by side:
# median wall time (hyperfine) and median peak RSS (GNU time). The
# directory is generated here, at bench time, into a temporary directory.
# Writes bench/results/hcl_validate.md.
#
# Usage: bench/hcl_validate.sh [path/to/kiln] [runs]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kiln=$(realpath "${1:-$here/../build/kiln}")
runs=${2:-20}
command -v packer >/dev/null || { echo "bench: packer is not installed (scripts/install-deps.sh bench)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench: hyperfine is not installed (scripts/install-deps.sh bench)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench: GNU time is not installed (scripts/install-deps.sh bench)" >&2; exit 1; }
export CHECKPOINT_DISABLE=1
mkdir -p "$here/results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/template
mkdir -p "$dir"

# Few sources and provisioners: Packer 1.6.6 starts one plugin process per
# provisioner per source even to validate (40 sources x 100 provisioners ran
# 2,500 processes and did not finish in 10 minutes), so the bulk of the lines
# are variables and locals, which both tools read in-process.
# --- generate ---------------------------------------------------------------
python3 - "$dir" <<'PY'
import sys, os
d = sys.argv[1]
with open(os.path.join(d, "variables.pkr.hcl"), "w") as f:
    for i in range(280):
        f.write(f'variable "v{i}" {{\n  type        = string\n  default     = "value-{i}"\n  description = "variable {i}"\n}}\n\n')
with open(os.path.join(d, "locals.pkr.hcl"), "w") as f:
    f.write("locals {\n")
    for i in range(280):
        f.write(f'  l{i} = "${{var.v{i}}}-${{upper("x{i}")}}"\n')
    f.write("}\n")
with open(os.path.join(d, "sources.pkr.hcl"), "w") as f:
    for i in range(2):
        f.write(f'source "null" "n{i}" {{\n  communicator = "none"\n}}\n\n')
    for i in range(2):
        f.write(f'source "docker" "d{i}" {{\n  image   = var.v{i}\n  commit  = true\n  changes = ["LABEL n={i}", "EXPOSE {8000+i}"]\n}}\n\n')
with open(os.path.join(d, "build.pkr.hcl"), "w") as f:
    srcs = ", ".join([f'"source.null.n{i}"' for i in range(2)] + [f'"source.docker.d{i}"' for i in range(2)])
    f.write(f"build {{\n  sources = [{srcs}]\n\n")
    for i in range(12):
        f.write(f'  provisioner "shell-local" {{\n    inline = ["echo ${{local.l{i}}}", "echo {i}"]\n  }}\n\n')
    for i in range(2):
        f.write(f'  post-processor "shell-local" {{\n    only   = ["docker.d{i}"]\n    inline = ["echo pp {i}"]\n  }}\n\n')
    f.write("}\n")
PY
lines=$(cat "$dir"/*.pkr.hcl | wc -l)

# Packer 1.6.6 must read the same directory for the comparison to hold.
packer_ok=yes
if ! timeout 300 packer validate "$dir" >"$tmp/packer.out" 2>&1; then
  packer_ok=no
  echo "bench: packer 1.6.6 cannot validate the generated directory:" >&2
  head -20 "$tmp/packer.out" >&2
fi
"$kiln" validate "$dir" >"$tmp/kiln.out" 2>&1 || { echo "bench: kiln cannot validate the generated directory:" >&2; head -20 "$tmp/kiln.out" >&2; exit 1; }

cmds=(-n kiln "$kiln validate $dir")
[[ $packer_ok == yes ]] && cmds+=(-n packer "packer validate $dir")
hyperfine -N --warmup 2 --runs "$runs" --export-json "$tmp/h.json" --style none "${cmds[@]}" >/dev/null

peak_rss_kib() {
  for _ in $(seq "$runs"); do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done |
    sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
kiln_rss=$(peak_rss_kib "$kiln" validate "$dir")
packer_rss=0
[[ $packer_ok == yes ]] && packer_rss=$(peak_rss_kib packer validate "$dir")

python3 - "$tmp/h.json" "$kiln_rss" "$packer_rss" "$runs" "$lines" "$packer_ok" <<'PY' | tee "$here/results/hcl_validate.md"
import json, sys
h = json.load(open(sys.argv[1]))
med = {r["command"]: r["median"] * 1000 for r in h["results"]}
krss, prss, runs, lines, pok = int(sys.argv[2]) / 1024, int(sys.argv[3]) / 1024, sys.argv[4], sys.argv[5], sys.argv[6] == "yes"
print(f"# HCL2 validate: a generated {lines}-line template directory (4 files: 280 variables, 280 locals,")
print(f"# 4 sources, one build with 12 provisioners and 2 post-processors), {runs} runs each\n")
print("| tool | median wall time | median peak RSS |")
print("| --- | ---: | ---: |")
print(f"| kiln | {med['kiln']:.2f} ms | {krss:.1f} MiB |")
if pok:
    print(f"| packer 1.6.6 | {med['packer']:.2f} ms | {prss:.1f} MiB |")
    print(f"| ratio packer/kiln | {med['packer']/med['kiln']:.1f}x | {prss/krss:.1f}x |")
else:
    print("| packer 1.6.6 | cannot read it | |")
print("\nReproduce: bench/hcl_validate.sh [path/to/kiln] [runs]")
PY
