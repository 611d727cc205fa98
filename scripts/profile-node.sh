#!/usr/bin/env bash
# Where one gateway node's CPU goes under a pushbench load: the measurements behind docs/PERFORMANCE.md.
#
# Usage: scripts/profile-node.sh [-p sse|ws|longpoll] [-s SUBSCRIBERS] [-w WARMUP_MSGS] [-o DIR] [--perf] [--jfr]
#                                [-- gateway options]
#
# Starts a broker node on core 0 (as pushbench's FANFARE_SIDECAR_KAFKA=1 does) and the gateway from this
# checkout's jar on core 1, then pushbench's load generator on core 0: the style's 1k scenario (SSE and
# WebSocket: SUBSCRIBERS x 100 events/s for 10 s; long polling: x 10/s), after WARMUP_MSGS (2,000) warm-up
# messages at 100/s. Over the measured window it takes, and writes to DIR (default target/perf/profile-<time>):
#   result.txt      pushbench's RESULT line: CPU per delivery, latency percentiles
#   threads.txt     the gateway's CPU by thread (ticks of /proc/<pid>/task/*/stat: 10 ms each)
#   latency.txt     from the node's /metrics: Kafka's own produce-to-consume, the node's fan-out, the delivery latency
#   gc.log          the gateway's collections and safepoints (-Xlog:gc,safepoint)
#   --perf          perf.data, 15 s of `perf record -e cpu-clock -g` (root), and perf-{dso,comm,sym}.txt
#   --jfr           gateway.jfr, JFR's profile settings with every compilation (jdk.Compilation#threshold=0ms)
# JVM options of the gateway: FANFARE_JAVA_OPTS (default: the launcher's); PUSHBENCH as for bench-peers.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PUSHBENCH=${PUSHBENCH:-$ROOT/../shared/pushbench}
PUSHBENCH_WORK=${PUSHBENCH_WORK:-${TMPDIR:-/tmp}/pushbench-work}
STYLE=sse SUBS=1000 WARMUP=2000 OUT="" PERF=0 JFR=0
while [ $# -gt 0 ]; do
  case "$1" in
    -p) STYLE=$2; shift 2 ;;
    -s) SUBS=$2; shift 2 ;;
    -w) WARMUP=$2; shift 2 ;;
    -o) OUT=$2; shift 2 ;;
    --perf) PERF=1; shift ;;
    --jfr) JFR=1; shift ;;
    --) shift; break ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "profile-node: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
