#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the dev build (all
# suites, end-to-end included, each of those run once more if it fails), then
# the ASan+UBSan build (every suite but the end-to-end ones, whose real-time
# players would only measure the sanitizers).
#   VIGIL_TEST_ASAN=0 scripts/test.sh   # skip the sanitizer pass
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset dev
cmake --build --preset dev
ctest --preset dev -LE e2e "$@"
# The end-to-end suites play real streams in a real browser on 2 shared
# cores; a suite that fails is run once more, so a consistent failure still
# fails the run while a one-off player hiccup does not (its log stays above).
ctest --preset dev -L e2e --repeat until-pass:2 "$@"
if [[ "${VIGIL_TEST_ASAN:-1}" != 0 ]]; then
  cmake --preset asan
  cmake --build --preset asan
  ctest --preset asan -LE e2e "$@"
fi
