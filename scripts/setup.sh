#!/usr/bin/env bash
# Set up roundup-crm on this machine: system packages (when root and apt-get is there),
# a virtual environment in .venv, and the package itself.
#
#   scripts/setup.sh            runtime: Pango, a Hangul font, the package
#   scripts/setup.sh --test     also PostgreSQL and the test/benchmark tools
#
# Anything it cannot install it names, with the command that would install it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- Python ------------------------------------------------------------------------
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      python="$candidate"; break
    fi
  done
fi
[[ -n "$python" ]] || die "Python 3.11 or newer is needed (Debian: apt-get install python3 python3-venv)"

# --- System packages ---------------------------------------------------------------
missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so' || missing+=(libharfbuzz-subset0)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=ko family | grep -q .); then
  missing+=(fonts-nanum)
fi
"$python" -m venv --help >/dev/null 2>&1 && "$python" -c 'import ensurepip' 2>/dev/null ||
  missing+=(python3-venv)
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if (( want_test )); then
  [[ -n "$(pg_bin)" && -x "$(pg_bin)/initdb" ]] || missing+=(postgresql)
fi

if (( ${#missing[@]} )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing system packages: ${missing[*]}"
    die "install them with: sudo apt-get install ${missing[*]}   (then run this again)"
  fi
fi

# --- Virtual environment and the package -------------------------------------------
venv="$root/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
  say "creating $venv"
  "$python" -m venv "$venv"
fi
extras=""
(( want_test )) && extras="[test,bench]"
stamp="$venv/.roundup-installed"
wanted="$(cat "$root/pyproject.toml" | sha256sum | cut -c1-16)$extras"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
  say "installing roundup-crm$extras into $venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null
  "$venv/bin/python" -m pip install --quiet --editable "$root$extras"
  echo "$wanted" > "$stamp"
fi
# An editable install leaves the package's bytecode to be written on first use, which never
# happens where PYTHONDONTWRITEBYTECODE is set: every command would then compile the
# package from source (~0.1 s). Write it now, as a regular install does; only changed
# files are compiled again.
"$venv/bin/python" -m compileall -q "$root/src" >/dev/null || die "could not compile $root/src"
"$venv/bin/roundup-crm" --version >/dev/null || die "the installed roundup-crm does not start"
