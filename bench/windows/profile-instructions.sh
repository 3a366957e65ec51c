#!/usr/bin/env bash
# Where one scenario-9 variant's instructions go, per function (builtins by name, optimised
# JavaScript by the name V8 gives its code), counted as count-instructions.sh counts:
#   bench/windows/profile-instructions.sh windowed
# Runs the bundle under callgrind at 100,000 and 500,000 operations after 200,000 of warm-up,
# with `--perf-basic-prof` so that the addresses of V8's compiled code can be named from
# /tmp/perf-<pid>.map, and prints each function's instructions per operation (the difference of
# the two runs over 400,000). Needs valgrind and callgrind_annotate; about a minute.
set -euo pipefail
variant="${1:?usage: profile-instructions.sh <variant>}"
. "$(dirname "$0")/bundle-variant.sh" profile-instructions
run() {
  # `exec`: the pid recorded is node's own (setarch and valgrind replace the process), the name of its map.
  (cd "$work" && exec setarch -R valgrind --tool=callgrind --callgrind-out-file="$work/out.$1" \
    node --single-threaded --predictable-gc-schedule --hash-seed=1 --random-seed=1 --perf-basic-prof \
    "$work/entry.mjs" "$variant" "$1" > /dev/null 2>&1) &
  echo $! > "$work/pid.$1"
  wait
}
run 100000 & run 500000 & wait
for n in 100000 500000; do
  callgrind_annotate --inclusive=no --threshold=100 "$work/out.$n" > "$work/annotated.$n"
done
trap 'rm -rf "$work" "/tmp/perf-$(cat "$work/pid.100000").map" "/tmp/perf-$(cat "$work/pid.500000").map"' EXIT
node - "$work" "$variant" <<'JS'
const { readFileSync } = require('node:fs');
const [work, variant] = process.argv.slice(2);
const perOp = (n) => {
  const rows = new Map();
  for (const line of readFileSync(`${work}/annotated.${n}`, 'utf8').split('\n')) {
    const m = /^\s*([\d,]+)\s+\([^)]*\)\s+(?:\?\?\?:)?(.*?)(?: \[[^\]]*\])?$/.exec(line);
    if (m) rows.set(m[2], Number(m[1].replaceAll(',', '')));
  }
  return rows;
};
const names = new Map();
for (const n of [100000, 500000]) {
  const pid = readFileSync(`${work}/pid.${n}`, 'utf8').trim();
  for (const line of readFileSync(`/tmp/perf-${pid}.map`, 'utf8').split('\n')) {
    const [address, , ...name] = line.split(' ');
    if (name.length > 0) names.set(Number.parseInt(address, 16), name.join(' ').replace(/file:\/\/\S*\//, ''));
  }
}
const bundle = readFileSync(`${work}/entry.mjs`, 'utf8').split('\n');
const [a, b] = [perOp(100000), perOp(500000)];
const rows = [...new Set([...a.keys(), ...b.keys()])]
  .map((key) => [((b.get(key) ?? 0) - (a.get(key) ?? 0)) / 400_000, key])
  .filter(([n]) => Math.abs(n) >= 1)
  .sort((x, y) => y[0] - x[0]);
console.log(`${variant}: instructions per operation, by function`);
for (const [n, key] of rows) {
  const address = /^0x([0-9a-f]+)$/.exec(key);
  const name = address ? (names.get(Number.parseInt(address[1], 16)) ?? key) : key;
  // An anonymous function is named by its place in the bundle: show its first characters.
  const at = /entry\.mjs:(\d+):(\d+)$/.exec(name);
  const text = at ? ` ${JSON.stringify(bundle[Number(at[1]) - 1]?.slice(Number(at[2]) - 1, Number(at[2]) + 50))}` : '';
  console.log(`${n.toFixed(1).padStart(8)}  ${name}${text}`);
}
JS
