#!/usr/bin/env bash
# Install kiln's build and test dependencies from Debian's archive (apt).
#
# Usage: scripts/install-deps.sh [GROUP...]
#   build     compiler, CMake/Ninja, libraries, GoogleTest
#   docker    docker.io engine (+ iptables) and debootstrap (for the base image)
#   registry  docker-registry and htpasswd (apache2-utils)
#   ssh       openssh-server and openssh-client
#   qemu      qemu-system-x86 and qemu-utils                      (heavy)
#   bench     packer (Debian's 1.6.6), hyperfine, GNU time
#   fuzz      clang-16 and libFuzzer (fuzz/build-libfuzzer.sh)
#   test      = docker registry ssh
#   all       = every group above (the default when no group is given)
#
# Idempotent and quiet: it checks every package with dpkg first and only runs
# `apt-get update` / `apt-get install` when something is missing. Service
# starts during the install are denied (policy-rc.d), since this machine has no
# init system; use scripts/start-dockerd.sh to run the Docker daemon.
set -euo pipefail

die() { echo "install-deps: $*" >&2; exit 1; }

declare -A GROUP=(
  [build]="build-essential g++ cmake ninja-build pkg-config nlohmann-json3-dev libfmt-dev libcurl4-openssl-dev libssl-dev libarchive-dev libssh-dev libpugixml-dev libgmp-dev libyaml-cpp-dev libre2-dev libgtest-dev googletest ccache"
  [docker]="docker.io iptables debootstrap ca-certificates"
  [registry]="docker-registry apache2-utils"
  [ssh]="openssh-server openssh-client"
  [qemu]="qemu-system-x86 qemu-utils"
  [bench]="packer hyperfine time"
  [fuzz]="clang-16 libclang-rt-16-dev"
)

groups=("$@")
[[ ${#groups[@]} -eq 0 ]] && groups=(all)

wanted=()
add() { local -a pkgs; read -r -a pkgs <<<"${GROUP[$1]}"; wanted+=("${pkgs[@]}"); }
for g in "${groups[@]}"; do
  case "$g" in
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    all)  for k in build docker registry ssh qemu bench fuzz; do add "$k"; done ;;
    test) for k in docker registry ssh; do add "$k"; done ;;
    *)    [[ -n "${GROUP[$g]:-}" ]] || die "unknown group '$g' (build docker registry ssh qemu bench fuzz test all)"
          add "$g" ;;
  esac
done

# Which packages are not fully installed? (dpkg -s also succeeds for packages
# left in 'config-files' state, so look at the status word itself.)
missing=()
for p in "${wanted[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$st" == installed ]] || missing+=("$p")
done
# de-duplicate
if [[ ${#missing[@]} -gt 0 ]]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

[[ $(id -u) -eq 0 ]] || die "need root to install: ${missing[*]}"

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/kiln-install-deps.XXXXXX.log)

# No init system here: make sure postinst scripts (docker.io, openssh-server,
# ...) do not try to start services. Only add the policy if none exists and
# remove it again afterwards.
policy=/usr/sbin/policy-rc.d
own_policy=0
cleanup() {
  if [[ $own_policy -eq 1 ]]; then rm -f "$policy"; fi
}
trap cleanup EXIT
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# added by kiln scripts/install-deps.sh while installing\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  own_policy=1
fi

apt_opts=(-q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

run() {
  if ! "$@" >>"$log" 2>&1; then
    echo "install-deps: failed: $*" >&2
    echo "---- last lines of $log ----" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

run apt-get "${apt_opts[@]}" update
run apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"

# Verify.
still=()
for p in "${missing[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$st" == installed ]] || still+=("$p")
done
[[ ${#still[@]} -eq 0 ]] || die "still not installed: ${still[*]} (log: $log)"
rm -f "$log"
