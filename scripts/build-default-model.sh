#!/usr/bin/env bash
# Reproduces the embedded default model (models/tokenskip-default) from scratch with the project's own pipeline:
# synthetic problems, BPE tokenizer, base model, TokenSkip data, LoRA, merge, evaluation and calibration.
# Seeded; intermediate artifacts go to artifacts/default-model (rerun to resume after an interruption).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.dotnet:$PATH"
dotnet run -c Release --project src/TokenSkip.Cli -- build-default-model --threads 1 "$@"