done
case "$STYLE" in sse | ws | longpoll) ;; *) echo "profile-node: -p sse, ws or longpoll" >&2; exit 2 ;; esac
OUT=${OUT:-$ROOT/target/perf/profile-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

JAR=$PUSHBENCH/loadgen/target/pushbench-loadgen.jar
[ -f "$JAR" ] || JAR=$PUSHBENCH_WORK/loadgen/target/pushbench-loadgen.jar
[ -f "$JAR" ] || { echo "profile-node: no load generator: run $PUSHBENCH/run-peer.sh nchan smoke once to build it" >&2; exit 1; }
[ -f "$ROOT/gateway/target/fanfare-gateway.jar" ] || (cd "$ROOT" && mvn -q -B -pl feed,gateway package -DskipTests)
CP="$ROOT/gateway/target/fanfare-gateway.jar:$ROOT/gateway/target/lib/*"
# The launcher's options for run (its NODE_JAVA_OPTS_DEFAULT, expanded as the launcher expands it).
OPTS=${FANFARE_JAVA_OPTS:-$(eval "$(grep -E '^(NODE_)?JAVA_OPTS_DEFAULT=' "$ROOT/fanfare")"; echo "$NODE_JAVA_OPTS_DEFAULT")}
SIDE_PORT=${SIDE_PORT:-8471} PORT=${PORT:-8470}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
wait_http() { for _ in $(seq 120); do curl -sf "$1" > /dev/null && return 0; sleep 0.5; done; echo "profile-node: $1 did not answer" >&2; exit 1; }

taskset -c 0 java -Xmx1g -cp "$CP" dev.fanfare.gateway.Main --port "$SIDE_PORT" --no-demo-feed --data-dir "$WORK/side" \
  > "$OUT/broker.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$SIDE_PORT/health"
BROKER=$(sed -n 's/.*Kafka: *\(127\.0\.0\.1:[0-9]*\).*/\1/p' "$OUT/broker.log" | head -1)

EXTRA=()
[ "$JFR" = 1 ] && EXTRA+=("-XX:StartFlightRecording=name=profile,settings=profile,jdk.Compilation#threshold=0ms")
# shellcheck disable=SC2086
taskset -c 1 java $OPTS -XX:+PreserveFramePointer "-Xlog:gc,safepoint:file=$OUT/gc.log:uptime" "${EXTRA[@]}" -cp "$CP" \
  dev.fanfare.gateway.Main --port "$PORT" --no-demo-feed --data-dir "$WORK/gw" --kafka "$BROKER" --create-topics "$@" \
  > "$OUT/gateway.log" 2>&1 &
GW=$!
PIDS+=($GW)
wait_http "http://127.0.0.1:$PORT/health"

BASE=http://127.0.0.1:$PORT
case "$STYLE" in
  sse) LOAD=(fanout --proto sse --sub-url "$BASE/sse?channel=demo/{ch}" --subs "$SUBS" --rate 100 --messages 1000) ;;
  ws) LOAD=(fanout --proto ws --sub-url "ws://127.0.0.1:$PORT/ws?channel=demo/{ch}" --subs "$SUBS" --rate 100 --messages 1000) ;;
  longpoll) LOAD=(longpoll --sub-url "$BASE/longpoll?channel=demo/{ch}&timeout=25" --subs "$SUBS" --rate 10 --messages 100 --duration-s 10) ;;
esac
taskset -c 0 java -Xms1g -Xmx4g -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled -jar "$JAR" "${LOAD[@]}" \
  --pub-url "$BASE/publish/demo/{ch}" --pub-body '{payload}' --pub-content-type text/plain --pub-conns 1 \
  --target fanfare --scenario "profile-$STYLE" --run 1 --threads 1 --server-pids "$GW" --max-runtime-s 300 \
  --jit-warmup-msgs "$WARMUP" --jit-warmup-rate 100 > "$OUT/loadgen.log" 2>&1 &
LG=$!
PIDS+=($LG)

