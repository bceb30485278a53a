#!/usr/bin/env bash
# Runs the whole system on this machine: PostgreSQL and Redis from their Debian packages (installed
# if missing), then the API, IMAP, SMTP and webhook services. Data stays in .data/ between runs.
# Options go to the launcher, e.g. ./run.sh --free-ports, ./run.sh --only api,imap, ./run.sh --help
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh

require_dotnet
require initdb:postgresql redis-server:redis-server

# UseAspire=false builds the AppHost as the local launcher (no containers, no Aspire packages).
export UseAspire=false
exec dotnet run --project AgentMail.AppHost -- "$@"
