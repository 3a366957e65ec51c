#!/bin/sh
# Makes sure Debian's Chromium is at /usr/bin/chromium for the dashboard's browser tests.
# Exits 0 when it is there. Outside CI (CI unset) a missing browser is not an error: the
# browser tests skip with one line saying so. In CI (CI=true) it installs chromium with
# apt-get (as root, or with password-less sudo) and fails with a clear message when it cannot.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

case "${CI:-}" in
  1 | true | TRUE | True) ;;
  *)
    echo "ensure-chromium: $CHROMIUM is missing; the dashboard browser tests will be skipped (as root: apt-get install -y chromium; CI=true makes this an error)" >&2
    exit 0
    ;;
esac

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available; install Debian's chromium package" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-chromium: $CHROMIUM is missing; run as root: apt-get update && apt-get install -y chromium" >&2
    exit 1
  fi
else
  SUDO=""
fi

echo "ensure-chromium: installing chromium with apt-get" >&2
if ! { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium; } </dev/null; then
  echo "ensure-chromium: apt-get install -y chromium failed" >&2
  exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: chromium installed but $CHROMIUM is still missing" >&2
  exit 1
fi
