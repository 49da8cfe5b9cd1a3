#!/usr/bin/env bash
# apim-fleet benchmarks (issue 10): builds the distribution, runs real processes of it on
# loopback addresses 127.0.1.x, 127.0.2.x and 127.0.3.x, prints every figure and writes docs/benchmarks.md.
#
#   bench/run.sh                 # everything (under 15 minutes on 2 cores; the scale section alone about 6)
#   BENCH_ONLY=scale bench/run.sh   # simulated agents at scale only (100, 1,000, 10,000)
#   flock /tmp/apim-fleet-build.lock bench/run.sh     # on a shared machine: nobody builds meanwhile
#
# Environment: BENCH_DIR (work folder, default a new /tmp/apim-fleet-bench.XXXX, kept),
# BENCH_SKIP_BUILD=1, BENCH_RUNS (apply/Ansible pairs, default 5), BENCH_IDLE_SECS (default 300),
# BENCH_APPLIES (default 1000), BENCH_APPLY_FEW (default 100: the other variants' applies), BENCH_APPLY_SECS (their bound, default 300), BENCH_PLAN_NODES (default 50; 0 skips), BENCH_ONLY (space-separated
# sections: orchestration footprint plan scale), BENCH_OUT (default docs/benchmarks.md), BENCH_COMMIT (the
# commit measured, when ROOT is not a git checkout), BENCH_ORCH_BUDGET (seconds into the suite after
# which no new apply/Ansible pair starts, default 1080).
# Simulated agents at scale (section scale, bench/src/main/java/io/apimfleet/bench/ScaleBench.java):
# BENCH_SCALE_SIZES (default "100 1000 10000"), BENCH_SCALE_ROUNDS (broadcasts per size, default 20),
# BENCH_SCALE_IDLE_SECS (the idle window at the largest size, default 30), BENCH_SCALE_IDLE_SMALLER_SECS (at the others, default 20), BENCH_SCALE_RESTART (false: no controller restart at the largest size), BENCH_SCALE_BUDGET (seconds, default 1500), BENCH_SCALE_XMX (the
# simulator's heap, default 3g), BENCH_SCALE_CONTROLLER_OPTS (default: the launcher's options with -Xmx1g).
# BENCH_ONLY=scale alone rewrites only its own parts of docs/benchmarks.md (its figures between the
# scale markers, its two goal rows, and the notes from bench/notes.md); the other figures stay.
# BENCH_ONLY=footprint alike: its block (footprint markers), its goal row and the notes.
# BENCH_SCALE_FROM=DIR writes the figures of an earlier run's scale/ work folder instead of running again.
# Nothing here passes or fails: it measures and reports. Every loop is bounded in count and time.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
BENCH=$ROOT/bench
DIST=$ROOT/packaging/target/apim-fleet
RUNS=${BENCH_RUNS:-5}
IDLE_SECS=${BENCH_IDLE_SECS:-300}
APPLIES=${BENCH_APPLIES:-1000}
PLAN_NODES=${BENCH_PLAN_NODES:-50}
ONLY=${BENCH_ONLY:-orchestration footprint plan scale}
OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d /tmp/apim-fleet-bench.XXXX)}
mkdir -p "$BENCH_DIR"
T_BEGIN=$(date +%s)
# 50 agents and their stand-in copies, each with sockets and jars open: well above 1024 descriptors;
# the scale section holds one socket per simulated agent on each side (10,000 + the JVMs' own files).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true

