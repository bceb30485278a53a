# Sourced by run.sh, test.sh and .ci/run: finds what is missing and installs it with apt-get when
# it can (root or passwordless sudo on Debian/Ubuntu), or says exactly what to install.
#
#   require command:debian-package ...
#
# A command counts as present when it is on PATH or, for PostgreSQL's server binaries, under
# /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH).

have_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  case "$1" in
    initdb|pg_ctl|postgres) compgen -G "/usr/lib/postgresql/*/bin/$1" >/dev/null ;;
    *) return 1 ;;
  esac
}

require() {
  local missing=() spec
  for spec in "$@"; do
    have_command "${spec%%:*}" || missing+=("${spec#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  # unique, in order
  local packages
  packages=$(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++' | tr '\n' ' ')

  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      echo "Missing: ${packages}" >&2
      echo "Install them with:  sudo apt-get install -y ${packages}" >&2
      echo "(or the equivalent packages of your distribution), then run this again." >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: ${packages} — and no apt-get here. Install PostgreSQL, Redis and the listed tools with your package manager." >&2
    exit 1
  fi
  echo "Installing: ${packages}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${packages}
}

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is missing: see https://dotnet.microsoft.com/download (global.json pins the version)." >&2
    exit 1
  fi
}

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
