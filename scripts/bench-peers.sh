#!/usr/bin/env bash
# Measures Fanfare next to nginx + Nchan and Pushpin with ../shared/pushbench, one sitting, and writes
# the README's performance table from what that sitting measured.
#
# Usage: scripts/bench-peers.sh [-n RUNS] [-o DIR] [--no-readme] [ROW...]     (or ./fanfare bench-peers ...)
#   ROW          a row of the table (default: all but smoke, in this order):
#                  sse-1k-cold  SSE 1k x 100/s, 50 warm-up messages    nchan fanfare pushpin
#                  sse-1k-warm  SSE 1k x 100/s, 2,000 warm-up          nchan fanfare fanfare-sidecar pushpin
#                  sse-3k-30    SSE 3k x 30/s, broker outside          nchan fanfare-sidecar pushpin
#                  ws-1k-cold   WebSocket 1k x 100/s, 50 warm-up       nchan fanfare pushpin
#                  ws-1k-warm   WebSocket 1k x 100/s, broker outside   nchan fanfare-sidecar pushpin
#                  lp-1k        long polling 1k x 10/s, broker outside nchan fanfare-sidecar pushpin
#                  sse-10k      SSE 10k x 100/s, broker outside        nchan fanfare-sidecar pushpin
#                  idle-10k     10k idle SSE connections               nchan fanfare pushpin
#                  idle-18k     18k idle SSE connections               nchan fanfare pushpin
#                  smoke        SSE, 50 subscribers, 40 messages       nchan fanfare fanfare-sidecar pushpin
#                               (only when named: a check that every server starts and delivers)
#   -n RUNS      runs of each server per row (default 1). Servers take turns run by run (nchan, fanfare, ...,
#                then again), so every ratio compares runs of one sitting; the table shows medians.
#   -o DIR       where the sitting's results and logs go (default: target/perf/<date>-<time>)
#   --no-readme  write the table to DIR/table.md only, not into README.md (between its bench-peers markers)
#
# Servers: nchan, pushpin, fanfare (this checkout's ./fanfare run, broker in-process) and fanfare-sidecar
# (FANFARE_SIDECAR_KAFKA=1: the broker in a second node on the load generator's core, so the measured
# node's CPU is the gateway's alone). FANFARE_SIDECAR_KAFKA=1 in the environment measures every Fanfare
# row that way. A server that is not installed, or does not speak the row's protocol, or fails to start,
# gets a row saying so. pushbench waits for a quiet machine before each run and repeats a run that other
# processes disturbed (NOISY_CPU_S, NOISY_RETRIES); every attempt is kept and the table says which it used.
#
# Environment: PUSHBENCH (default: ../shared/pushbench beside this checkout) and pushbench's own knobs
# (PIN, QUIET_MAX_PCT, QUIET_TIMEOUT_S, NOISY_CPU_S, NOISY_RETRIES, ...), passed through.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PUSHBENCH=${PUSHBENCH:-$ROOT/../shared/pushbench}
export PATH="$PATH:/usr/sbin:/sbin"

# row | pushbench scenario | warm-up messages | servers | extra loadgen arguments | what the table calls the load
ROWS=(
  "sse-1k-cold|sse-1k|50|nchan fanfare pushpin||SSE 1k subscribers x 100/s, cold (50 warm-up messages)"
  "sse-1k-warm|sse-1k|2000|nchan fanfare fanfare-sidecar pushpin||SSE 1k x 100/s, warm (2,000 warm-up messages)"
  "sse-3k-30|sse-1k|2000|nchan fanfare-sidecar pushpin|--subs 3000 --rate 30 --messages 300|SSE 3k x 30/s, warm, broker outside"
  "ws-1k-cold|ws-1k|50|nchan fanfare pushpin||WebSocket 1k x 100/s, cold"
  "ws-1k-warm|ws-1k|2000|nchan fanfare-sidecar pushpin||WebSocket 1k x 100/s, warm, broker outside"
  "lp-1k|lp-1k|2000|nchan fanfare-sidecar pushpin||Long polling 1k x 10/s, warm, broker outside"
  "sse-10k|sse-10k|2000|nchan fanfare-sidecar pushpin||SSE 10k x 100/s, broker outside (saturates the server's core)"
  "idle-10k|idle-10k|2000|nchan fanfare pushpin||10k idle SSE connections, held 10 s"
  "idle-18k|idle-19k|2000|nchan fanfare pushpin|--conns 18000|18k idle SSE connections, held 10 s"
)
# Named only: every server starts and delivers, in about a minute each.
SMOKE="smoke|smoke|50|nchan fanfare fanfare-sidecar pushpin||SSE smoke: 50 subscribers, 40 messages at 20/s"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

