#!/usr/bin/env bash
# Installs what is missing, builds, starts private servers, runs every test, stops the
# servers. The README's second command and the body of .ci/run.
#
#   scripts/test.sh           RelWithDebInfo build in build/
#   scripts/test.sh --asan    ASan + UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-normal}
case "$mode" in
  normal) build_dir=build; cmake_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  --asan) build_dir=build-asan; cmake_flags=(-DCMAKE_BUILD_TYPE=Debug -DMALLSIM_SANITIZE=ON) ;;
  *) echo "usage: $0 [--asan]" >&2; exit 2 ;;
esac

scripts/install-deps.sh

cmake -S . -B "$build_dir" "${cmake_flags[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"

# Servers for the conformance tests: their own ports and folder, so they never meet a
# developer's servers; stopped by PID whatever happens.
export MALLSIM_SERVERS_DIR=${MALLSIM_SERVERS_DIR:-/tmp/mallsim-test-servers-$$}
export MALLSIM_REDIS_PORT=${MALLSIM_TEST_REDIS_PORT:-6391}
export MALLSIM_AMQP_PORT=${MALLSIM_TEST_AMQP_PORT:-5680}
export MALLSIM_PG_PORT=${MALLSIM_TEST_PG_PORT:-5440}
trap 'scripts/servers.sh stop || true; rm -rf "$MALLSIM_SERVERS_DIR"' EXIT
scripts/servers.sh start

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build_dir"
ctest --output-on-failure -j"$(nproc)" --timeout 900
