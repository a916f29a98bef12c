#!/usr/bin/env bash
# Runs the main job (README's first command): the budgeted worksheet agent on the embedded TokenSkip model, printing
# per step the γ chosen, tokens used, budget left and correctness. Until the embedded model (models/tokenskip-default)
# is built, it says so and runs `tokenskip demo` on the stories260k model instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.dotnet:$PATH"
if [ -f models/tokenskip-default/config.json ] || [ -n "${TOKENSKIP_DEFAULT_MODEL:-}" ]; then
  dotnet run -c Release --project samples/WorksheetAgent -- "$@"
else
  echo "[demo] the embedded model models/tokenskip-default is not built yet: running 'tokenskip demo' instead." >&2
  echo "[demo] (the worksheet agent runs on any TokenSkip checkpoint: dotnet run --project samples/WorksheetAgent -- --model DIR)" >&2
  dotnet run -c Release --project src/TokenSkip.Cli -- demo "$@"
fi
