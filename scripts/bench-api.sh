#!/usr/bin/env bash
# REST API under load with 100 000 messages in one grant: GET /messages?limit=50 and filtered lists
# (p50/p99 latency and requests/s from wrk, a separate process), and send throughput. Starts a durable
# PostgreSQL, Redis and the API (Release) in a temporary folder, seeds the grant through the core's
# AppendAsync (AgentMail.Benchmarks api-load serve), then drives it with wrk (Debian package 'wrk',
# needed by this script only) and with our own load command for send.
#
#   scripts/bench-api.sh [--messages 100000] [--connections 16] [--seconds 10]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prerequisites.sh
require_dotnet
require initdb:postgresql redis-server:redis-server wrk:wrk

MESSAGES=100000; CONNECTIONS=16; SECONDS_EACH=10
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) MESSAGES=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

. scripts/bench-common.sh
bench_prepare AgentMail.Api api-load api-bench

# The server side (PostgreSQL, Redis, the API, the seeded grant); it runs until fd 3 is closed.
bench_serve --server-dll AgentMail.Api/bin/Release/net10.0/AgentMail.Api.dll --data "$WORK/server" --messages "$MESSAGES"
bench_wait_ready 3600 "seeded|READY"
json() { python3 -c "import json,sys; print(json.load(open('$CONFIG'))['$1'])"; }
BASE="$(json BaseUrl)/v3/grants/$(json GrantId)"
KEY=$(json ApiKey); THREAD=$(json ThreadId); FOLDER=$(json FolderId)

# wrk's own line parsed into: requests/s, p50, p99, errors.
summarize() {
  local out=$1
  printf '%9s req/s  p50 %8s  p99 %8s %s' "$(awk '/^Requests\/sec/{print $2}' <<<"$out")" \
    "$(awk '/^ +50%/{print $2}' <<<"$out")" "$(awk '/^ +99%/{print $2}' <<<"$out")" \
    "$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)"
}
wrk -t1 -c4 -d5s -H "Authorization: Bearer $KEY" "$BASE/messages?limit=50" >/dev/null   # warm-up: JIT, caches, plans
echo "== lists (wrk; latency with 1 connection, throughput with $CONNECTIONS; ${SECONDS_EACH}s each; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
for path in \
  "/messages?limit=50" \
  "/messages?limit=50&in=inbox" \
  "/messages?limit=50&in=$FOLDER" \
  "/messages?limit=50&unread=true" \
  "/messages?limit=50&starred=true" \
  "/messages?limit=50&has_attachment=true" \
  "/messages?limit=50&from=sender7@example.com" \
  "/messages?limit=50&thread_id=$THREAD" \
  "/messages?limit=50&search_query_native=budget" \
  "/threads?limit=50"; do
  # One request first: it must be a 200.
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" "$BASE$path")
  [ "$status" = 200 ] || { echo "$path answered $status" >&2; exit 1; }
  one=$(wrk -t1 -c1 -d"${SECONDS_EACH}s" --latency -H "Authorization: Bearer $KEY" "$BASE$path")
  many=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -H "Authorization: Bearer $KEY" "$BASE$path")
  printf '%-52s c=1: %s | c=%s: %s\n' "GET ${path/$FOLDER/<Projects>}" "$(summarize "$one")" "$CONNECTIONS" "$(summarize "$many")"
done

echo "== send (api-load run --send: POST /messages/send, JSON, stored in Sent and queued)"
$LOAD run --config "$CONFIG" --send --connections 1 --seconds "$SECONDS_EACH"
$LOAD run --config "$CONFIG" --send --connections "$CONNECTIONS" --seconds "$SECONDS_EACH"
echo "== list again with our own load command, after the sends"
$LOAD run --config "$CONFIG" --path "/messages?limit=50" --connections "$CONNECTIONS" --seconds "$SECONDS_EACH"
