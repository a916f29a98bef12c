#!/usr/bin/env bash
# Runs the main job (README's first command): the budgeted worksheet agent on the embedded TokenSkip model
# (models/tokenskip-default), printing per step the γ chosen, tokens used, budget left and correctness.
# Extra arguments go to the agent (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.dotnet:$PATH"
if [ ! -f models/tokenskip-default/config.json ] && [ -z "${TOKENSKIP_DEFAULT_MODEL:-}" ]; then
  echo "[demo] models/tokenskip-default is missing (it ships with the repository): restore it with git," >&2
  echo "[demo] or rebuild it with 'bash scripts/build-default-model.sh' (about an hour on 2 cores)." >&2
  exit 1
fi
echo "[demo] building and starting samples/WorksheetAgent (Release) ..." >&2
dotnet run -c Release --project samples/WorksheetAgent -- "$@"
