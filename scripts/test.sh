#!/usr/bin/env bash
# Runs the whole test suite (README's test command; .ci/run calls this).
# Tests that need ../shared (reference models, tokenizer, datasets) skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.dotnet:$PATH"
dotnet test TokenSkip.Agents.sln -c Release --logger "console;verbosity=normal" "$@"
# README's C# snippet, unchanged, in a new console app that references only src/TokenSkip.SemanticKernel.
bash scripts/check-readme-snippet.sh
