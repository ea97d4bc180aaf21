#!/usr/bin/env bash
# Packs what a lab needs to write a RepLens plugin outside this repository into a local NuGet folder
# feed (default artifacts/packages/):
#   RepLens.Abstractions.<contract version>.nupkg   the contracts (with XML docs), the only package a plugin references
#   RepLens.Templates.<contract version>.nupkg      `dotnet new replens-plugin` (install with `dotnet new install <nupkg>`)
# Both versions are RepLensContractVersion in Directory.Build.props.
# Usage: tools/pack.sh [output folder]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/packages}
mkdir -p "$out"
out=$(cd "$out" && pwd)
configuration=${CONFIGURATION:-Release}
dotnet pack src/Abstractions -c "$configuration" -o "$out" -nologo -v quiet -clp:ErrorsOnly
dotnet pack templates -c "$configuration" -o "$out" -nologo -v quiet -clp:ErrorsOnly
ls -1 "$out"/RepLens.Abstractions.*.nupkg "$out"/RepLens.Templates.*.nupkg
echo "local feed: $out"
echo "next: dotnet new install $out/RepLens.Templates.<version>.nupkg"
echo "      dotnet new replens-plugin --kind target -n Lab.MyTarget --feed $out"
