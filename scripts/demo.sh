#!/usr/bin/env bash
# Set up what is missing, then load the demo into the default SQLite database and write
# its documents to ./demo-output (or the folder given).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
exec "$root/.venv/bin/roundup-crm" demo --out "${1:-demo-output}"
