#!/usr/bin/env bash
# IMAP benchmark, in one run:
#   1. the same realistic mix (SELECT, FETCH headers, FETCH bodies, STORE, APPEND, SEARCH, IDLE round
#      trips) over TLS against our IMAP service and against Debian's Dovecot (dovecot-imapd, started
#      here with a private configuration on loopback, never as the system service): ops/s, p50/p99
#      and the ratio;
#   2. memory per idle authenticated connection: the IMAP process's RSS before and after N IDLE
#      connections (default 5 000);
#   3. push latency: a flag change through the mailbox core (what the API calls) until the idling
#      client reads the untagged FETCH, p50/p99.
# Our side runs on a durable PostgreSQL and Redis started from the installed binaries, with the
# IMAP service built in Release as its own process.
#
#   scripts/bench-imap.sh [--connections 32] [--seconds 30] [--users 8] [--messages 200] [--idle 5000] [--samples 300] [--warmup 20]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prerequisites.sh
require_dotnet
require initdb:postgresql redis-server:redis-server dovecot:dovecot-imapd python3:python3

CONNECTIONS=32; SECONDS_=30; USERS=8; MESSAGES=200; IDLE=5000; SAMPLES=300; WARMUP=20
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) CONNECTIONS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --messages) MESSAGES=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --samples) SAMPLES=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

. scripts/bench-common.sh
bench_prepare AgentMail.Imap imap-load imap-bench
DOVECOT_CONF="$WORK/dovecot/dovecot.conf"
cleanup() {
  [ -f "$DOVECOT_CONF" ] && doveadm -c "$DOVECOT_CONF" stop >/dev/null 2>&1 || true
  bench_cleanup
}
trap cleanup EXIT

# Ours: PostgreSQL, Redis and the IMAP process; runs until file descriptor 3 closes.
bench_serve --server-dll AgentMail.Imap/bin/Release/net10.0/AgentMail.Imap.dll --data "$WORK/server" --users "$USERS"
bench_wait_ready 150
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$CONFIG" "$1"; }
PORT=$(json ImapsPort); IMAP_PID=$(json Pid); PASSWORD=$(json Password)

# Dovecot: same certificate, same users and password, Maildir under $WORK, its own ports and run folder.
DOVECOT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MAIL_USER=$(id -un); [ "$(id -u)" -eq 0 ] && MAIL_USER=dovecot
mkdir -p "$WORK/dovecot/run" "$WORK/dovecot/mail"
for i in $(seq 0 $((USERS - 1))); do echo "bench$i@agentmail.test:{PLAIN}$PASSWORD"; done > "$WORK/dovecot/users"
chown -R "$MAIL_USER" "$WORK/dovecot/mail"
cat > "$DOVECOT_CONF" <<EOF
base_dir = $WORK/dovecot/run
state_dir = $WORK/dovecot/run
log_path = $WORK/dovecot/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <$WORK/server/tls/agentmail-dev.crt
ssl_key = <$WORK/server/tls/agentmail-dev.key
auth_mechanisms = plain
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $WORK/dovecot/users
}
userdb {
  driver = static
  args = uid=$MAIL_USER gid=$(id -gn "$MAIL_USER") home=$WORK/dovecot/mail/%u
}
mail_location = maildir:~/Maildir
first_valid_uid = 1
mail_max_userip_connections = 100000
default_internal_user = $MAIL_USER
default_login_user = $( [ "$(id -u)" -eq 0 ] && echo dovenull || id -un )
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = $DOVECOT_PORT
    ssl = yes
  }
}
EOF
dovecot -c "$DOVECOT_CONF"
for _ in $(seq 1 100); do (exec 9<>"/dev/tcp/127.0.0.1/$DOVECOT_PORT") 2>/dev/null && break; sleep 0.2; done

echo "== Warm-up: the same mix for $WARMUP s against each server, not measured (seeds the mailboxes; our JIT tiers up), then VACUUM ANALYZE ours"
$LOAD run --port "$PORT" --password "$PASSWORD" --users "$USERS" --connections "$CONNECTIONS" --seconds "$WARMUP" --messages "$MESSAGES" --label warm-up >/dev/null
$LOAD run --port "$DOVECOT_PORT" --password "$PASSWORD" --users "$USERS" --connections "$CONNECTIONS" --seconds "$WARMUP" --messages "$MESSAGES" --label warm-up >/dev/null
dotnet AgentMail.Benchmarks/bin/Release/net10.0/AgentMail.Benchmarks.dll analyze --config "$CONFIG"

echo "== Mix: $CONNECTIONS connections, $SECONDS_ s, $USERS users x $MESSAGES messages (TLS, loopback)"
$LOAD run --port "$PORT" --password "$PASSWORD" --users "$USERS" --connections "$CONNECTIONS" --seconds "$SECONDS_" --messages "$MESSAGES" --label agentmail | tee "$WORK/ours.txt"
$LOAD run --port "$DOVECOT_PORT" --password "$PASSWORD" --users "$USERS" --connections "$CONNECTIONS" --seconds "$SECONDS_" --messages "$MESSAGES" --label "dovecot-$(dovecot --version | cut -d' ' -f1)" | tee "$WORK/dovecot.txt"
OURS=$(sed -n 's/^RESULT [^ ]* //p' "$WORK/ours.txt"); THEIRS=$(sed -n 's/^RESULT [^ ]* //p' "$WORK/dovecot.txt")
python3 -c "print(f'ratio agentmail/dovecot: {float(\"$OURS\")/float(\"$THEIRS\"):.2f}')"

echo "== Memory per idle connection: $IDLE IDLE connections"
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
BEFORE=$(rss "$IMAP_PID")
exec 4> >($LOAD idle --port "$PORT" --password "$PASSWORD" --users "$USERS" --connections "$IDLE" > "$WORK/idle.log" 2>&1)
IDLE_PID=$!
for _ in $(seq 1 1200); do grep -q IDLING "$WORK/idle.log" 2>/dev/null && break; sleep 0.5; done
cat "$WORK/idle.log"
sleep 5
AFTER=$(rss "$IMAP_PID")
python3 -c "print(f'IMAP RSS {$BEFORE/1024:.0f} MB -> {$AFTER/1024:.0f} MB with $IDLE idle connections: {($AFTER-$BEFORE)/$IDLE:.1f} KB per connection')"
exec 4>&-
wait "$IDLE_PID" 2>/dev/null || true

echo "== Push latency"
$LOAD push --config "$CONFIG" --samples "$SAMPLES"
