#!/usr/bin/env bash
# The main job: check and describe the example template, then build it.
# Until kiln's docker builder lands, this validates and inspects the template.
set -euo pipefail
kiln=$(realpath "${1:-build/kiln}")
cd "$(dirname "$0")/../examples"
"$kiln" validate -var-file=creds.json debian-java.json
"$kiln" inspect debian-java.json
