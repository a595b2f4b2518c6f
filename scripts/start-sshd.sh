#!/usr/bin/env bash
# Starts a throwaway OpenSSH sshd on 127.0.0.1 for the SSH tests and bench.
#
# Usage: scripts/start-sshd.sh DIR [key|password]   -> prints the port
#        scripts/start-sshd.sh --container DIR       -> sshd in a debian:bookworm container, published on
#                                                     127.0.0.1 (same keys as DIR's); prints the port,
#                                                     also in DIR/container_port
#        scripts/start-sshd.sh --stop DIR            -> stops what DIR's instance started
#
# DIR (created if missing) gets: a host key, client keys (id_ed25519 in
# OpenSSH format, id_rsa in PEM format), authorized_keys with both, the
# test user's password (file `password`), sshd_config, sshd.log, sshd.pid,
# port. Logins are for the user `kilntest` (created here, home /home/kilntest).
#   key       public keys only (default)
#   password  passwords (and keyboard-interactive) only
# The container image kiln-test-sshd:bookworm is built once from
# debian:bookworm (scripts/base-image.sh) with openssh-server from Debian's mirror.
# Needs root (it creates the user and runs sshd as root, as sshd requires).
set -euo pipefail

die() { echo "start-sshd: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
user=kilntest
image=kiln-test-sshd:bookworm

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {  # port pid-or-empty
  for _ in $(seq 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  return 1
}

make_user_and_keys() {
  local dir=$1
  mkdir -p "$dir"
  chmod 755 "$dir"   # the user's sshd process reads authorized_keys from here
  id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user" || die "cannot create user $user"
  # One password for the user, shared by every instance (tests run in parallel).
  local shared=/var/tmp/kiln-test-sshd
  mkdir -p "$shared" && chmod 700 "$shared"
  (
    flock 9
    if [[ ! -f "$shared/password" ]]; then
      head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$shared/password.new"
      echo "$user:$(cat "$shared/password.new")" | chpasswd
      mv "$shared/password.new" "$shared/password"
    fi
  ) 9>"$shared/lock"
  cp "$shared/password" "$dir/password"
  chmod 600 "$dir/password"
  [[ -f "$dir/host_ed25519_key" ]] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519_key"
  [[ -f "$dir/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C kiln-test -f "$dir/id_ed25519"
  [[ -f "$dir/id_rsa" ]] || ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C kiln-test-pem -f "$dir/id_rsa"
  [[ -f "$dir/wrong_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C not-authorized -f "$dir/wrong_ed25519"
  cat "$dir/id_ed25519.pub" "$dir/id_rsa.pub" >"$dir/authorized_keys"
  chmod 644 "$dir/authorized_keys"
}

case "${1:-}" in
  --stop)
    dir=${2:?usage: start-sshd.sh --stop DIR}
    if [[ -f "$dir/sshd.pid" ]]; then
      pid=$(cat "$dir/sshd.pid")
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill "$pid" 2>/dev/null || true
      rm -f "$dir/sshd.pid"
    fi
    if [[ -f "$dir/container" ]]; then
      docker rm -f "$(cat "$dir/container")" >/dev/null 2>&1 || true
      rm -f "$dir/container"
    fi
    exit 0
    ;;
  --container)
    dir=${2:?usage: start-sshd.sh --container DIR}
    make_user_and_keys "$dir"
    if ! docker image inspect "$image" >/dev/null 2>&1; then
      bash "$here/base-image.sh" debian:bookworm >/dev/null || die "no debian:bookworm base image"
      docker build -q -t "$image" - >/dev/null 2>"$dir/docker-build.log" <<'DOCKERFILE' || die "cannot build $image"
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /run/sshd \
 && useradd -m -s /bin/bash kilntest && mkdir -p /home/kilntest/.ssh
CMD ["/usr/sbin/sshd", "-D", "-e", "-o", "PasswordAuthentication=no", "-o", "AuthorizedKeysFile=/etc/kiln_authorized_keys"]
DOCKERFILE
    fi
    port=$(free_port)
    name=kiln-test-sshd-$port
    docker run -d --rm --name "$name" -p "127.0.0.1:$port:22" \
      -v "$dir/authorized_keys:/etc/kiln_authorized_keys:ro" "$image" >/dev/null || die "cannot start $image"
    echo "$name" >"$dir/container"
    echo "$port" >"$dir/container_port"
    wait_port "$port" || die "the container's sshd does not answer on 127.0.0.1:$port"
    # The published port answers before sshd does: wait for its banner.
    for _ in $(seq 100); do
      if timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; head -c 4 <&3" 2>/dev/null | grep -q SSH-; then break; fi
      sleep 0.1
    done
    echo "$port"
    exit 0
    ;;
esac

dir=${1:?usage: start-sshd.sh DIR [key|password]}
mode=${2:-key}
[[ $(id -u) -eq 0 ]] || die "need root to run sshd and create the test user"
command -v /usr/sbin/sshd >/dev/null || die "sshd not found (scripts/install-deps.sh ssh)"
make_user_and_keys "$dir"
mkdir -p /run/sshd
chmod 755 /run/sshd

pubkey=yes password=no
[[ $mode == password ]] && pubkey=no password=yes
port=$(free_port)
cat >"$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication $pubkey
PasswordAuthentication $password
KbdInteractiveAuthentication $password
PermitRootLogin no
AllowUsers $user
AllowTcpForwarding yes
MaxStartups 100
MaxSessions 100
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel VERBOSE
CONF
/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" || die "sshd did not start (see $dir/sshd.log)"
echo "$port" >"$dir/port"
wait_port "$port" || die "sshd does not answer on 127.0.0.1:$port (see $dir/sshd.log)"
echo "$port"
