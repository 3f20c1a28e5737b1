#!/usr/bin/env bash
# The stack from Debian's binaries, for machines without a Docker engine: now `vigil up` (free
# loopback ports, state under .vigil/, every receiver to a local notification sink; Ctrl-C stops
# everything). Arguments go to `vigil up` (--detach, --demo, --port-base N).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node packages/cli/dist/bundle/vigil.mjs up "$@"
