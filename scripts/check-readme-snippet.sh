#!/usr/bin/env bash
# Runs README.md's C# snippet (the csharp block after "<!-- readme-snippet -->") unchanged in a new console app outside
# the repository that references only src/TokenSkip.SemanticKernel, as a user would, and checks that it prints an
# answer and usage. CI runs it after the tests (scripts/test.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.dotnet:$PATH"
work="$(mktemp -d /tmp/tokenskip-readme-XXXXXX)"
trap 'rm -rf "$work"' EXIT

awk '/<!-- readme-snippet -->/{found=1; next} found && /^```csharp/{inside=1; next} inside && /^```/{exit} inside{print}' \
  "$root/README.md" > "$work/Program.cs"
[ -s "$work/Program.cs" ] || { echo "[readme] no snippet after <!-- readme-snippet --> in README.md" >&2; exit 1; }

cp "$root/nuget.config" "$work/nuget.config"
cat > "$work/ReadmeApp.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/src/TokenSkip.SemanticKernel/TokenSkip.SemanticKernel.csproj" />
  </ItemGroup>
</Project>
PROJ

echo "[readme] building a new console app in $work with README.md's snippet"
dotnet build "$work/ReadmeApp.csproj" -c Release -v q -nologo -o "$work/out" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
(cd "$work" && OMP_NUM_THREADS=1 dotnet "$work/out/ReadmeApp.dll") | tee "$work/run.log"
grep -q "γ " "$work/run.log" && grep -q "completion tokens" "$work/run.log" \
  || { echo "[readme] the snippet printed no γ and usage" >&2; exit 1; }
echo "[readme] the README snippet runs unchanged from a new console app"