say() { echo "bench: $*" >&2; }
declare -A BREAKDOWN IDLE_RSS_MB APPLIED_RSS_MB
RESULTS=$BENCH_DIR/results.md   # the figure lines of docs/benchmarks.md, in order
: >"$RESULTS"
figure() { echo "$*" >>"$RESULTS"; echo "  $*" >&2; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
pctl() { sort -n | awk -v p="$1" '{a[NR]=$1} END {if (NR==0) {print "n/a"; exit} i=int(p/100*NR+0.999); if (i<1) i=1; if (i>NR) i=NR; print a[i]}'; }
secs() { awk -v ms="$1" 'BEGIN {printf "%.2f", ms/1000}'; }
elapsed() { echo $(( $(date +%s) - T_BEGIN )); }

# ---------------------------------------------------------------- build and machine
if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  say "building (mvn -o -q install -DskipTests -Pbench)"
  (cd "$ROOT" && mvn -o -q install -DskipTests -Pbench)
fi
if ! command -v ansible-playbook >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    say "installing ansible-core (apt-get install -y --no-install-recommends ansible-core)"
    apt-get install -y --no-install-recommends ansible-core >"$BENCH_DIR/apt.log" 2>&1 || say "ansible-core could not be installed: the comparison is skipped"
  else
    say "ansible-playbook missing and not root: the Ansible comparison is skipped (apt-get install ansible-core)"
  fi
fi
JAVA_HOME_FOR_STANDIN=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
MACHINE_CPUS=$(nproc)
MACHINE_CPU_MODEL=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
MACHINE_MEM=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
MACHINE_JAVA=$(java -version 2>&1 | sed -n 2p)
MACHINE_KERNEL=$(uname -sr)
MACHINE_ANSIBLE=$(ansible-playbook --version 2>/dev/null | head -1 || echo "not installed")
MACHINE_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
MACHINE_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
FLEET_VERSION=$("$DIST/bin/fleet" --version 2>/dev/null | head -1)
GIT_REV=${BENCH_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}
say "machine: $MACHINE_CPUS x $MACHINE_CPU_MODEL, $MACHINE_MEM, $MACHINE_JAVA, load $MACHINE_LOAD; work folder $BENCH_DIR"

# shellcheck source=bench/cluster.sh
source "$BENCH/cluster.sh"
trap 'cluster_down' EXIT

# ---------------------------------------------------------------- agent footprint
# Agents joined to the same controller, each with its own (empty) home, started with different
# JVM options at the same time; RSS (VmRSS) and CPU (utime+stime of /proc/PID/stat) sampled over
# the issue's 5 minutes (BENCH_IDLE_SECS). The window costs no wall time when the orchestration
# section runs: the idle agents start on its controller as soon as its cluster is up and are
# only read from /proc meanwhile (nothing is sent to them); their heartbeats add about 1% of one
# core to its timings, on the fleet and the Ansible side alike. Alone, the section waits it out.
declare -A VARIANT_OPTS VARIANT_ENV
VARIANTS="launcher previous launcher-all-jars launcher-no-xmn launcher-no-cts launcher-arena2 launcher-trim launcher-xint launcher-nmt"
# the variants that also get the applies (after the idle window): all of them (BENCH_APPLIES) for the
# launcher, the previous options and launcher-nmt, BENCH_APPLY_FEW (default 100) for the other tuning levers; and
# the time bound of all their applies
APPLY_VARIANTS="launcher previous launcher-nmt"
APPLY_FEW_VARIANTS="launcher-no-xmn launcher-no-cts launcher-xint"
APPLY_FEW=${BENCH_APPLY_FEW:-100}
APPLY_SECS=${BENCH_APPLY_SECS:-300}
BASE_OPTS=$(sed -n 's/^DEFAULT_JAVA_OPTS="\(.*\)"$/\1/p' "$DIST/bin/fleet-agent")
# the launcher's options before this tuning (and every jar of lib/ on the class path): the reference
PREVIOUS_OPTS="-Xms8m -Xmx64m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -Xshare:auto"
# the launcher as installed: no FLEET_JAVA_OPTS (VARIANT_OPTS only names its options in the table)
VARIANT_OPTS[launcher]=$BASE_OPTS
VARIANT_ENV[launcher]=""
VARIANT_OPTS[previous]=$PREVIOUS_OPTS
VARIANT_ENV[previous]="CLASSPATH_JAR="
# the launcher's options without the 2 MB young generation, and without the raised compile thresholds
VARIANT_OPTS[launcher-no-xmn]=${BASE_OPTS/ -Xmn2m/}
VARIANT_ENV[launcher-no-xmn]=""
VARIANT_OPTS[launcher-no-cts]=${BASE_OPTS/ -XX:CompileThresholdScaling=10/}
VARIANT_ENV[launcher-no-cts]=""
VARIANT_OPTS[launcher-all-jars]=$BASE_OPTS
VARIANT_ENV[launcher-all-jars]="CLASSPATH_JAR="
# two malloc arenas (not a default: the product the agent starts would inherit the variable)
VARIANT_OPTS[launcher-arena2]=$BASE_OPTS
VARIANT_ENV[launcher-arena2]="MALLOC_ARENA_MAX=2"
# glibc's free memory given back every minute (not a default: JDK 17 builds before 17.0.9 refuse the option)
VARIANT_OPTS[launcher-trim]="$BASE_OPTS -XX:TrimNativeHeapInterval=60000"
VARIANT_ENV[launcher-trim]=""
VARIANT_OPTS[launcher-xint]="$BASE_OPTS -Xint"
VARIANT_ENV[launcher-xint]=""
# the launcher's options with Native Memory Tracking: where the memory goes (NMT itself costs a little)
VARIANT_OPTS[launcher-nmt]="$BASE_OPTS -XX:NativeMemoryTracking=summary"
VARIANT_ENV[launcher-nmt]=""
# the 50 agents of the plan section
TUNED="-Xms4m -Xmx48m -Xss256k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=8m -XX:MaxMetaspaceSize=48m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:-UsePerfData -Xshare:auto -Dio.netty.allocator.type=unpooled -Dio.netty.noPreferDirect=true -Dvertx.disableDnsResolver=true"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
rss_split() { awk '/^RssAnon:/ {a=$2} /^RssFile:/ {f=$2} /^RssShmem:/ {s=$2} END {printf "%.1f / %.1f / %.1f", a/1024, f/1024, s/1024}' "/proc/$1/status" 2>/dev/null; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
declare -A FP_PID FP_NODE   # per variant: its agent's pid, its node (idle1, idle2 ...)
FP_SAMPLER=""
# footprint_start: joins and starts one agent per variant on the controller of CSTATE, waits until
# all are connected, then samples their RSS once a second in the background: from 20 s on (past
# start-up: the renewal check runs 10 s after start) for IDLE_SECS, into $BENCH_DIR/idle-rss.txt.
footprint_start() {
  local k=0 v node token hash i c joins=()
  declare -A FTOKEN FHASH
  say "agent footprint: variants $VARIANTS, idle ${IDLE_SECS}s in the background [$(elapsed) s]"
  # one token per variant, nodes idle1 to idleN, in one command; then the joins at once
  while read -r node token hash; do FTOKEN[$node]=$token; FHASH[$node]=$hash; done < <(
    join_tokens --node idle --count "$(wc -w <<<"$VARIANTS")")
  for v in $VARIANTS; do
    k=$((k + 1)); node=idle$k; FP_NODE[$v]=$node
    mkdir -p "$CDIR/homes/$node"
    FLEET_JOIN_TOKEN=${FTOKEN[$node]} "$DIST/bin/fleet-agent" join --controller "https://127.0.0.1:$API_PORT" --node "$node" \
        --ca-hash "${FHASH[$node]}" --state "$CDIR/hosts/$node" --home "$CDIR/homes/$node" >"$CDIR/logs/join-$node.log" 2>&1 &
    joins+=($!)
  done
  wait "${joins[@]}" || say "agent footprint: a join failed (see $CDIR/logs/join-idle*.log)"
  for v in $VARIANTS; do
    node=${FP_NODE[$v]}
    if [ "$v" = launcher ]; then
      "$DIST/bin/fleet-agent" run --state "$CDIR/hosts/$node" >"$CDIR/logs/agent-$node.log" 2>&1 &
    else
      # shellcheck disable=SC2086
      env ${VARIANT_ENV[$v]} FLEET_JAVA_OPTS="${VARIANT_OPTS[$v]}" "$DIST/bin/fleet-agent" run --state "$CDIR/hosts/$node" \
          >"$CDIR/logs/agent-$node.log" 2>&1 &
    fi
    FP_PID[$v]=$!; PIDS+=("${FP_PID[$v]}")
  done
  # connected: each agent logs "link: connected" at its first pong
  for i in $(seq 1 300); do
    c=0; for v in $VARIANTS; do grep -q 'link: connected' "$CDIR/logs/agent-${FP_NODE[$v]}.log" && c=$((c + 1)); done
    [ "$c" = "$(wc -w <<<"$VARIANTS")" ] && break; sleep 0.2
  done
  (
    sleep 20
    now_ms >"$BENCH_DIR/idle-begin.txt"
    for v in $VARIANTS; do echo "$v $(rss_kb "${FP_PID[$v]}") $(cpu_ticks "${FP_PID[$v]}")"; done >"$BENCH_DIR/idle-start.txt"
    for s in $(seq 1 "$IDLE_SECS"); do
      sleep 1
      for v in $VARIANTS; do echo "$v $(rss_kb "${FP_PID[$v]}")"; done
    done >"$BENCH_DIR/idle-rss.txt"
    now_ms >"$BENCH_DIR/idle-end.txt"
    for v in $VARIANTS; do echo "$v $(rss_kb "${FP_PID[$v]}") $(cpu_ticks "${FP_PID[$v]}") $(rss_split "${FP_PID[$v]}")"; done >"$BENCH_DIR/idle-end-rss.txt"
  ) &
  FP_SAMPLER=$!
  FP_WINDOW_FROM=$(elapsed)
}

# ---------------------------------------------------------------- orchestration and Ansible
# One five-node stand-in cluster (start delay 0). Each run starts from the same pristine homes
# (products stopped, homes restored byte for byte), so every run does the whole work: every file
# edited, every store replaced, five products started in order. Run i: fleet apply, then the
# Ansible playbook on its own copy of the homes; alternating, in the same run.
ROLLOUT_SPEC="{ minHealthy: 0s, probeInterval: 100ms, healthyDeadline: 2m }"
stop_products() {  # stop_products HOMES_DIR: TERM every stand-in there, wait for it to end
  local dir=$1 n p i
  for n in $NODES; do
    p=$(cat "$dir/$n/wso2carbon.pid" 2>/dev/null || true)
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  for n in $NODES; do
    p=$(cat "$dir/$n/wso2carbon.pid" 2>/dev/null || true)
    for i in $(seq 1 100); do { [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; } && break; sleep 0.1; done
    rm -f "$dir/$n/wso2carbon.pid"
  done
}
restore_homes() {  # restore_homes HOMES_DIR: back to the pristine homes, byte for byte
  local dir=$1 n
  for n in $NODES; do
    rm -rf "${dir:?}/$n"; cp -a "$BENCH_DIR/pristine/$n" "$dir/$n"
  done
}

if [[ " $ONLY " == *" orchestration "* ]]; then
  say "orchestration: five-node cluster (start delay 0) on 127.0.1.1-5 [$(elapsed) s]"
  t0=$(now_ms)
  cluster_up "$BENCH_DIR/cluster" 0s
  figure "- five-node cluster set up (controller, 5 stand-in homes, 5 tokens, joins and agents, all connected): $(secs $(( $(now_ms) - t0 ))) s"
  # the footprint section's idle window runs meanwhile (see footprint_start)
  if [[ " $ONLY " == *" footprint "* ]]; then footprint_start; FP_DURING=" while the orchestration section ran"; fi
  # Pristine homes: copies made before any apply (the cluster's homes are still untouched).
  stop_products "$CDIR/homes"
  mkdir -p "$BENCH_DIR/pristine"
  for n in $NODES; do cp -a "$CDIR/homes/$n" "$BENCH_DIR/pristine/$n"; done
  write_spec "$BENCH_DIR/cluster.yaml" "$ROLLOUT_SPEC"
  echo "admin-password=bench-Admin-pw1" >"$BENCH_DIR/secrets.txt"
  api /v1/secrets/admin-password -X PUT -H 'Content-Type: application/json' -d '{"value":"bench-Admin-pw1"}' >/dev/null

  # The Ansible side's inputs: fleet render --all of the same spec into copies of the pristine
  # homes, with the same controller state (product CA, primary key): the files fleet produces.
  ANSIBLE_OK=0
  if command -v ansible-playbook >/dev/null; then
    mkdir -p "$BENCH_DIR/rendered" "$BENCH_DIR/ansible-homes"
    for n in $NODES; do cp -a "$BENCH_DIR/pristine/$n" "$BENCH_DIR/rendered/$n"; done
    t0=$(now_ms)
    if "$DIST/bin/fleet" render -f "$BENCH_DIR/cluster.yaml" --all --homes "$BENCH_DIR/rendered" --controller-state "$CSTATE" \
        --secrets "$BENCH_DIR/secrets.txt" >"$BENCH_DIR/render.log" 2>&1; then
      figure "- \`fleet render --all\` of the five-node spec with \`--controller-state\` (the Ansible side's input; not counted in its time): $(secs $(( $(now_ms) - t0 ))) s"
      {
        echo "[apim]"
        for n in $NODES; do
          profile=$(case ${ROLE[$n]} in key-manager) echo api-key-manager;; publisher) echo api-publisher;;
              store) echo api-store;; traffic-manager) echo traffic-manager;; *) echo gateway-worker;; esac)
          echo "$n ansible_connection=local ansible_python_interpreter=/usr/bin/python3 home=$BENCH_DIR/ansible-homes/$n rendered=$BENCH_DIR/rendered/$n profile=$profile addr=${ADDR[$n]} java_home=$JAVA_HOME_FOR_STANDIN ca=$CSTATE/ca/product-ca.crt"
        done
      } >"$BENCH_DIR/inventory.ini"
      ANSIBLE_OK=1
    else
      say "fleet render failed (see $BENCH_DIR/render.log): the Ansible comparison is skipped"
    fi
  fi

  FLEET_MS=(); ANSIBLE_MS=(); ROLLOUT_S=(); OVERHEAD_S=()
  for i in $(seq 1 "$RUNS"); do
    [ "$(elapsed)" -lt "${BENCH_ORCH_BUDGET:-1080}" ] || { say "orchestration: out of time budget after $((i - 1)) runs"; break; }
    # fleet apply from pristine homes (run 1 also makes each host's TLS key; later runs re-use it)
    stop_products "$CDIR/homes"; restore_homes "$CDIR/homes"
    # the agents have seen their products end (their product.exited reached the controller), at most 10 s
    for w in $(seq 1 100); do
      api /v1/agents 2>/dev/null | jq -e --arg nodes "$NODES" \
          '($nodes | split(" ")) as $five | [.[] | select(.node as $n | $five | index($n)) | select(.productState == "running")] | length == 0' \
          >/dev/null && break
      sleep 0.1
    done
    t0=$(now_ms)
    rc=0; timeout 300 "$DIST/bin/fleet" apply -f "$BENCH_DIR/cluster.yaml" --state "$CSTATE" --yes >"$BENCH_DIR/apply-$i.log" 2>&1 || rc=$?
    t1=$(now_ms)
    FLEET_MS+=($(( t1 - t0 )))
    api "/v1/events?since=0" >"$BENCH_DIR/events.ndjson"
    rid=$(sed -n 's/^rollout \([0-9]*\) of cluster.*/\1/p' "$BENCH_DIR/apply-$i.log" | head -1)
    if [ -n "$rid" ] && python3 "$BENCH/apply_breakdown.py" "$BENCH_DIR/events.ndjson" "$rid" "$CDIR/homes" "$t0" "$t1" >"$BENCH_DIR/breakdown-$i.json"; then
      ROLLOUT_S+=("$(jq .rolloutSeconds "$BENCH_DIR/breakdown-$i.json")")
      OVERHEAD_S+=("$(jq '[.cliWall - .totals.productJvmStart - .totals.productReady] | .[0] * 1000 | round / 1000' "$BENCH_DIR/breakdown-$i.json")")
    fi
    say "run $i: fleet apply exit $rc in $(secs "${FLEET_MS[-1]}") s (rollout $rid: $(jq -c '.totals' "$BENCH_DIR/breakdown-$i.json" 2>/dev/null))"
    stop_products "$CDIR/homes"
    # the playbook, from the same pristine homes, on the same addresses (the fleet side is stopped)
    if [ "$ANSIBLE_OK" = 1 ]; then
      restore_homes "$BENCH_DIR/ansible-homes"
      t0=$(now_ms)
      rc=0; timeout 600 ansible-playbook -i "$BENCH_DIR/inventory.ini" "$BENCH/ansible/apim.yml" >"$BENCH_DIR/ansible-$i.log" 2>&1 || rc=$?
      ANSIBLE_MS+=($(( $(now_ms) - t0 )))
      say "run $i: ansible-playbook exit $rc in $(secs "${ANSIBLE_MS[-1]}") s"
      [ "$rc" = 0 ] || { say "the playbook failed: $(tail -30 "$BENCH_DIR/ansible-$i.log")"; }
      stop_products "$BENCH_DIR/ansible-homes"
    fi
  done
  fm=$(printf '%s\n' "${FLEET_MS[@]}" | median)
  figure "- **\`fleet apply\`, five-node stand-in cluster, start delay 0, \`minHealthy: 0s\`, \`probeInterval: 100ms\`: median $(secs "$fm") s** of ${#FLEET_MS[@]} (runs: $(for x in "${FLEET_MS[@]}"; do printf '%s ' "$(secs "$x")"; done| sed 's/ $//') s). Method: wall time of the \`fleet apply\` process (JVM start to exit), each run from the pristine homes (products stopped, homes restored byte for byte: every file edited, every store replaced, five products started in order); run 1 also makes every host's TLS key."
  if [ "${#ROLLOUT_S[@]}" -gt 0 ]; then
    figure "- rollout alone (journal \`rollout.started\` to \`rollout.finished\`): median $(printf '%s\n' "${ROLLOUT_S[@]}" | median) s"
    figure "- **orchestration overhead** (apply wall minus the configured start delays, 0 s here) = the apply wall above; wall minus the stand-ins' own start (process start to its \`standin: healthy\` log line, summed over the five): median $(printf '%s\n' "${OVERHEAD_S[@]}" | median) s (runs: ${OVERHEAD_S[*]} s)"
    # where the time goes, median over runs of each kind's total over the five nodes
    for k in cliBefore render apply startRequest productJvmStart productReady probeDetection sincePrevious afterLastNode cliAfter; do
      v=$(for f in "$BENCH_DIR"/breakdown-*.json; do jq -r --arg k "$k" '(.totals[$k] // .[$k]) // empty' "$f"; done | median)
      BREAKDOWN[$k]=$v
    done
    figure ""
    figure "  | share of one apply (median of the runs, seconds, summed over the five nodes) | s |"
    figure "  |---|---|"
    figure "  | CLI before the rollout: JVM start, validation, POST /v1/apply (\`fleet apply\` start to \`rollout.started\`) | ${BREAKDOWN[cliBefore]} |"
    figure "  | render: TLS CSRs from the five hosts, certificates, five bundles (\`rollout.started\` to \`rollout.rendered\`) | ${BREAKDOWN[render]} |"
    figure "  | bundle apply on the hosts (\`rollout.node applying\` to \`bundle.applied\`) | ${BREAKDOWN[apply]} |"
    figure "  | start request (\`bundle.applied\` to \`product.started\`) | ${BREAKDOWN[startRequest]} |"
    figure "  | stand-in JVM start (\`product.started\` to its \`standin: starting\` log line) | ${BREAKDOWN[productJvmStart]} |"
    figure "  | stand-in start-up: keys, listeners, start-time dependencies verified (to \`standin: healthy\`; start delay 0) | ${BREAKDOWN[productReady]} |"
    figure "  | probe detection: stand-in healthy to \`rollout.node healthy\` (probes every 100 ms) | ${BREAKDOWN[probeDetection]} |"
    figure "  | between nodes/phases (\`healthy\` to the next \`applying\`) | ${BREAKDOWN[sincePrevious]} |"
    figure "  | last node healthy to \`rollout.finished\` | ${BREAKDOWN[afterLastNode]} |"
    figure "  | CLI after the rollout (\`rollout.finished\` to the process's exit) | ${BREAKDOWN[cliAfter]} |"
    figure ""
  fi
  if [ "${#ANSIBLE_MS[@]}" -gt 0 ]; then
    am=$(printf '%s\n' "${ANSIBLE_MS[@]}" | median)
    ratio=$(awk -v a="$am" -v f="$fm" 'BEGIN {printf "%.2f", a/f}')
    figure "- **Ansible (\`$MACHINE_ANSIBLE\`, \`bench/ansible/apim.yml\`, local connection per host, serial 1 in start order): median $(secs "$am") s** of ${#ANSIBLE_MS[@]} (runs: $(for x in "${ANSIBLE_MS[@]}"; do printf '%s ' "$(secs "$x")"; done | sed 's/ $//') s), alternating with the \`fleet apply\` runs above on the same pristine homes and addresses. Method: wall time of \`ansible-playbook\`; it copies in the files \`fleet render --all --controller-state\` produced (configuration and stores), removes what the rendered home lacks (web apps pruned, \`registry_TM.xml\` moved), restarts each node with its profile and polls the console every 0.1 s until 200."
    figure "- **ratio Ansible / fleet apply (medians): $ratio** (goal: >= 5)"
    RATIO=$ratio
  fi
  FLEET_MEDIAN_MS=$fm
