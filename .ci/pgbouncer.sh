#!/usr/bin/env bash
# Starts PgBouncer in transaction pooling mode on 127.0.0.1:${PGBOUNCER_PORT:-6434} in front of the PostgreSQL on
# 127.0.0.1:5432 (trust auth, like the test cluster), for the integration-pgbouncer test project. Idempotent.
set -euo pipefail
port="${PGBOUNCER_PORT:-6434}"
dir="${PGBOUNCER_DIR:-/tmp/mailkit-pgbouncer}"
if pg_isready -h 127.0.0.1 -p "$port" -q 2>/dev/null; then echo "PgBouncer already on $port"; exit 0; fi
mkdir -p "$dir"
cat > "$dir/pgbouncer.ini" <<INI
[databases]
; every database of the server; connections' time zone is UTC (MailKit's pg pool asks for it with a startup
; "options" parameter, which PgBouncer cannot pass on, so it is set here and the parameter ignored)
* = host=127.0.0.1 port=5432 timezone=UTC

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 40
ignore_startup_parameters = options,extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
echo '"postgres" ""' > "$dir/userlist.txt"
chmod -R a+rwX "$dir"
# PgBouncer refuses to run as root: as root it drops to the postgres user.
if [ "$(id -u)" -eq 0 ]; then pgbouncer -d -u postgres "$dir/pgbouncer.ini"; else pgbouncer -d "$dir/pgbouncer.ini"; fi
for _ in $(seq 1 20); do pg_isready -h 127.0.0.1 -p "$port" -q 2>/dev/null && break; sleep 0.5; done
psql "postgresql://postgres@127.0.0.1:$port/postgres" -tAc 'select 1' >/dev/null
echo "PgBouncer (transaction pooling) on 127.0.0.1:$port"