INVOCATION="scripts/bench-peers.sh${*:+ $*}"
RUNS=1
OUT=""
README=1
WANTED=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) RUNS=${2:?-n needs a number}; shift 2 ;;
    -o) OUT=${2:?-o needs a directory}; shift 2 ;;
    --no-readme) README=0; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "bench-peers: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) WANTED+=("$1"); shift ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench-peers: -n $RUNS (expected: a whole number > 0)" >&2; exit 2; }
[ -x "$PUSHBENCH/run-peer.sh" ] || { echo "bench-peers: no pushbench at $PUSHBENCH (set PUSHBENCH)" >&2; exit 1; }

row_of() {
  local r
  for r in "${ROWS[@]}" "$SMOKE"; do [ "${r%%|*}" = "$1" ] && { echo "$r"; return 0; }; done
  return 1
}
SELECTED=()
if [ ${#WANTED[@]} -eq 0 ]; then
  SELECTED=("${ROWS[@]}")
else
  for w in "${WANTED[@]}"; do
    r=$(row_of "$w") || { echo "bench-peers: unknown row $w (rows: $(printf '%s ' "${ROWS[@]%%|*}")smoke)" >&2; exit 2; }
    SELECTED+=("$r")
  done
fi

OUT=${OUT:-$ROOT/target/perf/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
RESULTS=$OUT/results.jsonl
: > "$RESULTS"

# Why a server cannot run here (empty: it can).
missing() {
  case "$1" in
    nchan)
      command -v nginx >/dev/null || { echo "nginx not installed (apt-get install libnginx-mod-nchan)"; return; }
      dpkg -L libnginx-mod-nchan 2>/dev/null | grep -q 'ngx_nchan_module\.so$' \
        || echo "Nchan not installed (apt-get install libnginx-mod-nchan)" ;;
    pushpin)
      command -v pushpin >/dev/null || echo "Pushpin not installed (apt-get install pushpin)" ;;
  esac
}

# The pushbench target of a server, and whether it speaks a scenario's protocol.
target_of() { case "$1" in fanfare*) echo fanfare ;; *) echo "$1" ;; esac; }
protocol_of() { case "$1" in ws-*) echo ws ;; lp-*) echo longpoll ;; *) echo sse ;; esac; }
speaks() {
  local protocols
  protocols=$(BENCH_DIR=$PUSHBENCH bash -c '. "$0" >/dev/null 2>&1; echo "$TARGET_PROTOCOLS"' "$PUSHBENCH/targets/$1.sh")
  case " $protocols " in *" $2 "*) return 0 ;; *) return 1 ;; esac
}

# FANFARE_SIDECAR_KAFKA=1 in the caller's environment: every Fanfare run with the broker outside.
SIDECAR_ALL=${FANFARE_SIDECAR_KAFKA:-0}
unset FANFARE_SIDECAR_KAFKA
servers_of() {
  local out="" s
  for s in $1; do
    [ "$SIDECAR_ALL" = 1 ] && [ "$s" = fanfare ] && s=fanfare-sidecar
    case " $out " in *" $s "*) ;; *) out+="${out:+ }$s" ;; esac
  done
  echo "$out"
}

# The environment of one run, as NAME=value words.
env_of() {
  local server=$1 scenario=$2 warmup=$3 extra=$4
  [ "$warmup" != 2000 ] && [ "${scenario#idle}" = "$scenario" ] && echo "WARMUP_MSGS=$warmup"
  [ -n "$extra" ] && echo "EXTRA_ARGS=\"$extra\""
  [ "$server" = fanfare-sidecar ] && echo "FANFARE_SIDECAR_KAFKA=1"
  return 0
}

