#!/usr/bin/env bash
# IMAP SEARCH cost, in isolation: our IMAP service on a durable PostgreSQL (as scripts/bench-imap.sh
# starts it), mailboxes seeded by a short run of the benchmark's mix, then one Python imaplib
# connection running `SEARCH FROM "senderN" SINCE 1-Jan-2020` N times on one user's INBOX. Reports
# searches/s and the CPU the IMAP process and PostgreSQL spent per search. --no-cache answers
# SEARCH from the store only (Imap:SearchCacheMessages=0), for the comparison.
#
#   scripts/bench-imap-search.sh [--searches 2000] [--warmup 20] [--no-cache]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prerequisites.sh
require_dotnet
require initdb:postgresql redis-server:redis-server python3:python3

SEARCHES=2000; WARMUP=20
while [ $# -gt 0 ]; do
  case "$1" in
    --searches) SEARCHES=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --no-cache) export Imap__SearchCacheMessages=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

. scripts/bench-common.sh
bench_prepare AgentMail.Imap imap-load imap-search
bench_serve --server-dll AgentMail.Imap/bin/Release/net10.0/AgentMail.Imap.dll --data "$WORK/server" --users 8
bench_wait_ready 150 >/dev/null
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$CONFIG" "$1"; }

echo "== Seeding: the mix for $WARMUP s (8 users x 200 messages, then APPENDs), VACUUM ANALYZE"
$LOAD run --port "$(json ImapsPort)" --password "$(json Password)" --users 8 --connections 32 --seconds "$WARMUP" --messages 200 --label seed >/dev/null
dotnet AgentMail.Benchmarks/bin/Release/net10.0/AgentMail.Benchmarks.dll analyze --config "$CONFIG"

echo "== $SEARCHES searches, one connection (search cache: ${Imap__SearchCacheMessages:-on})"
python3 - "$CONFIG" "$SEARCHES" "$WORK/server/postgres/postmaster.pid" <<'PY'
import imaplib, json, ssl, sys, time
sys.path.insert(0, "scripts")
from cputree import cpu_seconds
config, count, pidfile = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]

postmaster = int(open(pidfile).readline())
context = ssl.create_default_context(); context.check_hostname = False; context.verify_mode = ssl.CERT_NONE
client = imaplib.IMAP4_SSL("127.0.0.1", config["ImapsPort"], ssl_context=context)
client.login(config["Users"][0], config["Password"])
print("INBOX messages:", client.select("INBOX")[1][0].decode())
for i in range(50):  # warm: JIT, plans, the cache's first read
    client.search(None, f'FROM "sender{i % 10}" SINCE 1-Jan-2020')
imap0, pg0, start = cpu_seconds(config["Pid"]), cpu_seconds(postmaster), time.time()
for i in range(count):
    client.search(None, f'FROM "sender{i % 10}" SINCE 1-Jan-2020')
elapsed = time.time() - start
imap1, pg1 = cpu_seconds(config["Pid"]), cpu_seconds(postmaster)
print(f"{count / elapsed:,.0f} searches/s; CPU per search: IMAP {(imap1 - imap0) / count * 1000:.3f} ms, PostgreSQL {(pg1 - pg0) / count * 1000:.3f} ms")
client.logout()
PY
