#!/usr/bin/env bash
# Runs every test. Installs what they need when missing: PostgreSQL and Redis (the tests start
# their own, on free loopback ports in temporary folders), and the real clients later tests
# drive — swaks, mutt, curl, openssl, python3 (with python3-dkim, the SMTP tests' independent DKIM
# verifier), and the npm clients locked in tests/clients.
# Extra arguments go to dotnet test, e.g. ./test.sh --filter "FullyQualifiedName~Hosting"
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh

require_dotnet
require initdb:postgresql redis-server:redis-server swaks:swaks mutt:mutt curl:curl openssl:openssl python3:python3 npm:npm dkimverify:python3-dkim
(cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)

# UseAspire=false: the AppHost builds as the local launcher, which the end-to-end test runs.
export UseAspire=false
dotnet test AgentMail.sln "$@"