# The command one run is, as a person would type it from the project's root.
command_of() {
  local env
  env=$(env_of "$@" | tr '\n' ' ')
  echo "${env}../shared/pushbench/run-peer.sh $(target_of "$1") $2"
}

json_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# Appends a line of ours: the fields given as name value pairs (values already JSON).
record() {
  local line="{" sep=""
  while [ $# -gt 1 ]; do line+="$sep\"$1\":$2"; sep=","; shift 2; done
  echo "$line}" >> "$RESULTS"
}

# Runs one server once for a row; appends each attempt pushbench recorded, tagged with the row.
run_one() {
  local row=$1 scenario=$2 warmup=$3 extra=$4 server=$5 load=$6 round=$7
  local cmd why log attempts tag_text="" i line
  cmd=$(command_of "$server" "$scenario" "$warmup" "$extra")
  local tags=("row" "$(json_string "$row")" "load" "$(json_string "$load")" "server" "$(json_string "$server")"
              "round" "$round" "command" "$(json_string "$cmd")")
  why=$(missing "$server")
  if [ -z "$why" ] && ! speaks "$(target_of "$server")" "$(protocol_of "$scenario")"; then
    why="no $(protocol_of "$scenario") support"
  fi
  if [ -n "$why" ]; then
    echo "# $row: $server not measured: $why" >&2
    record "${tags[@]}" "missing" "$(json_string "$why")"
    return 0
  fi
  log=$OUT/logs/$row-$server-$round.log
  attempts=$OUT/logs/$row-$server-$round.jsonl
  echo "# $row ($round/$RUNS): $cmd" >&2
  local env=(RESULTS_FILE="$attempts" FANFARE_DIR="$ROOT" FANFARE_SIDECAR_KAFKA=0)
  [ "$warmup" != 2000 ] && env+=(WARMUP_MSGS="$warmup")
  [ -n "$extra" ] && env+=(EXTRA_ARGS="$extra")
  [ "$server" = fanfare-sidecar ] && env+=(FANFARE_SIDECAR_KAFKA=1)
  rm -f "$attempts"
  (cd "$ROOT" && env "${env[@]}" "$PUSHBENCH/run-peer.sh" "$(target_of "$server")" "$scenario" 1) > "$log" 2>&1 || true
  grep -E '^RESULT|noisy|loadgen exited' "$log" >&2 || true
  if [ ! -s "$attempts" ]; then
    why=$(grep -v '^#' "$log" | grep -v '^ *$' | tail -1)
    echo "# $row: $server gave no result: ${why:-see $log}" >&2
    record "${tags[@]}" "missing" "$(json_string "no result: ${why:-see $log}")"
    return 0
  fi
  for ((i = 0; i < ${#tags[@]}; i += 2)); do tag_text+=",\"${tags[i]}\":${tags[i + 1]}"; done
  while IFS= read -r line; do
    [ -n "$line" ] && echo "${line%\}}$tag_text}" >> "$RESULTS"
  done < "$attempts"
}

commit=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(cd "$ROOT" && git status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit (with local changes)"
record "sitting" "$(json_string "$(date -u +%Y-%m-%dT%H:%M:%SZ)")" "commit" "$(json_string "$commit")" \
       "runs" "$RUNS" "cores" "$(nproc)" "command" "$(json_string "$INVOCATION")"

# The launcher builds when the sources changed; do it now rather than inside a run's start-up wait.
"$ROOT/fanfare" run --help > /dev/null

for entry in "${SELECTED[@]}"; do
  IFS='|' read -r row scenario warmup servers extra load <<< "$entry"
  for round in $(seq 1 "$RUNS"); do
    for server in $(servers_of "$servers"); do
      run_one "$row" "$scenario" "$warmup" "$extra" "$server" "$load" "$round"
    done
  done
done
record "finished" "$(json_string "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"

table_args=("$RESULTS" --out "$OUT/table.md")
[ "$README" = 1 ] && table_args+=(--readme "$ROOT/README.md")
"$ROOT/fanfare" peer-table "${table_args[@]}"
cat "$OUT/table.md"
echo "results: $RESULTS" >&2
