#!/usr/bin/env bash
# The main job: build the example image (Debian + Java 17) on the local
# Docker engine with kiln, starting dockerd and making the debian:bookworm
# base image first when they are missing. The template's tag-and-push chain
# needs a registry and lands with the post-processors; -except skips it.
set -euo pipefail
kiln=$(realpath "${1:-build/kiln}")
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/start-dockerd.sh"
bash "$here/base-image.sh" debian:bookworm >/dev/null
cd "$here/../examples"
"$kiln" validate -var-file=creds.json debian-java.json
"$kiln" inspect debian-java.json
"$kiln" build -var-file=creds.json -except=docker-tag debian-java.json
