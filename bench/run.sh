#!/usr/bin/env bash
# Runs every benchmark in bench/ against Packer 1.6.6, side by side.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/validate.sh" "$@"
bash "$here/hcl_validate.sh" "$@"
bash "$here/docker_build.sh" "$@"
