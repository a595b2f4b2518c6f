#!/usr/bin/env bash
# Prove the Docker test world works: engine up, base image present, and a
# container reaches Debian's mirror. Quiet on success except for "docker-smoke: ok".
#
# Usage: scripts/docker-smoke.sh [IMAGE]     (default IMAGE: debian:bookworm)
# Note: plain `apt-get update` exits 0 even when every fetch fails, hence
# --error-on=any (apt >= 2.3).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
image=${1:-debian:bookworm}

"$here/start-dockerd.sh"
"$here/base-image.sh" "$image" >/dev/null
if ! out=$(timeout 120 docker run --rm "$image" sh -c 'apt-get update --error-on=any' 2>&1); then
  echo "docker-smoke: container could not reach the Debian mirror:" >&2
  echo "$out" | tail -n 15 >&2
  exit 1
fi
echo "docker-smoke: ok"
