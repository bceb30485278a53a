#!/usr/bin/env bash
# The webhook dispatcher's load test: event-to-delivery latency (p50/p99, from the event row's
# created_at in the committing transaction to the receiver's handler) and sustained deliveries/s
# (a backlog drained), with 1 and then 4 dispatcher workers. Starts its own PostgreSQL (durable,
# fsync on) and Redis from the installed binaries; nothing else is touched.
# Extra arguments go to every run, e.g. --latency-events 5000 --rate 500 --throughput-events 50000.
set -euo pipefail
cd "$(dirname "$0")/.."
export UseAspire=false
dotnet build -c Release AgentMail.Benchmarks -v quiet -nologo
for workers in 1 4; do
  dotnet AgentMail.Benchmarks/bin/Release/net10.0/AgentMail.Benchmarks.dll webhooks --workers "$workers" "$@"
  echo
done
