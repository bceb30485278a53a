#!/usr/bin/env bash
# SMTP throughput: submission (465, TLS, AUTH) and inbound MX (25) to stored-and-queued, as
# messages/s with the accept latency percentiles. Starts a durable PostgreSQL, Redis and the SMTP
# service (Release) in a temporary folder, drives it with our load command (AgentMail.Benchmarks
# smtp-load) and, for MX, also with Postfix's smtp-source — extracted from Debian's postfix
# package into the temporary folder (apt-get download + dpkg -x), never installed or run as a service.
#
# A warm-up of both modes runs first, unmeasured, then VACUUM ANALYZE: the figures are the steady
# state, after tiered compilation has finished its work (it runs for several thousand messages
# after start-up) and with table statistics that describe the grown store.
#
#   scripts/bench-smtp.sh [--clients 8] [--messages 20000] [--size 10240] [--warmup 8000]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prerequisites.sh
require_dotnet
require initdb:postgresql redis-server:redis-server

CLIENTS=8; MESSAGES=20000; SIZE=10240; WARMUP=8000
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) CLIENTS=$2; shift 2 ;;
    --messages) MESSAGES=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

. scripts/bench-common.sh
bench_prepare AgentMail.Smtp smtp-load smtp-bench

# Postfix's smtp-source, unpacked only.
SMTP_SOURCE=""
if (cd "$WORK" && apt-get download postfix >/dev/null 2>&1); then
  dpkg -x "$WORK"/postfix_*.deb "$WORK/postfix"
  SMTP_SOURCE="$WORK/postfix/usr/sbin/smtp-source"
  export LD_LIBRARY_PATH="$WORK/postfix/usr/lib/postfix${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  echo "note: apt-get download postfix failed; skipping smtp-source" >&2
fi

# The server side; it runs until file descriptor 3 (its standard input) is closed.
bench_serve --server-dll AgentMail.Smtp/bin/Release/net10.0/AgentMail.Smtp.dll --data "$WORK/server" --grants "$CLIENTS"
bench_wait_ready 150
SMTP_PID=$(sed -n 's/.*SMTP pid \([0-9]*\);.*/\1/p' "$WORK/serve.log")
POSTMASTER_PID=$(head -1 "$WORK/server/postgres/postmaster.pid")

# CPU seconds used so far by a process and its children.
cpu_of_tree() { python3 scripts/cputree.py "$1"; }
# Runs the load and reports, besides its own line, the CPU each side spent per message and the machine's load.
measure() {
  local messages=$1; shift
  local smtp0 pg0 smtp1 pg1 client
  smtp0=$(cpu_of_tree "$SMTP_PID"); pg0=$(cpu_of_tree "$POSTMASTER_PID")
  client=$( { /usr/bin/time -f "%U %S" $LOAD run --config "$CONFIG" --messages "$messages" "$@" > "$WORK/run.out"; } 2>&1 | tail -1)
  cat "$WORK/run.out"
  smtp1=$(cpu_of_tree "$SMTP_PID"); pg1=$(cpu_of_tree "$POSTMASTER_PID")
  python3 -c "
u, s = map(float, '$client'.split())
n = $messages
print(f'   CPU per message: SMTP service {($smtp1-$smtp0)/n*1000:.2f} ms, PostgreSQL {($pg1-$pg0)/n*1000:.2f} ms, load client {(u+s)/n*1000:.2f} ms; load average {open(\"/proc/loadavg\").read().split()[0]} on {__import__(\"os\").cpu_count()} cores')"
}
MX_PORT=$(python3 -c "import json,sys; print(json.load(open('$CONFIG'))['MxPort'])")
GRANT=$(python3 -c "import json,sys; print(json.load(open('$CONFIG'))['Grants'][0])")

echo "== warm-up: $WARMUP messages each of submission and MX, not measured"
$LOAD run --config "$CONFIG" --mode submission --clients "$CLIENTS" --messages "$WARMUP" --size "$SIZE" >/dev/null
$LOAD run --config "$CONFIG" --mode mx --clients "$CLIENTS" --messages "$WARMUP" --size "$SIZE" >/dev/null
dotnet AgentMail.Benchmarks/bin/Release/net10.0/AgentMail.Benchmarks.dll analyze --config "$CONFIG"
echo "== submission: $CLIENTS clients over TLS with AUTH, one grant each"
measure "$MESSAGES" --mode submission --clients "$CLIENTS" --size "$SIZE"
echo "== the store alone: MessageService.SubmitAsync from $CLIENTS writers, as the API sends (no SMTP)"
measure "$MESSAGES" --mode core --clients "$CLIENTS" --size "$SIZE"
echo "== submission: $CLIENTS clients, all the same grant (one Sent folder)"
measure "$MESSAGES" --mode submission --clients "$CLIENTS" --size "$SIZE" --grants 1
echo "== mx: $CLIENTS clients, one grant each"
measure "$MESSAGES" --mode mx --clients "$CLIENTS" --size "$SIZE"
if [ -n "$SMTP_SOURCE" ]; then
  echo "== mx: Postfix smtp-source -s $CLIENTS -m $MESSAGES -l $SIZE (one grant)"
  start=$(date +%s.%N)
  "$SMTP_SOURCE" -s "$CLIENTS" -m "$MESSAGES" -l "$SIZE" -f sender@example.org -t "$GRANT" -M bench.agentmail.test "127.0.0.1:$MX_PORT"
  end=$(date +%s.%N)
  python3 -c "print(f'smtp-source: $MESSAGES messages in {$end-$start:.1f} s: {$MESSAGES/($end-$start):.0f} messages/s')"
fi
