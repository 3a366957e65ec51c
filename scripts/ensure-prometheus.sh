#!/bin/sh
# Makes sure Debian's Prometheus (prometheus and promtool) is installed for the metrics tests
# against a real server. Exits 0 when it is there; otherwise installs it with apt-get (CI runs
# as root, no stdin); fails with a clear message when it cannot.
set -eu

if [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-prometheus: /usr/bin/prometheus is missing and apt-get is not available; install Debian's prometheus package" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-prometheus: /usr/bin/prometheus is missing; run as root: apt-get update && apt-get install -y prometheus" >&2
    exit 1
  fi
else
  SUDO=""
fi

echo "ensure-prometheus: installing prometheus with apt-get" >&2
if ! { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends prometheus; } </dev/null; then
  echo "ensure-prometheus: apt-get install -y prometheus failed" >&2
  exit 1
fi
# The package's service is not wanted: tests start their own server on a free port.
pkill -x prometheus 2>/dev/null || true

if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
  echo "ensure-prometheus: prometheus installed but /usr/bin/prometheus or promtool is still missing" >&2
  exit 1
fi
