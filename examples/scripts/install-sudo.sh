#!/bin/sh
# Installs sudo and curl, only when sudo is missing.
set -e
if ! command -v sudo >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y sudo curl
fi
