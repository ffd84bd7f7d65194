#!/usr/bin/env bash
# Starts (or stops) private redis-server, rabbitmq-server and PostgreSQL instances on
# loopback, non-default ports, for the conformance tests. Every server is stopped by the PID
# it wrote; nothing shared (/var/lib/*, default ports) is touched.
#
#   scripts/servers.sh start [redis] [rabbitmq] [postgres]   (default: all three)
#   scripts/servers.sh stop
#   scripts/servers.sh env     prints the MALLSIM_* variables the tests read
#
# State lives in $MALLSIM_SERVERS_DIR (default: /tmp/mallsim-servers-$UID). Ports can be
# moved with MALLSIM_REDIS_PORT, MALLSIM_AMQP_PORT and MALLSIM_PG_PORT.
set -euo pipefail

RT=${MALLSIM_SERVERS_DIR:-/tmp/mallsim-servers-$(id -u)}
REDIS_PORT=${MALLSIM_REDIS_PORT:-6390}
AMQP_PORT=${MALLSIM_AMQP_PORT:-5679}
AMQP_DIST_PORT=$((AMQP_PORT + 20000))
PG_PORT=${MALLSIM_PG_PORT:-5439}

log() { echo "servers: $*" >&2; }

# Fails at once when something already listens on the port (a stray server from an earlier
# run would otherwise make the new one fail slowly and obscurely).
port_free() {  # port_free PORT NAME
  if ss -ltn "( sport = :$1 )" 2>/dev/null | grep -q LISTEN; then
    log "port $1 for $2 is already in use: stop what listens there or move the port"
    ss -ltnp "( sport = :$1 )" >&2 || true
    return 1
  fi
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then log "$what not ready after ${limit}s"; return 1; fi
    sleep 0.2
  done
}

start_redis() {
  mkdir -p "$RT/redis"
  if [ -f "$RT/redis/redis.pid" ] && kill -0 "$(cat "$RT/redis/redis.pid")" 2>/dev/null; then
    log "redis already running on $REDIS_PORT"; return 0
  fi
  port_free "$REDIS_PORT" redis
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
    --pidfile "$RT/redis/redis.pid" --dir "$RT/redis" --logfile "$RT/redis/redis.log" \
    --save '' --appendonly no
  wait_for 10 redis sh -c "redis-cli -p $REDIS_PORT ping | grep -q PONG"
  log "redis on 127.0.0.1:$REDIS_PORT"
}