fi

# controller_alone: the controller of the footprint and plan sections when the orchestration section
# (whose controller they share) does not run
controller_alone() {
  CDIR=$BENCH_DIR/cluster; CSTATE=$CDIR/controller
  mkdir -p "$CDIR/logs" "$CDIR/homes" "$CDIR/hosts"; API_PORT=$(free_port); BRIDGE_PORT=$(free_port)
  "$DIST/bin/fleet" init --state "$CSTATE" --advertise "127.0.0.1:$API_PORT" >"$CDIR/logs/init.log" 2>&1
  controller_start
}

# ---------------------------------------------------------------- fleet plan, 50 nodes
# It runs while the footprint section's idle window ends: its joins and agents load the controller
# and the machine, not the idle agents (read from /proc only, sent nothing).
if [[ " $ONLY " == *" plan "* ]] && [ "$PLAN_NODES" -gt 0 ]; then
  [ -n "${CSTATE:-}" ] || controller_alone
  if [ -n "$FP_SAMPLER" ] && kill -0 "$FP_SAMPLER" 2>/dev/null; then FP_DURING="$FP_DURING and the plan section began"; fi
  say "fleet plan for $PLAN_NODES nodes: homes, joins and agents on 127.0.2.1-$PLAN_NODES [$(elapsed) s]"
  PLAN_DIR=$BENCH_DIR/plan; mkdir -p "$PLAN_DIR/homes"
  # every home a copy of one pristine stand-in home (the same zip unpacked on every host)
  [ -d "$BENCH_DIR/pristine/km1" ] || "$DIST/bin/apim-standin" make-home --start-delay 0s "$BENCH_DIR/pristine/km1" >/dev/null
  spec50=$PLAN_DIR/cluster-$PLAN_NODES.yaml
  {
    echo "apiVersion: apim-fleet/v1"; echo "cluster: bench$PLAN_NODES"
    echo "product: { javaHome: \"$JAVA_HOME_FOR_STANDIN\" }"
    echo 'admin: { username: admin, password: "${secret:admin-password}" }'
    echo "nodes:"
  } >"$spec50"
  t0=$(now_ms)
  for i in $(seq 1 "$PLAN_NODES"); do
    case $i in 1) role=key-manager;; 2) role=publisher;; 3) role=store;; 4|5) role=traffic-manager;; *) role=gateway;; esac
    node=p$i; cp -a "$BENCH_DIR/pristine/km1" "$PLAN_DIR/homes/$node"
    echo "  - { name: $node, role: $role, host: 127.0.2.$i, home: \"$PLAN_DIR/homes/$node\" }" >>"$spec50"
  done
  echo "rollout: $ROLLOUT_SPEC" >>"$spec50"
  base=$(connected_count)
  declare -A PTOKEN PHASH
  # one token per node, p1 to pN, in one command
  while read -r node token hash; do PTOKEN[$node]=$token; PHASH[$node]=$hash; done < <(join_tokens --node p --count "$PLAN_NODES")
  plan_join() {
    local node=$1
    FLEET_JOIN_TOKEN=${PTOKEN[$node]} "$DIST/bin/fleet-agent" join --controller "https://127.0.0.1:$API_PORT" --node "$node" \
        --ca-hash "${PHASH[$node]}" --state "$PLAN_DIR/hosts/$node" --home "$PLAN_DIR/homes/$node" >"$PLAN_DIR/join-$node.log" 2>&1
  }
  for i in $(seq 1 2 "$PLAN_NODES"); do
    plan_join "p$i" & j1=$!
    if [ "$i" -lt "$PLAN_NODES" ]; then plan_join "p$((i + 1))"; fi
    wait "$j1" || true
    [ $(( $(date +%s) - T_BEGIN )) -lt 1500 ] || { say "plan: out of time after $i joins"; break; }
  done
  for i in $(seq 1 "$PLAN_NODES"); do
    [ -f "$PLAN_DIR/hosts/p$i/identity/agent.crt" ] || continue
    env MALLOC_ARENA_MAX=2 FLEET_JAVA_OPTS="$TUNED" "$DIST/bin/fleet-agent" run --state "$PLAN_DIR/hosts/p$i" >"$PLAN_DIR/agent-p$i.log" 2>&1 &
    PIDS+=($!)
  done
  for i in $(seq 1 600); do [ "$(connected_count)" -ge $(( base + PLAN_NODES )) ] && break; sleep 0.5; done
  figure "- $PLAN_NODES more agents joined and connected (tokens in one \`fleet token create --count\`, joins two at a time, agents with the tuned options): $(secs $(( $(now_ms) - t0 ))) s; controller connected agents: $(connected_count)"
  PLAN_MS=()
  for r in 1 2 3; do
    t0=$(now_ms)
    rc=0; timeout 300 "$DIST/bin/fleet" plan -f "$spec50" --state "$CSTATE" >"$PLAN_DIR/plan-$r.log" 2>&1 || rc=$?
    PLAN_MS+=($(( $(now_ms) - t0 )))
    say "plan $r: exit $rc in $(secs "${PLAN_MS[-1]}") s"
  done
  figure "- **\`fleet plan\` of a $PLAN_NODES-node spec** (1 key manager, 1 publisher, 1 store, 2 traffic managers, $((PLAN_NODES - 5)) gateways; every node's dry run on its own connected agent; exit $rc): median $(secs "$(printf '%s\n' "${PLAN_MS[@]}" | median)") s of 3 (runs: $(for x in "${PLAN_MS[@]}"; do printf '%s ' "$(secs "$x")"; done | sed 's/ $//') s). Method: wall time of the \`fleet plan\` process; run 1 also certifies every host's new TLS key."
  CTL_RSS=$(rss_kb "$CONTROLLER_PID")
  figure "- controller RSS with $(connected_count) agents connected, after all of the above: $(awk -v r="$CTL_RSS" 'BEGIN {printf "%.1f", r/1024}') MB"
