# Sourced by scripts/bench-*.sh (after scripts/prerequisites.sh): the parts every load benchmark
# shares — Release builds, a work folder that goes away on exit, and the load tool's serve process
# (PostgreSQL, Redis and the service under test) kept alive on file descriptor 3.

# bench_prepare <service project> <load command> <name>: builds, sets LOAD and WORK, cleans up on exit.
bench_prepare() {
  export UseAspire=false
  dotnet build -c Release "$1" -v q -nologo >/dev/null
  dotnet build -c Release AgentMail.Benchmarks -v q -nologo >/dev/null
  LOAD="dotnet AgentMail.Benchmarks/bin/Release/net10.0/AgentMail.Benchmarks.dll $2"
  WORK=$(mktemp -d "/tmp/agentmail-$3.XXXXXX")
  chmod 755 "$WORK"   # the postgres (and dovecot) users must reach their folders
  trap bench_cleanup EXIT
}

# Ends the serve process (closing its stdin, fd 3) and removes WORK. A script with more to stop
# traps its own function, which ends by calling this one.
bench_cleanup() {
  exec 3>&- 2>/dev/null || true
  wait "${SERVE_PID:-}" 2>/dev/null || true
  rm -rf "$WORK"
}

# bench_serve <arguments of "serve">: starts the serve process on fd 3, logging to WORK/serve.log.
bench_serve() {
  exec 3> >($LOAD serve "$@" > "$WORK/serve.log" 2>&1)
  SERVE_PID=$!
}

# bench_wait_ready <seconds> [pattern]: waits for the serve process's READY line, prints the lines
# matching pattern (default READY), and sets CONFIG; on a timeout prints the log and exits.
bench_wait_ready() {
  for _ in $(seq 1 "$1"); do grep -q READY "$WORK/serve.log" 2>/dev/null && break; sleep 1; done
  grep -E "${2:-READY}" "$WORK/serve.log" || { cat "$WORK/serve.log"; exit 1; }
  CONFIG="$WORK/server/bench.json"
}
