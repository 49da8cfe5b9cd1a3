# Sourced by run.sh: a five-node stand-in cluster made of real processes of the built
# distribution (as e2e's LocalCluster makes it), each "host" on its own 127.0.1.x address.
# Needs: DIST (the distribution), BENCH_DIR (a fresh folder).

NODES="km1 pub1 store1 tm1 gw1"
declare -A ROLE=([km1]=key-manager [pub1]=publisher [store1]=store [tm1]=traffic-manager [gw1]=gateway)
declare -A ADDR=([km1]=127.0.1.1 [pub1]=127.0.1.2 [store1]=127.0.1.3 [tm1]=127.0.1.4 [gw1]=127.0.1.5)
PIDS=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

# cluster_up DIR START_DELAY: controller, and per node a stand-in home (copies of one), a token, join and run.
cluster_up() {
  local dir=$1 delay=$2
  CDIR=$dir; CSTATE=$dir/controller; mkdir -p "$dir/logs" "$dir/homes" "$dir/hosts"
  API_PORT=$(free_port); BRIDGE_PORT=$(free_port)
  "$DIST/bin/fleet" init --state "$CSTATE" --advertise "127.0.0.1:$API_PORT" >"$dir/logs/init.log" 2>&1
  controller_start
  local n first=${NODES%% *} joins=()
  "$DIST/bin/apim-standin" make-home --start-delay "$delay" "$dir/homes/$first" >"$dir/logs/make-home.log" 2>&1
  for n in $NODES; do
    [ "$n" = "$first" ] || cp -a "$dir/homes/$first" "$dir/homes/$n"
    node_join "$n" "$dir/homes/$n"; joins+=("$JOIN_PID")
  done
  wait "${joins[@]}" || echo "a join failed (see $dir/logs/join-*.log)" >&2
  for n in $NODES; do node_run "$n"; done
  await_connected 5 60
}

controller_start() {
  "$DIST/bin/fleet" controller run --state "$CSTATE" --bind 127.0.0.1 --api-port "$API_PORT" \
      --bridge-port "$BRIDGE_PORT" --heartbeat-timeout 11s >>"$CDIR/logs/controller.log" 2>&1 &
  CONTROLLER_PID=$!; PIDS+=("$CONTROLLER_PID")
  local i
  for i in $(seq 1 300); do
    api /v1/agents >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "controller did not come up: $(tail -20 "$CDIR/logs/controller.log")" >&2; return 1
}

# join_tokens --node NAME [--count N]: fleet token create on the controller's state (one command at a
# time: each writes it), printed as "NODE TOKEN CA_HASH" lines from the join commands it prints.
join_tokens() {
  "$DIST/bin/fleet" token create --state "$CSTATE" "$@" \
    | sed -n 's/.*--node \([^ ]*\) --token \([^ ]*\) --ca-hash \(sha256:[0-9a-f]*\).*/\1 \2 \3/p'
}
# node_join NODE HOME: a token, then fleet-agent join in the background, its pid in JOIN_PID.
node_join() {
  local n=$1 home=$2 token hash
  read -r _ token hash < <(join_tokens --node "$n")
  FLEET_JOIN_TOKEN=$token "$DIST/bin/fleet-agent" join --controller "https://127.0.0.1:$API_PORT" --node "$n" \
      --ca-hash "$hash" --state "$CDIR/hosts/$n" --home "$home" >"$CDIR/logs/join-$n.log" 2>&1 &
  JOIN_PID=$!
}
# node_run NODE: fleet-agent run of a joined node, in the background.
node_run() {
  "$DIST/bin/fleet-agent" run --state "$CDIR/hosts/$1" >"$CDIR/logs/agent-$1.log" 2>&1 &
  AGENT_PID[$1]=$!; PIDS+=("${AGENT_PID[$1]}")
}
declare -A AGENT_PID

fleet_cmd() { "$DIST/bin/fleet" "$@" --state "$CSTATE"; }
# api PATH [curl args]: the controller's API with the admin certificate (no JVM start).
api() {
  local path=$1; shift
  curl -sS --cacert "$CSTATE/admin/ca.crt" --cert "$CSTATE/admin/admin.crt" --key "$CSTATE/admin/admin.key" \
      "https://127.0.0.1:$API_PORT$path" "$@"
}
connected_count() { api /v1/agents 2>/dev/null | { grep -o '"connected":true' || true; } | wc -l; }  # 0 too: grep finds none

await_connected() {
  local want=$1 secs=$2 i c
  for i in $(seq 1 $((secs * 5))); do
    c=$(connected_count)
    [ "$c" -ge "$want" ] && return 0
    sleep 0.2
  done
  echo "only $c of $want agents connected after ${secs}s" >&2; fleet_cmd agents >&2 || true; return 1
}

# spec FILE ROLLOUT: the five-node spec with the given rollout block.
write_spec() {
  local file=$1 rollout=$2 n
  {
    echo "apiVersion: apim-fleet/v1"
    echo "cluster: bench"
    echo "product: { javaHome: \"$JAVA_HOME_FOR_STANDIN\" }"
    echo 'admin: { username: admin, password: "${secret:admin-password}" }'
    echo "jvm: { heap: { default: 64m } }"
    echo "nodes:"
    for n in $NODES; do
      echo "  - { name: $n, role: ${ROLE[$n]}, host: ${ADDR[$n]}, home: \"$CDIR/homes/$n\" }"
    done
    echo "rollout: $rollout"
  } >"$file"
}

# Stops the agents and the controller, then every stand-in (they outlive their agents by design).
cluster_down() {
  local p n
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for n in $NODES; do   # no cluster (CDIR unset) when only the scale section ran
    [ -n "${CDIR:-}" ] && [ -f "$CDIR/homes/$n/wso2carbon.pid" ] && kill "$(cat "$CDIR/homes/$n/wso2carbon.pid")" 2>/dev/null || true
  done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
