#!/usr/bin/env bash
# Installs the player harness's pinned dependencies from package-lock.json.
# A separate step on purpose: test runs never install anything.
set -euo pipefail
cd "$(dirname "$0")"
exec npm ci --no-audit --no-fund "$@"
