#!/usr/bin/env bash
# Make sure a Docker engine answers on /var/run/docker.sock; start dockerd if not.
#
# Usage: scripts/start-dockerd.sh
#
# There is no init system on these machines, so dockerd is started directly,
# detached (setsid + nohup), logging to $KILN_DOCKERD_LOG. Does nothing when the
# engine already answers. Configurations tried, in order, until one answers:
#   1. defaults (overlay2, docker0 bridge with iptables NAT)  <- works here
#   2. --storage-driver=vfs                (if overlay2 is refused)
#   3. --storage-driver=vfs --iptables=false --bridge=none
#      (last resort: only `docker run --network host` containers get a network)
# Environment:
#   KILN_DOCKERD_FLAGS  use exactly these dockerd flags, no fallbacks
#   KILN_DOCKERD_LOG    log file           (default: /var/log/kiln-dockerd.log)
#   KILN_DOCKERD_WAIT   seconds to wait per attempt (default: 30)
# Stop it with: kill "$(cat /var/run/docker.pid)"
set -euo pipefail

die() { echo "start-dockerd: $*" >&2; exit 1; }

log=${KILN_DOCKERD_LOG:-/var/log/kiln-dockerd.log}
wait_s=${KILN_DOCKERD_WAIT:-30}
pidfile=/var/run/docker.pid

answers() { timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

command -v docker >/dev/null || die "docker CLI not found (run scripts/install-deps.sh docker)"
answers && exit 0

command -v dockerd >/dev/null || die "dockerd not found (run scripts/install-deps.sh docker)"
[[ $(id -u) -eq 0 ]] || die "need root to start dockerd"

# A dockerd that is still starting up (e.g. started by a concurrent caller):
# wait for it rather than starting a second one.
if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  for ((i = 0; i < wait_s; i++)); do answers && exit 0; sleep 1; done
  die "dockerd (pid $(cat "$pidfile")) runs but does not answer after ${wait_s}s; see $log"
fi

mkdir -p "$(dirname "$log")"

# try FLAGS...: start dockerd with FLAGS, wait until it answers; on failure stop
# it again and return 1.
try() {
  echo "==== $(date -u +%FT%TZ) kiln start-dockerd: dockerd $*" >>"$log"
  setsid nohup dockerd "$@" >>"$log" 2>&1 </dev/null &
  local pid=$! i
  for ((i = 0; i < wait_s * 2; i++)); do
    if answers; then return 0; fi
    kill -0 "$pid" 2>/dev/null || break     # died: no point in waiting
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  return 1
}

if [[ -n "${KILN_DOCKERD_FLAGS+x}" ]]; then
  # shellcheck disable=SC2086  # word splitting of the flags is intended
  try $KILN_DOCKERD_FLAGS && exit 0
  echo "start-dockerd: dockerd $KILN_DOCKERD_FLAGS did not answer within ${wait_s}s; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi

attempts=(
  ""
  "--storage-driver=vfs"
  "--storage-driver=vfs --iptables=false --bridge=none"
)
for flags in "${attempts[@]}"; do
  # shellcheck disable=SC2086
  if try $flags; then
    if [[ -n $flags ]]; then
      echo "start-dockerd: note: defaults failed, dockerd runs with: $flags (log: $log)" >&2
      [[ $flags == *"--bridge=none"* ]] && \
        echo "start-dockerd: note: no bridge network; containers need --network host to reach the mirror" >&2
    fi
    exit 0
  fi
done

echo "start-dockerd: dockerd did not come up (tried: defaults; ${attempts[*]:1}); last lines of $log:" >&2
tail -n 40 "$log" >&2
exit 1
