#!/usr/bin/env bash
# Build a minimal Debian base image locally (no registry needed) and print its id.
#
# Usage: scripts/base-image.sh [NAME]        (default NAME: debian:bookworm)
#
# If NAME already exists in the local Docker engine, only its id is printed.
# Otherwise: debootstrap --variant=minbase SUITE into a temp dir, tar it and
# `docker import` it as NAME (CMD ["bash"], PATH set, like the official image).
#
# Environment:
#   KILN_BASE_SUITE   Debian suite to bootstrap   (default: bookworm)
#   KILN_BASE_MIRROR  Debian mirror               (default: http://deb.debian.org/debian)
#   KILN_BASE_FORCE=1 rebuild even if NAME exists
# Needs: root, debootstrap (scripts/install-deps.sh docker) and a running
# engine (scripts/start-dockerd.sh).
set -euo pipefail

die() { echo "base-image: $*" >&2; exit 1; }

name=${1:-debian:bookworm}
suite=${KILN_BASE_SUITE:-bookworm}
mirror=${KILN_BASE_MIRROR:-http://deb.debian.org/debian}

command -v docker >/dev/null || die "docker CLI not found (run scripts/install-deps.sh docker)"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "Docker engine not answering (run scripts/start-dockerd.sh)"

if [[ "${KILN_BASE_FORCE:-0}" != 1 ]] && id=$(docker image inspect --format '{{.Id}}' "$name" 2>/dev/null); then
  echo "$id"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || die "need root for debootstrap"
command -v debootstrap >/dev/null || die "debootstrap not found (run scripts/install-deps.sh docker)"

work=$(mktemp -d /var/tmp/kiln-base-image.XXXXXX)
root="$work/rootfs"
log="$work/debootstrap.log"

cleanup() {
  local rc=$?
  # debootstrap mounts /proc and /sys inside the target; never let rm cross
  # into a leftover mount.
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r)
  if [[ $rc -ne 0 && -f "$log" ]]; then
    echo "---- last lines of debootstrap log ----" >&2
    tail -n 25 "$log" >&2 || true
  fi
  rm -rf --one-file-system "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$log" 2>&1; then
  die "debootstrap $suite from $mirror failed"
fi

# apt sources like the official image: main + updates + security (deb822).
security_mirror=${mirror%/debian}/debian-security
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

# Slim it down and make apt/dpkg container friendly.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
       "$root"/var/log/*.log "$root"/tmp/* "$root"/var/tmp/*
printf 'APT::Install-Recommends "false";\n' >"$root/etc/apt/apt.conf.d/99kiln-no-recommends"
: >"$root/etc/hostname"
: >"$root/etc/resolv.conf"    # the engine bind-mounts its own over it

tar --numeric-owner --xattrs -C "$root" \
    --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* \
    -cf - . \
  | docker import \
      --change 'CMD ["bash"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --message "kiln scripts/base-image.sh: debootstrap --variant=minbase $suite" \
      - "$name" >/dev/null \
  || die "docker import failed"

docker image inspect --format '{{.Id}}' "$name"
