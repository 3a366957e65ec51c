#!/bin/sh
# A private Redis server for the fleet tests, the benchmark and the fleet example:
#
#   sh scripts/redis.sh start   # prints redis://127.0.0.1:<port>; the server runs in the background
#   sh scripts/redis.sh url     # prints the running server's URL
#   sh scripts/redis.sh stop    # stops it and removes its folder
#
# Debian's redis-server (`sh scripts/ensure-debian.sh redis-server /usr/bin/redis-server`
# installs it), on 127.0.0.1 only, on a free port, with no persistence, in a private folder
# (TRIPSTATE_REDIS_DIR, default $TMPDIR/tripstate-redis-<uid>). `start` waits at most 10 s for
# the server to answer PING and fails with its log otherwise.
set -eu

REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
DIR=${TRIPSTATE_REDIS_DIR:-${TMPDIR:-/tmp}/tripstate-redis-$(id -u)}

running_pid() {
  [ -f "$DIR/redis.pid" ] || return 1
  pid=$(cat "$DIR/redis.pid")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

case "${1:-}" in
  start)
    if running_pid >/dev/null; then
      cat "$DIR/url"
      exit 0
    fi
    if [ ! -x "$REDIS_SERVER" ]; then
      echo "redis.sh: $REDIS_SERVER is missing (as root: sh scripts/ensure-debian.sh redis-server $REDIS_SERVER)" >&2
      exit 1
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    port=$(node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --protected-mode yes --dir "$DIR" \
      --save '' --appendonly no --daemonize yes --pidfile "$DIR/redis.pid" \
      --logfile "$DIR/redis.log" --loglevel warning
    i=0
    until node -e "
      const c=require('node:net').connect($port,'127.0.0.1',()=>c.write('PING\r\n'));
      c.on('data',(d)=>process.exit(String(d).startsWith('+PONG')?0:1));
      c.on('error',()=>process.exit(1));" 2>/dev/null; do
      i=$((i + 1))
      if [ "$i" -ge 100 ]; then
        echo "redis.sh: redis-server did not answer on port $port within 10 s:" >&2
        cat "$DIR/redis.log" >&2 || true
        exit 1
      fi
      sleep 0.1
    done
    echo "redis://127.0.0.1:$port" > "$DIR/url"
    cat "$DIR/url"
    ;;
  url)
    if ! running_pid >/dev/null; then
      echo "redis.sh: no server running (sh scripts/redis.sh start)" >&2
      exit 1
    fi
    cat "$DIR/url"
    ;;
  stop)
    if pid=$(running_pid); then
      kill "$pid"
      i=0
      while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
        i=$((i + 1))
        sleep 0.1
      done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: sh scripts/redis.sh start|url|stop" >&2
    exit 2
    ;;
esac
