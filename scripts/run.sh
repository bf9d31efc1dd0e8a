#!/usr/bin/env bash
# Installs what is missing, builds, makes sure the local libvirt is running, and starts the daemon on
# its embedded defaults (https://127.0.0.1:8443, data in /var/lib/kumo as root). Extra arguments go to
# `kumo serve`, e.g. `bash scripts/run.sh --simulate 3`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR=$PWD
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target kumo
bash scripts/host-setup.sh || echo "run: local libvirt is not available; Kumo starts without a local host"
exec build/src/app/kumo serve "$@"
