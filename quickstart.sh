#!/usr/bin/env bash
# Builds RepLens (Release) and runs the quick-start on the embedded stimuli:
#   examples/quickstart/config.json  ->  runs/quickstart/
# Needs only the .NET 10 SDK (packages restore from NuGet). Extra arguments go to `replens run`.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build Plugins.sln -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet src/Host/bin/Release/net10.0/replens.dll run examples/quickstart/config.json "$@"
echo "Outputs: runs/quickstart/ (figures/target_rsa.png, tables/target_rsa.csv, rdms/, manifest.json)"
