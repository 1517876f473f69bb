#!/bin/sh
# run-baseline.sh: build the bare C Lua host and time one `settle` call of
# policies/tbill.lua, plain and with the sandbox's instruction-count hook.
#
# Usage: bench/baseline/run-baseline.sh [ITERATIONS] [POLICY]
#   ITERATIONS  calls to time (default 100000; a warm-up of ITERATIONS/10 runs first)
#   POLICY      policy file (default policies/tbill.lua)
# Prints the decision of the first call, then one JSON line per mode.
# Needs cc and Lua 5.4 development files (pkg-config lua5.4); installs nothing.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
iterations=${1:-100000}
policy=${2:-$root/policies/tbill.lua}

if ! command -v cc >/dev/null 2>&1; then
  echo "run-baseline.sh: no C compiler: 'cc' is not on PATH" >&2
  exit 2
fi
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists lua5.4; then
  echo "run-baseline.sh: Lua 5.4 development files not found (pkg-config lua5.4);" \
       "on Debian/Ubuntu: apt-get install liblua5.4-dev pkg-config" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# shellcheck disable=SC2046  # pkg-config output is meant to split into flags
cc -O2 $(pkg-config --cflags lua5.4) "$root/bench/baseline/baseline_host.c" \
  $(pkg-config --libs lua5.4) -o "$tmp/baseline_host"

"$tmp/baseline_host" "$policy" "$root/stdlib" "$iterations" --print-decision
"$tmp/baseline_host" "$policy" "$root/stdlib" "$iterations" --hook
