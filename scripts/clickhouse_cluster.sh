#!/usr/bin/env bash
# Two ClickHouse shards on loopback, for the distributed backend's tests (SCALE.md "Cluster recipe").
#   scripts/clickhouse_cluster.sh start DIR [BASE]
#       starts shard 1 (HTTP BASE+1, TCP BASE+877+1) and shard 2 (HTTP BASE+2, TCP BASE+877+2), BASE 8123 by default
#       (HTTP 8124/8125, TCP 9001/9002, interserver 9025/9026), cluster `qb`, data and logs under DIR; refuses ports
#       already in use, and waits until both of its own servers answer /ping
#   scripts/clickhouse_cluster.sh stop DIR    stops them by the pids kept in DIR
# Needs Debian's clickhouse-server (18.16: apt-get install -y clickhouse-server clickhouse-client).
set -euo pipefail
cmd=${1:?start|stop}
dir=$(mkdir -p "${2:?DIR}" && cd "$2" && pwd)
server=$(command -v clickhouse-server || echo /usr/bin/clickhouse-server)
if [ "$cmd" = stop ]; then
  for n in 1 2; do
    if [ -f "$dir/shard$n/pid" ]; then kill "$(cat "$dir/shard$n/pid")" 2>/dev/null || true; fi
  done
  for n in 1 2; do
    pid=$(cat "$dir/shard$n/pid" 2>/dev/null || echo)
    for _ in $(seq 1 50); do { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; } && break; sleep 0.2; done
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/shard$n/pid"
  done
  exit 0
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
base=${3:-8123}
http() { echo $((base + $1)); }
tcp() { echo $((base + 877 + $1)); }
inter() { echo $((base + 901 + $1)); }   # 9025/9026 by default: not Debian's stock 9009
users=/etc/clickhouse-server/users.xml
# Another server on one of our ports would answer /ping in our place: refuse to start.
for n in 1 2; do
  for p in $(http $n) $(tcp $n) $(inter $n); do
    if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
      echo "port $p is already in use on 127.0.0.1 (another ClickHouse?): give another BASE, e.g. $0 start $dir 18300" >&2
      exit 1
    fi
  done
done
for n in 1 2; do
  s="$dir/shard$n"
  mkdir -p "$s/data" "$s/tmp" "$s/log" "$s/user_files" "$s/format_schemas"
  cat > "$s/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$s/log/server.log</log><errorlog>$s/log/error.log</errorlog><size>50M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$(http $n)</http_port>
  <tcp_port>$(tcp $n)</tcp_port>
  <interserver_http_port>$(inter $n)</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>$s/data/</path>
  <tmp_path>$s/tmp/</tmp_path>
  <user_files_path>$s/user_files/</user_files_path>
  <format_schema_path>$s/format_schemas/</format_schema_path>
  <users_config>$users</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers>
    <qb>
      <shard><replica><host>127.0.0.1</host><port>$(tcp 1)</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>$(tcp 2)</port></replica></shard>
    </qb>
  </remote_servers>
</yandex>
XML
  "$server" --config-file="$s/config.xml" > "$s/log/stdout.log" 2>&1 &
  echo $! > "$s/pid"
done
for n in 1 2; do
  for i in $(seq 1 150); do
    if ! kill -0 "$(cat "$dir/shard$n/pid")" 2>/dev/null; then
      echo "clickhouse shard $n exited; see $dir/shard$n/log" >&2; tail -5 "$dir/shard$n/log/"*.log >&2 || true; exit 1
    fi
    if curl -sf "http://127.0.0.1:$(http $n)/ping" > /dev/null 2>&1; then break; fi
    [ "$i" = 150 ] && { echo "clickhouse shard $n did not start; see $dir/shard$n/log" >&2; tail -20 "$dir/shard$n/log/"*.log >&2 || true; exit 1; }
    sleep 0.2
  done
done
echo "clickhouse cluster qb: shards on http://127.0.0.1:$(http 1) and http://127.0.0.1:$(http 2)"
