#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on loopback, then stop it.
# Exposes HAI_TEST_DATABASE_URL to the command.
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found; run: make system-deps" >&2; exit 1; }

DIR=$(mktemp -d /tmp/hai-pg.XXXXXX)
PORT=${HAI_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')}
AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$DIR"
  AS=(runuser -u postgres --)
fi

cleanup() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

"${AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null

export HAI_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
# For the fault tests that restart the server under load (tests/reliability).
export HAI_TEST_PG_DATA="$DIR/data" HAI_TEST_PG_BIN="$PGBIN" HAI_TEST_PG_AS="${AS[*]:-}"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
"$@"