# The environment of the private RabbitMQ node (server and CLI alike).
rmq_vars() {
  RMQ_VARS=(HOME="$RT/rmq/home" RABBITMQ_NODENAME=mallsim_rabbit@localhost
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$AMQP_PORT"
    RABBITMQ_DIST_PORT="$AMQP_DIST_PORT" RABBITMQ_MNESIA_BASE="$RT/rmq/mnesia"
    RABBITMQ_LOG_BASE="$RT/rmq/log" RABBITMQ_PID_FILE="$RT/rmq/rabbit.pid"
    RABBITMQ_CONFIG_FILE="$RT/rmq/rabbitmq"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RT/rmq/enabled_plugins" ERL_EPMD_ADDRESS=127.0.0.1
    ERL_EPMD_PORT=$((AMQP_PORT + 1000))
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
}
rmq_env() { rmq_vars; env "${RMQ_VARS[@]}" "$@"; }

start_rabbitmq() {
  mkdir -p "$RT/rmq/home" "$RT/rmq/mnesia" "$RT/rmq/log"
  if [ -f "$RT/rmq/rabbit.pid" ] && kill -0 "$(cat "$RT/rmq/rabbit.pid")" 2>/dev/null; then
    log "rabbitmq already running on $AMQP_PORT"; return 0
  fi
  port_free "$AMQP_PORT" rabbitmq
  port_free "$AMQP_DIST_PORT" "rabbitmq distribution"
  port_free $((AMQP_PORT + 1000)) epmd
  printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\n' "$AMQP_PORT" \
    > "$RT/rmq/rabbitmq.conf"
  echo '[].' > "$RT/rmq/enabled_plugins"
  local epmd
  epmd=$(ls /usr/lib/erlang/erts-*/bin/epmd | head -1)
  # Started directly (no wrapper), so $! is the process itself.
  "$epmd" -address 127.0.0.1 -port $((AMQP_PORT + 1000)) > "$RT/rmq/epmd.log" 2>&1 < /dev/null &
  echo $! > "$RT/rmq/epmd.pid"
  rmq_vars
  setsid env "${RMQ_VARS[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server \
    > "$RT/rmq/stdout.log" 2>&1 < /dev/null &
  # The launcher leads its own process group: on failure the whole group goes, so no broker
  # is left behind before it has written its pid file.
  echo $! > "$RT/rmq/launcher.pid"
  if ! wait_for 180 rabbitmq rmq_env /usr/lib/rabbitmq/bin/rabbitmqctl \
      -n mallsim_rabbit@localhost await_startup --timeout 30; then
    tail -n 20 "$RT/rmq/stdout.log" "$RT"/rmq/log/*.log >&2 || true
    kill -KILL -- "-$(cat "$RT/rmq/launcher.pid")" 2>/dev/null || true
    return 1
  fi
  log "rabbitmq on 127.0.0.1:$AMQP_PORT"
}

start_postgres() {
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  if [ -f "$RT/pg/data/postmaster.pid" ] && \
     kill -0 "$(head -1 "$RT/pg/data/postmaster.pid")" 2>/dev/null; then
    log "postgres already running on $PG_PORT"; return 0
  fi
  install -d -o postgres -g postgres "$RT/pg"
  if [ ! -f "$RT/pg/data/PG_VERSION" ]; then
    su postgres -c "$pgbin/initdb -D $RT/pg/data -A trust -U postgres --no-sync" >/dev/null
  fi
  su postgres -c "$pgbin/pg_ctl -D $RT/pg/data -l $RT/pg/server.log -w \
    -o '-p $PG_PORT -k $RT/pg -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null
  wait_for 20 postgres pg_isready -h 127.0.0.1 -p "$PG_PORT"
  log "postgres on 127.0.0.1:$PG_PORT"
}

stop_pidfile() {  # stop_pidfile FILE SIGNAL NAME
  local file=$1 sig=$2 name=$3
  [ -f "$file" ] || return 0
  local pid
  pid=$(head -1 "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    log "stopped $name ($pid)"
  fi
  rm -f "$file"
}

stop_all() {
  stop_pidfile "$RT/redis/redis.pid" TERM redis
  stop_pidfile "$RT/rmq/rabbit.pid" TERM rabbitmq
  if [ -f "$RT/rmq/launcher.pid" ]; then
    kill -TERM -- "-$(cat "$RT/rmq/launcher.pid")" 2>/dev/null || true
    rm -f "$RT/rmq/launcher.pid"
  fi
  stop_pidfile "$RT/rmq/epmd.pid" TERM epmd
  stop_pidfile "$RT/pg/data/postmaster.pid" INT postgres
}

print_env() {
  echo "export MALLSIM_REDIS_PORT=$REDIS_PORT"
  echo "export MALLSIM_AMQP_PORT=$AMQP_PORT"
  echo "export MALLSIM_PG_PORT=$PG_PORT"
}

cmd=${1:-}
shift || true
case "$cmd" in
  start)
    want=("$@"); [ ${#want[@]} -eq 0 ] && want=(redis rabbitmq postgres)
    for s in "${want[@]}"; do
      case "$s" in
        redis) start_redis ;;
        rabbitmq) start_rabbitmq ;;
        postgres) start_postgres ;;
        *) log "unknown server '$s' (allowed: redis rabbitmq postgres)"; exit 2 ;;
      esac
    done ;;
  stop) stop_all ;;
  env) print_env ;;
  *) echo "usage: $0 start [redis|rabbitmq|postgres]... | stop | env" >&2; exit 2 ;;
esac
