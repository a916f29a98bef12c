#!/usr/bin/env bash
# Runs the main job (README's first command): `tokenskip demo` on the default model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.dotnet:$PATH"
dotnet run -c Release --project src/TokenSkip.Cli -- demo "$@"