fi

if [[ " $ONLY " == *" footprint "* ]]; then
  [ -n "${CSTATE:-}" ] || controller_alone
  [ -n "$FP_SAMPLER" ] || footprint_start
  say "agent footprint: waiting for the end of the idle window (started at $FP_WINDOW_FROM s) [$(elapsed) s]"
  wait "$FP_SAMPLER" || true
  window_s=$(awk -v a="$(cat "$BENCH_DIR/idle-begin.txt")" -v b="$(cat "$BENCH_DIR/idle-end.txt")" 'BEGIN {printf "%.0f", (b-a)/1000}')
  declare -A RSS0 RSS1 RSSMAX TICKS0 TICKS1 SPLIT1
  while read -r v r t; do RSS0[$v]=$r; RSSMAX[$v]=$r; TICKS0[$v]=$t; done <"$BENCH_DIR/idle-start.txt"
  while read -r v r; do [ "${r:-0}" -gt "${RSSMAX[$v]}" ] && RSSMAX[$v]=$r; done <"$BENCH_DIR/idle-rss.txt"
  while read -r v r t split; do RSS1[$v]=$r; TICKS1[$v]=$t; SPLIT1[$v]=$split; done <"$BENCH_DIR/idle-end-rss.txt"
  HZ=$(getconf CLK_TCK)
  echo "<!-- footprint:begin (bench/run.sh section footprint writes this block; BENCH_ONLY=footprint rewrites only it) -->" >>"$RESULTS"
  figure "- footprint measured $MACHINE_DATE at commit $GIT_REV, load average at start $MACHINE_LOAD"
  figure "- idle agents (\`fleet-agent run\`, connected and heartbeating every 5 s, no product), started together, measured from 20 s after connecting over ${window_s} s${FP_DURING:+$FP_DURING (the bench sends them nothing; read from /proc only)}: RSS = VmRSS sampled every second, CPU = utime+stime from /proc over the window; links = \`link: connected\` lines in the agent's log (1: never reconnected)"
  figure ""
  figure "  | variant: environment and JVM options | idle RSS start / max / end (MB) | end: anonymous / file-backed / shared (MB) | idle CPU (% of one core) | links |"
  figure "  |---|---|---|---|---|"
  for v in $VARIANTS; do
    [ "${RSS1[$v]}" -gt "${RSSMAX[$v]}" ] && RSSMAX[$v]=${RSS1[$v]}
    cpu=$(awk -v a="${TICKS0[$v]}" -v b="${TICKS1[$v]}" -v hz="$HZ" -v s="$window_s" 'BEGIN {printf "%.2f", (b-a)/hz/s*100}')
    label="${VARIANT_ENV[$v]:+${VARIANT_ENV[$v]} }${VARIANT_OPTS[$v]}"
    [ "$v" = launcher ] && label="(packaging/src/dist/bin/fleet-agent as installed) $label"
    figure "  | $v: \`$label\` | $(awk -v a="${RSS0[$v]}" -v m="${RSSMAX[$v]}" -v e="${RSS1[$v]}" 'BEGIN {printf "%.1f / %.1f / %.1f", a/1024, m/1024, e/1024}') | ${SPLIT1[$v]} | $cpu | $(grep -c 'link: connected' "$CDIR/logs/agent-${FP_NODE[$v]}.log") |"
    IDLE_RSS_MB[$v]=$(awk -v e="${RSS1[$v]}" 'BEGIN {printf "%.1f", e/1024}')
  done
  figure ""
  if command -v jcmd >/dev/null && jcmd "${FP_PID[launcher-nmt]}" VM.native_memory summary >"$BENCH_DIR/nmt.txt" 2>&1; then
    figure "- where an idle agent's memory goes (launcher options, \`jcmd PID VM.native_memory summary\`, committed MB; RSS counts only the touched part, plus the shared libraries and jars mapped): $(awk '/^-/ && /committed=/ {name=$0; sub(/^- */, "", name); sub(/ *\(.*/, "", name); match($0, /committed=[0-9]+KB/); c=substr($0, RSTART+10, RLENGTH-12); printf "%s%s %.1f", sep, name, c/1024; sep="; "} /^Total:/ {match($0, /committed=[0-9]+KB/); t=substr($0, RSTART+10, RLENGTH-12)} END {printf "; total %.1f", t/1024}' "$BENCH_DIR/nmt.txt")"
  fi
  # 1,000 applies of a small bundle through the controller (bench/applies.py: POST /v1/nodes/NODE/apply
  # over one kept-alive connection, one file written with a new content each time, so every apply
  # really stages, backs up and swaps). One apply per variant in turn, so each meets the controller
  # in the same state (its JIT warming up); the variants of APPLY_FEW_VARIANTS stop after APPLY_FEW.
  declare -A NAPPLIED NFAILED VARIANT_OF
  apply_nodes=$(for v in $APPLY_VARIANTS; do printf '%s ' "${FP_NODE[$v]}"; done; for v in $APPLY_FEW_VARIANTS; do printf '%s:%s ' "${FP_NODE[$v]}" "$APPLY_FEW"; done)
  NMT_BASE=0
  command -v jcmd >/dev/null && jcmd "${FP_PID[launcher-nmt]}" VM.native_memory baseline >/dev/null 2>&1 && NMT_BASE=1
  t0=$(now_ms)
  # shellcheck disable=SC2086
  python3 "$BENCH/applies.py" "$API_PORT" "$CSTATE/admin" "$BENCH_DIR" "$APPLIES" "$APPLY_SECS" $apply_nodes >"$BENCH_DIR/applies.txt" \
      || say "applies.py failed (see $BENCH_DIR/applies.txt)"
  applies_s=$(secs $(( $(now_ms) - t0 )))
  for v in $VARIANTS; do [ -n "${FP_NODE[$v]:-}" ] && VARIANT_OF[${FP_NODE[$v]}]=$v; done
  while read -r node n f; do NAPPLIED[${VARIANT_OF[$node]}]=$n; NFAILED[${VARIANT_OF[$node]}]=$f; done <"$BENCH_DIR/applies.txt"
  sleep 2
  for v in $APPLY_VARIANTS $APPLY_FEW_VARIANTS; do
    lat=$BENCH_DIR/apply-latency-${FP_NODE[$v]}.txt; r=$(rss_kb "${FP_PID[$v]}")
    figure "- $v agent after ${NAPPLIED[$v]:-0} applies (${NFAILED[$v]:-0} failed; one apply to each variant in turn, $APPLY_FEW_VARIANTS only for the first $APPLY_FEW; $applies_s s in all, bounded at $APPLY_SECS s): RSS $(awk -v r="$r" 'BEGIN {printf "%.1f", r/1024}') MB (idle before: ${IDLE_RSS_MB[$v]} MB). Apply request/reply through the controller (\`POST /v1/nodes/NODE/apply\`, one at a time over a kept-alive HTTPS connection, client wall): p50 $(pctl 50 <"$lat") s, p99 $(pctl 99 <"$lat") s"
    APPLIED_RSS_MB[$v]=$(awk -v r="$r" 'BEGIN {printf "%.1f", r/1024}')
  done
  if [ "$NMT_BASE" = 1 ] && jcmd "${FP_PID[launcher-nmt]}" VM.native_memory summary.diff >"$BENCH_DIR/nmt-applies.txt" 2>&1; then
    figure "- where the launcher-nmt agent's memory grew over its ${NAPPLIED[launcher-nmt]:-0} applies (\`jcmd PID VM.native_memory summary.diff\` against a baseline taken before them; committed MB, the categories that changed by 0.1 MB or more): $(awk '
        /^Total:/ {if (match($0, /committed=[0-9]+KB [+-][0-9]+KB/)) {d=substr($0, RSTART, RLENGTH); sub(/.* /, "", d); total=d+0}}
        /^-/ && match($0, /committed=[0-9]+KB [+-][0-9]+KB/) {d=substr($0, RSTART, RLENGTH); sub(/.* /, "", d); d=d+0
          if (d >= 100 || d <= -100) {name=$0; sub(/^- */, "", name); sub(/ *\(.*/, "", name); printf "%s%s %+.1f", sep, name, d/1024; sep="; "}}
        END {printf "%stotal %+.1f", sep, total/1024}' "$BENCH_DIR/nmt-applies.txt")"
  fi
  echo "<!-- footprint:end -->" >>"$RESULTS"
fi

# ---------------------------------------------------------------- simulated agents at scale
# One controller process of the distribution on 127.0.3.1, started (and restarted) by the simulator:
# one JVM of bench/'s ScaleBench, holding every simulated agent (real join: own EC key, CSR, join
# token, certificate; real BridgeLink: mutual TLS, heartbeats every 5 s), all on one Vert.x instance.
SCALE_SIZES=${BENCH_SCALE_SIZES:-100 1000 10000}
SCALE_BLOCK=$BENCH_DIR/scale-block.md
SCALE_GOALS=""
if [[ " $ONLY " == *" scale "* ]]; then
  cluster_down   # the earlier sections' controller, agents and stand-ins would share the 2 cores
  SDIR=${BENCH_SCALE_FROM:-$BENCH_DIR/scale}; mkdir -p "$SDIR"
  scale_max=$(tr ' ' '\n' <<<"$SCALE_SIZES" | sort -n | tail -1)
  scale_date=$(date -u +%Y-%m-%dT%H:%M:%SZ); scale_load=$MACHINE_LOAD; scale_rev=$GIT_REV
  if [ -n "${BENCH_SCALE_FROM:-}" ]; then
    say "scale: the figures of $SDIR (not run again)"
    scale_date=$(date -u -r "$SDIR/figures.md" +%Y-%m-%dT%H:%M:%SZ); scale_load="(not recorded)"; scale_rev="(not recorded)"
    # shellcheck disable=SC1091
    [ -f "$SDIR/run.env" ] && . "$SDIR/run.env"
  else
  printf 'scale_date=%q\nscale_load=%q\nscale_rev=%q\n' "$scale_date" "$scale_load" "$scale_rev" >"$SDIR/run.env"
  say "scale: simulated agents ($SCALE_SIZES) against one controller on 127.0.3.1; open files $(ulimit -n) [$(elapsed) s]"
  [ "$(ulimit -n)" -gt $(( scale_max + 2000 )) ] || say "scale: the open-file limit $(ulimit -n) is below $((scale_max + 2000)): the largest size may not connect"
  port3() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.3.1",0)); print(s.getsockname()[1])'; }
  S_API=$(port3); S_BRIDGE=$(port3)
  "$DIST/bin/fleet" init --state "$SDIR/controller" --advertise "127.0.3.1:$S_API" >"$SDIR/init.log" 2>&1
  t0=$(now_ms)
  # the tokens go to a 0600 file only the simulator reads; it is removed afterwards
  (umask 077; "$DIST/bin/fleet" token create --state "$SDIR/controller" --node sim --count "$scale_max" --ttl 3h >"$SDIR/tokens.txt")
  token_secs=$(secs $(( $(now_ms) - t0 )))
  SIM_JAR=$(ls "$BENCH"/target/apim-fleet-bench-*.jar | grep -v sources | head -1)
  rc=0
  timeout $(( ${BENCH_SCALE_BUDGET:-1500} + 300 )) java "-Xmx${BENCH_SCALE_XMX:-3g}" -XX:+UseSerialGC -cp "$SIM_JAR:$DIST/lib/*" io.apimfleet.bench.ScaleBench \
      --dist="$DIST" --state="$SDIR/controller" --work="$SDIR" --tokens="$SDIR/tokens.txt" --host=127.0.3.1 \
      --api-port="$S_API" --bridge-port="$S_BRIDGE" --sizes="$(tr ' ' ',' <<<"$SCALE_SIZES")" \
      --rounds="${BENCH_SCALE_ROUNDS:-20}" --idle-secs="${BENCH_SCALE_IDLE_SECS:-30}" --idle-secs-smaller="${BENCH_SCALE_IDLE_SMALLER_SECS:-20}" --budget-secs="${BENCH_SCALE_BUDGET:-1500}" \
      --token-secs="$token_secs" --sim-xmx="${BENCH_SCALE_XMX:-3g}" --restart="${BENCH_SCALE_RESTART:-true}" \
      ${BENCH_SCALE_CONTROLLER_OPTS:+"--controller-opts=$BENCH_SCALE_CONTROLLER_OPTS"} \
      --out="$SDIR/figures.md" 2>"$SDIR/simulator.err" || rc=$?
  rm -f "$SDIR/tokens.txt"
  [ "$rc" = 0 ] || say "scale: the simulator exited $rc (see $SDIR/scale.log, $SDIR/simulator.err)"
  fi
  {
    echo "<!-- scale:begin (bench/run.sh section scale writes this block; BENCH_ONLY=scale rewrites only it) -->"
    echo "### Simulated agents at scale"
    echo
    echo "Measured $scale_date at commit $scale_rev, load average at start $scale_load: one controller process (\`fleet controller run\` of the distribution, on 127.0.3.1) and one simulator JVM (\`io.apimfleet.bench.ScaleBench\`, \`-Xmx${BENCH_SCALE_XMX:-3g}\`, 2 event loops) holding every simulated agent: each joined with the agent's own code (\`Join.joinInMemory\`: its own EC P-256 key and CSR, its own single-use join token, \`POST /v1/enroll\`, the certificate checked against the pinned CA) and connected with the agent's own \`BridgeLink\` (mutual TLS with its certificate, host name checked, heartbeats and pings every 5 s, reconnection backoff). Both on the same 2 cores. Raw data in the work folder (\`scale/\`)."
    echo
    cat "$SDIR/figures.md" 2>/dev/null || echo "- the simulator wrote no figures"
    echo "<!-- scale:end -->"
  } >"$SCALE_BLOCK"
  sed -n '/^- /p; /^  /p' "$SDIR/figures.md" >&2 || true
  gp() { { sed -n "s/^$1=//p" "$SDIR/goals.properties" 2>/dev/null || true; } | tail -1; }
  largest=""; for n in $SCALE_SIZES; do [ -n "$(gp "broadcast-p99-$n")" ] && largest=$n; done
  if [ -n "$largest" ]; then
    p99=$(gp "broadcast-p99-$largest"); p50=$(gp "broadcast-p50-$largest")
    if [ "$largest" = 10000 ]; then
      verdict=$(awk -v p="$p99" 'BEGIN {if (p < 2000) print "met"; else printf "missed by %.2f s", (p-2000)/1000}')
    else
      verdict="not measured at 10,000 (largest reached: $largest)"
    fi
    SCALE_GOALS="| broadcast acked by 10,000 agents p99 < 2 s | p99 $p99 ms, p50 $p50 ms at $largest agents (per size: $(for n in $SCALE_SIZES; do v=$(gp "broadcast-p99-$n"); [ -n "$v" ] && printf '%s: %s ms; ' "$n" "$v"; done | sed 's/; $//')) | $verdict |"
  else
    SCALE_GOALS="| broadcast acked by 10,000 agents p99 < 2 s | not measured | the scale run failed (see bench/notes.md) |"
  fi
  rates=$(for n in $SCALE_SIZES; do v=$(gp "enroll-$n"); [ -n "$v" ] && printf '%s/s to %s; ' "$v" "$n"; done | sed 's/; $//')
  last_rate=$(for n in $SCALE_SIZES; do gp "enroll-$n"; done | tail -1)
  if [ -n "$last_rate" ]; then
    SCALE_GOALS="$SCALE_GOALS
| enrollment >= 200 agents/s | $rates (each batch from the previous size) | $(awk -v r="$last_rate" 'BEGIN {if (r >= 200) print "met"; else printf "missed: %.0f%% of the goal", r/200*100}') |"
  else
    SCALE_GOALS="$SCALE_GOALS
| enrollment >= 200 agents/s | not measured | the scale run failed (see bench/notes.md) |"
  fi
fi
# Not run this time: keep the block and goal rows docs/benchmarks.md already has.
if [ -z "$SCALE_GOALS" ] && [ -f "$OUT" ]; then
  sed -n '/^<!-- scale:begin/,/^<!-- scale:end -->/p' "$OUT" >"$SCALE_BLOCK"
  SCALE_GOALS=$(grep -E '^\| (broadcast acked by 10,000|enrollment >= 200)' "$OUT" || true)
fi
[ -n "$SCALE_GOALS" ] || SCALE_GOALS="| broadcast acked by 10,000 agents p99 < 2 s | not measured | section scale not run |
| enrollment >= 200 agents/s | not measured | section scale not run |"

# ---------------------------------------------------------------- goals
GOALS=$BENCH_DIR/goals.md
{
  echo "| goal (2 cores, loopback) | measured | |"
  echo "|---|---|---|"
  echo "$SCALE_GOALS"
  best=""; bestv=""
  for v in $VARIANTS; do
    [ -n "${IDLE_RSS_MB[$v]:-}" ] || continue
    if [ -z "$best" ] || awk -v a="${IDLE_RSS_MB[$v]}" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=${IDLE_RSS_MB[$v]}; bestv=$v; fi
  done
  if [ -n "$best" ]; then
    echo "| idle agent RSS < 64 MB | launcher default ${IDLE_RSS_MB[launcher]} MB; lowest $best MB ($bestv) | $(awk -v b="$best" 'BEGIN {if (b < 64) print "met"; else printf "missed by %.1f MB (%.0f%%)", b-64, (b-64)/64*100}') |"
  fi
  if [ -n "${RATIO:-}" ]; then
    echo "| fleet apply >= 5x faster than the Ansible playbook | ${RATIO}x | $(awk -v r="$RATIO" 'BEGIN {if (r >= 5) print "met"; else printf "missed: %.1fx short", 5-r}') |"
  fi
  if [ -n "${FLEET_MEDIAN_MS:-}" ]; then
    echo "| orchestration overhead for five nodes < 2 s | $(secs "$FLEET_MEDIAN_MS") s (apply wall, start delay 0); $(printf '%s\n' "${OVERHEAD_S[@]}" | median) s without the stand-ins' own start | $(awk -v f="$FLEET_MEDIAN_MS" 'BEGIN {if (f < 2000) print "met"; else printf "missed by %.1f s (%.0fx)", f/1000-2, f/2000}') |"
  fi
} >"$GOALS"

# ---------------------------------------------------------------- docs/benchmarks.md
T_TOTAL=$(elapsed)
cluster_down
trap - EXIT
# partial_rewrite SECTION BLOCK_FILE GOAL_ROWS: when only SECTION ran, rewrite its block (between its
# markers) of the existing page, its goal rows and the notes from bench/notes.md; keep every other figure.
partial_rewrite() {
  python3 - "$OUT" "$1" "$2" "$BENCH/notes.md" "$3" <<'PY'
import re, sys
out, section, block_file, notes_file, goals = sys.argv[1:6]
page = open(out).read()
block = open(block_file).read().rstrip("\n") + "\n"
begin, end = page.find("<!-- %s:begin" % section), page.find("<!-- %s:end -->" % section)
if begin >= 0 and end > begin:
    page = page[:begin] + block + page[end + len("<!-- %s:end -->\n" % section):]
elif section == "footprint":   # a page written before its markers: from the idle table to the last "agent after N applies" line
    first = re.search(r"^- idle agents \(`fleet-agent run`.*$", page, flags=re.M)
    last = list(re.finditer(r"^- \S+ agent after \d+ applies.*$\n", page, flags=re.M))
    page = page[:first.start()] + block + page[last[-1].end():]
else:
    figures = page.find("## Figures")
    following = page.find("\n## ", figures + 1)
    at = following + 1 if following >= 0 else len(page)
    page = page[:at] + ("\n" if not page[:at].endswith("\n\n") else "") + block + "\n" + page[at:]
for row in goals.splitlines():
    prefix = row.split("|")[1].strip()
    page = re.sub(r"^\| " + re.escape(prefix) + r" \|.*$", lambda m: row, page, count=1, flags=re.M)
notes = open(notes_file).read()
first = notes.splitlines()[0] if notes.strip() else None
if first and first in page:
    page = page[:page.index(first)] + notes
open(out, "w").write(page)
PY
  say "updated the $1 block, its goal rows and the notes in $OUT in $T_TOTAL s (work folder $BENCH_DIR)"
  cat "$2"
}
if [ "$(echo $ONLY)" = scale ] && [ -f "$OUT" ]; then
  partial_rewrite scale "$SCALE_BLOCK" "$SCALE_GOALS"
  exit 0
fi
if [ "$(echo $ONLY)" = footprint ] && [ -f "$OUT" ]; then
  sed -n '/^<!-- footprint:begin/,/^<!-- footprint:end -->/p' "$RESULTS" >"$BENCH_DIR/footprint-block.md"
  partial_rewrite footprint "$BENCH_DIR/footprint-block.md" "$(grep '^| idle agent RSS < 64 MB |' "$GOALS" || true)"
  exit 0
fi
{
  cat <<EOF
# Benchmarks

Written by \`bench/run.sh\` (issue 10); do not edit by hand: run it again. Every figure is from
real processes of the built distribution on loopback addresses (127.0.1.x, 127.0.2.x), with
its method beside it. Nothing here is a pass/fail test.

| | |
|---|---|
| date | $MACHINE_DATE |
| machine | $MACHINE_CPUS CPUs (\`nproc\`), $MACHINE_CPU_MODEL, $MACHINE_MEM, $MACHINE_KERNEL; load average at start $MACHINE_LOAD |
| Java | $MACHINE_JAVA |
| apim-fleet | $FLEET_VERSION, commit $GIT_REV |
| Ansible | $MACHINE_ANSIBLE |
| suite | $T_TOTAL s (\`bench/run.sh\`, build included) |

## Goals

EOF
  cat "$GOALS"
  printf '\n## Figures\n\n'
  cat "$RESULTS"
  if [ -s "$SCALE_BLOCK" ]; then echo; cat "$SCALE_BLOCK"; fi
  if [ -f "$BENCH/notes.md" ]; then echo; cat "$BENCH/notes.md"; fi
} >"$OUT"
say "wrote $OUT in $T_TOTAL s (work folder $BENCH_DIR)"
cat "$GOALS" "$RESULTS"