ticks() { for t in /proc/$GW/task/*; do echo "$(tr ' ' '_' < "$t/comm") $(sed 's/.*) //' "$t/stat" | awk '{print $12+$13}')"; done; }
latency() { curl -s "$BASE/metrics" | grep -E '^fanfare_(ingest|delivery|fanout)_latency_seconds_(sum|count|bucket)' || true; }
records() { curl -s "$BASE/metrics" | awk '/^fanfare_ingest_latency_seconds_count/{print int($2)}'; }
# The measured window starts once WARMUP records are read: the warm-up, but for its last few (probes came first).
# pushbench cuts a warm-up off after 30 s (long polls: ~1,400 of 2,000 here); then the window starts when
# the records' rate falls below half the warm-up's (long polls are measured at 10/s after 100/s).
SEEN=() N=0
while kill -0 "$LG" 2> /dev/null; do
  R=$(records); SEEN+=("$R"); N=${#SEEN[@]}
  [ "$R" -ge "$WARMUP" ] && break
  [ "$N" -gt 10 ] && [ "$R" -gt 200 ] && [ $((R - SEEN[N - 6])) -lt 50 ] && [ $((SEEN[N - 6] - SEEN[N - 11])) -lt 50 ] && break
  sleep 0.2
done
ticks > "$OUT/ticks0.txt"; latency > "$OUT/metrics0.txt"
if [ "$PERF" = 1 ]; then
  jcmd "$GW" Compiler.perfmap > /dev/null 2>&1 || true
  perf record -F 999 -e cpu-clock -g -p "$GW" -o "$OUT/perf.data" -- sleep 15 > /dev/null 2>&1 || echo "profile-node: perf record failed" >&2
  jcmd "$GW" Compiler.perfmap > /dev/null 2>&1 || true
fi
wait "$LG" || true
ticks > "$OUT/ticks1.txt"; latency > "$OUT/metrics1.txt"
[ "$JFR" = 1 ] && jcmd "$GW" JFR.dump name=profile filename="$OUT/gateway.jfr" > /dev/null 2>&1
grep RESULT "$OUT/loadgen.log" > "$OUT/result.txt" || { echo "profile-node: no result (log: $OUT/loadgen.log)" >&2; exit 1; }

python3 - "$OUT" <<'PY'
import collections, re, sys
out = sys.argv[1]
def ticks(f):
    d = collections.Counter()
    for line in open(f):
        name, v = line.rsplit(' ', 1)
        d[re.sub(r'[-#_]?\d+$', '', name.strip())] += int(v)  # the loops' and workers' numbers folded
    return d
a, b = ticks(f'{out}/ticks0.txt'), ticks(f'{out}/ticks1.txt')
d = {k: b[k] - a.get(k, 0) for k in b}
total = sum(d.values())
with open(f'{out}/threads.txt', 'w') as f:
    f.write(f'{total} ticks (10 ms) over the measured window\n')
    for k, v in sorted(d.items(), key=lambda kv: -kv[1]):
        if v > 0:
            f.write(f'{v:6d} {100 * v / max(total, 1):5.1f} %  {k}\n')
def metrics(f):
    d = {}
    for line in open(f):
        k, v = line.rsplit(' ', 1)
        d[k] = float(v)
    return d
m0, m1 = metrics(f'{out}/metrics0.txt'), metrics(f'{out}/metrics1.txt')
with open(f'{out}/latency.txt', 'w') as f:
    for name, label in [('ingest_latency', ''), ('fanout_latency', ''), ('delivery_latency', 'style="sse"'),
                        ('delivery_latency', 'style="ws"'), ('delivery_latency', 'style="longpoll"')]:
        key = lambda kind: f'fanfare_{name}_seconds_{kind}' + ('{' + label + '}' if label else '')
        n = m1.get(key('count'), 0) - m0.get(key('count'), 0)
        if n <= 0:
            continue
        buckets = sorted((float(re.search(r'[{,]le="([^"]+)"', k).group(1).replace('+Inf', 'inf')), v - m0.get(k, 0))
                         for k, v in m1.items() if k.startswith(f'fanfare_{name}_seconds_bucket') and label in k)
        q = lambda p: next(le for le, c in buckets if c >= p * n)
        what = {'ingest_latency': 'Kafka, record to the reader', 'fanout_latency': 'node, reader to a batch\'s last flush'}.get(
            name, f'node, record to socket (sampled), {label}')
        f.write(f'{what}: {int(n)} samples, mean {(m1[key("sum")] - m0.get(key("sum"), 0)) / n * 1000:.2f} ms,'
                f' p50 <= {q(.5) * 1000:g} ms, p90 <= {q(.9) * 1000:g} ms, p99 <= {q(.99) * 1000:g} ms\n')
PY
if [ "$PERF" = 1 ] && [ -f "$OUT/perf.data" ]; then
  perf report -i "$OUT/perf.data" --no-children --sort dso --stdio -g none 2> /dev/null | grep '%' > "$OUT/perf-dso.txt" || true
  perf report -i "$OUT/perf.data" --no-children --sort comm --stdio -g none 2> /dev/null | grep '%' > "$OUT/perf-comm.txt" || true
  perf report -i "$OUT/perf.data" --no-children --sort sym --stdio -g none 2> /dev/null | grep '%' | head -60 > "$OUT/perf-sym.txt" || true
fi
cut -c1-330 "$OUT/result.txt"
head -8 "$OUT/threads.txt"
cat "$OUT/latency.txt"
[ "$PERF" = 1 ] && head -4 "$OUT/perf-dso.txt"
echo "profile-node: everything in $OUT"
