#!/bin/sh
# Makes sure a Debian package that the tests need is installed, by the binaries it provides:
#
#   sh scripts/ensure-debian.sh [--skip-outside-ci] PACKAGE BINARY...
#
# Exits 0 when every BINARY is executable. Otherwise it installs PACKAGE with apt-get (as root,
# or with password-less sudo; no stdin) and fails with a clear message when it cannot. With
# --skip-outside-ci, a missing package is not an error outside CI (CI unset): the tests that
# need it skip with one line saying so, and this script prints one line and exits 0. In CI
# (CI=true) a missing package is always installed or an error. A service the package starts
# on install is stopped: the tests start their own servers on 127.0.0.1 and free ports.
set -eu

SKIP_OUTSIDE_CI=0
if [ "${1:-}" = "--skip-outside-ci" ]; then
  SKIP_OUTSIDE_CI=1
  shift
fi
if [ "$#" -lt 2 ]; then
  echo "usage: sh scripts/ensure-debian.sh [--skip-outside-ci] PACKAGE BINARY..." >&2
  exit 2
fi
PACKAGE=$1
shift

missing=""
for binary in "$@"; do
  [ -x "$binary" ] || missing="$missing $binary"
done
[ -z "$missing" ] && exit 0

in_ci=0
case "${CI:-}" in
  1 | true | TRUE | True) in_ci=1 ;;
esac

if [ "$SKIP_OUTSIDE_CI" -eq 1 ] && [ "$in_ci" -eq 0 ]; then
  echo "ensure-debian:$missing missing; the tests that need $PACKAGE will be skipped (as root: apt-get install -y $PACKAGE; CI=true makes this an error)" >&2
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-debian:$missing missing and apt-get is not available; install Debian's $PACKAGE package" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-debian:$missing missing; run as root: apt-get update && apt-get install -y $PACKAGE" >&2
    exit 1
  fi
else
  SUDO=""
fi

echo "ensure-debian: installing $PACKAGE with apt-get" >&2
if ! { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "$PACKAGE"; } </dev/null; then
  echo "ensure-debian: apt-get install -y $PACKAGE failed" >&2
  exit 1
fi
# A service started by the package's install is not wanted.
for binary in "$@"; do
  $SUDO pkill -x "$(basename "$binary")" 2>/dev/null || true
done

for binary in "$@"; do
  if [ ! -x "$binary" ]; then
    echo "ensure-debian: $PACKAGE installed but $binary is still missing" >&2
    exit 1
  fi
done
