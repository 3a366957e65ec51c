#!/usr/bin/env bash
# Instructions per operation of one scenario-9 variant (bench/windows/variants.ts), counted by
# valgrind instead of timed, so that other processes on the machine cannot move the figure:
#   bench/windows/count-instructions.sh windowed   (also: floor, plain, windowedPair, samplingPair)
# The variant is bundled once (esbuild), then run under cachegrind with V8 made deterministic
# (one thread, a fixed GC schedule and seeds) for 200,000 warm-up operations plus 100,000, and
# plus 500,000; the difference of the two totals over 400,000 is the figure (startup cancels).
# Needs valgrind; about a minute per variant.
set -euo pipefail
variant="${1:?usage: count-instructions.sh <variant>}"
. "$(dirname "$0")/bundle-variant.sh" count-instructions
count() {
  setarch -R valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    node --single-threaded --predictable-gc-schedule --hash-seed=1 --random-seed=1 \
    "$work/entry.mjs" "$variant" "$1" 2>&1 | awk '/I *refs/ { gsub(",", "", $NF); print $NF }'
}
count 100000 > "$work/a" & count 500000 > "$work/b" & wait
echo "$variant: $(( ($(cat "$work/b") - $(cat "$work/a")) / 400000 )) instructions per operation"
