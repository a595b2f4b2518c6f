#!/usr/bin/env bash
# Start Debian's docker-registry (distribution 2.8) on 127.0.0.1:PORT with
# htpasswd basic auth, storing everything under DIR.
#
# Usage: scripts/start-registry.sh [PORT] [USER] [PASSWORD] [DIR]
#   defaults: 5000 kiln kiln-secret /tmp/kiln-registry-PORT
#
# DIR receives config.yml, htpasswd, data/, registry.log and registry.pid.
# Idempotent: if the registry from DIR already runs and answers, nothing is
# started. Prints the address and how to stop it. Plain HTTP: the Docker
# engine accepts 127.0.0.0/8 registries as insecure by default, so
#   docker login 127.0.0.1:PORT -u USER -p PASSWORD && docker push 127.0.0.1:PORT/x
# works without further engine configuration.
set -euo pipefail

die() { echo "start-registry: $*" >&2; exit 1; }

port=${1:-5000}
user=${2:-kiln}
pass=${3:-kiln-secret}
dir=${4:-/tmp/kiln-registry-$port}

[[ $port =~ ^[0-9]+$ ]] || die "bad port '$port'"
command -v docker-registry >/dev/null || die "docker-registry not found (run scripts/install-deps.sh registry)"
command -v htpasswd >/dev/null || die "htpasswd not found (run scripts/install-deps.sh registry)"
command -v curl >/dev/null || die "curl not found"

url=http://127.0.0.1:$port/v2/
code() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$@" "$url" || true; }

mkdir -p "$dir/data"
dir=$(cd "$dir" && pwd)
pidfile=$dir/registry.pid
log=$dir/registry.log

stop_hint() {
  echo "registry: 127.0.0.1:$port user=$user dir=$dir"
  echo "stop: kill \$(cat $pidfile)"
}

if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  [[ $(code -u "$user:$pass") == 200 ]] \
    || die "registry (pid $(cat "$pidfile")) runs from $dir but $url does not accept $user (log: $log)"
  stop_hint
  exit 0
fi

c=$(code)
[[ $c == 000 ]] || die "something else already answers on 127.0.0.1:$port (HTTP $c)"

htpasswd -Bbn "$user" "$pass" >"$dir/htpasswd" 2>/dev/null || die "htpasswd failed"
cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: kiln-registry
    path: $dir/htpasswd
EOF

setsid nohup docker-registry serve "$dir/config.yml" >>"$log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pidfile"

for ((i = 0; i < 60; i++)); do
  if [[ $(code -u "$user:$pass") == 200 ]]; then
    [[ $(code) == 401 ]] || { kill "$pid"; die "registry answers without asking for credentials"; }
    stop_hint
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.25
done
kill "$pid" 2>/dev/null || true
rm -f "$pidfile"
echo "start-registry: registry did not come up on 127.0.0.1:$port; last lines of $log:" >&2
tail -n 20 "$log" >&2
exit 1
