#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the dev build (all
# suites, end-to-end included), then the ASan+UBSan build (every suite but the
# end-to-end ones, whose real-time players would only measure the sanitizers).
#   VIGIL_TEST_ASAN=0 scripts/test.sh   # skip the sanitizer pass
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset dev
cmake --build --preset dev
ctest --preset dev "$@"
if [[ "${VIGIL_TEST_ASAN:-1}" != 0 ]]; then
  cmake --preset asan
  cmake --build --preset asan
  ctest --preset asan -LE e2e "$@"
fi
