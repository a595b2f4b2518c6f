#!/usr/bin/env bash
# SSH upload benchmark, side by side against one local sshd
# (scripts/start-sshd.sh): a 1 GiB file upload (generated here, never kept)
# plus two shell steps through the null builder, run by kiln and by Packer
# 1.6.6, and the same upload with plain `scp` plus two `ssh` commands, once
# with OpenSSH's default cipher (chacha20-poly1305) and once with AES-GCM,
# the cipher kiln prefers, so the ratio is also shown cipher for cipher.
# Records the median wall time of each, kiln's and Packer's median peak RSS,
# and the load average, in bench/results/ssh_upload.md.
#
# Usage: bench/ssh_upload.sh [path/to/kiln] [runs]   (default runs: 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kiln=$(realpath "${1:-$here/../build/kiln}")
runs=${2:-3}
command -v packer >/dev/null || { echo "bench: packer missing (scripts/install-deps.sh bench)" >&2; exit 1; }
export CHECKPOINT_DISABLE=1
work=$(mktemp -d /var/tmp/kiln-bench-ssh.XXXXXX)
chmod 755 "$work"  # sshd reads authorized_keys below it as the test user
world="$work/sshd"
cleanup() {
  bash "$here/../scripts/start-sshd.sh" --stop "$world" >/dev/null 2>&1 || true
  rm -rf "$work" /tmp/kiln-bench-upload.bin
}
trap cleanup EXIT
port=$(bash "$here/../scripts/start-sshd.sh" "$world" key)
key="$world/id_ed25519"
head -c $((1024 * 1024 * 1024)) /dev/urandom >"$work/payload.bin"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

cat >"$work/template.json" <<JSON
{
  "builders": [{"type": "null", "ssh_host": "127.0.0.1", "ssh_port": $port, "ssh_username": "kilntest",
                "ssh_private_key_file": "$key"}],
  "provisioners": [
    {"type": "file", "source": "$work/payload.bin", "destination": "/tmp/kiln-bench-upload.bin"},
    {"type": "shell", "inline": ["echo step 1"]},
    {"type": "shell", "inline": ["echo step 2"]}
  ]
}
JSON

ssh_opts=(-i "$key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -P "$port")
plain() {  # [extra scp options]
  scp -q "${ssh_opts[@]}" "$@" "$work/payload.bin" kilntest@127.0.0.1:/tmp/kiln-bench-upload.bin
  ssh "${ssh_opts[@]/-P/-p}" kilntest@127.0.0.1 'echo step 1' >/dev/null
  ssh "${ssh_opts[@]/-P/-p}" kilntest@127.0.0.1 'echo step 2' >/dev/null
}

# One run: "<wall seconds> <peak RSS KiB>".
measure() {
  local name=$1; shift
  rm -f /tmp/kiln-bench-upload.bin
  /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" >"$work/$name.log" 2>&1 \
    || { echo "bench: $name failed:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
  cmp -s "$work/payload.bin" /tmp/kiln-bench-upload.bin || { echo "bench: $name uploaded wrong bytes" >&2; exit 1; }
  cat "$work/$name.time"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A wall rss
for name in scp scp_gcm kiln packer; do
  : >"$work/$name.runs"
done
for _ in $(seq "$runs"); do  # interleaved, so load changes hit all three alike
  # time(1) runs programs, not shell functions: hand it a shell that has `plain`.
  measure scp bash -c "$(declare -p ssh_opts work); $(declare -f plain); plain" >>"$work/scp.runs"
  measure scp_gcm bash -c "$(declare -p ssh_opts work); $(declare -f plain); plain -c aes128-gcm@openssh.com" \
    >>"$work/scp_gcm.runs"
  measure kiln "$kiln" build "$work/template.json" >>"$work/kiln.runs"
  measure packer packer build "$work/template.json" >>"$work/packer.runs"
done
for name in scp scp_gcm kiln packer; do
  wall[$name]=$(cut -d' ' -f1 "$work/$name.runs" | median)
  rss[$name]=$(cut -d' ' -f2 "$work/$name.runs" | median)
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
ratio=$(awk -v k="${wall[kiln]}" -v s="${wall[scp]}" 'BEGIN {printf "%.2f", k / s}')
ratio_gcm=$(awk -v k="${wall[kiln]}" -v s="${wall[scp_gcm]}" 'BEGIN {printf "%.2f", k / s}')

mkdir -p "$here/results"
{
  echo "# SSH upload: 1 GiB file + two shell steps (null builder), median of $runs runs"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average before: $load_before, after: $load_after."
  echo "Same sshd (OpenSSH, 127.0.0.1, ed25519 key); plain = \`scp\` + two \`ssh\` commands"
  echo "(scp: OpenSSH's default cipher chacha20-poly1305; scp_gcm: \`-c aes128-gcm@openssh.com\`, as kiln negotiates)."
  echo
  echo "| tool | wall (s) | peak RSS (MiB) | runs (s) |"
  echo "| --- | --- | --- | --- |"
  for name in scp scp_gcm kiln packer; do
    printf '| %s | %s | %.1f | %s |\n' "$name" "${wall[$name]}" "$(awk -v k="${rss[$name]}" 'BEGIN {print k / 1024}')" \
      "$(cut -d' ' -f1 "$work/$name.runs" | paste -sd' ')"
  done
  echo
  echo "kiln / scp = $ratio (target <= 1.1); kiln / scp_gcm = $ratio_gcm (same cipher); kiln peak RSS target <= 20 MiB."
} | tee "$here/results/ssh_upload.md"
