#!/usr/bin/env bash
# Builds the solution and runs every test project; prints the totals as a plain line
# "N passed, N failed" (after a line "N skipped"). Needs only the .NET 10 SDK (packages restore from NuGet).
# Usage: ./test.sh [extra `dotnet test` arguments, e.g. --filter FullyQualifiedName~Rsa]
set -uo pipefail
cd "$(dirname "$0")"
configuration=${CONFIGURATION:-Release}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Optional test dependencies from Debian's packages: headless Chromium renders the HTML report; Slurm
# (slurmctld, slurmd, slurm-client: ~13 MB) lets the tests start a one-node cluster for `replens slurm`.
# Installed when this runs as root with apt-get (CI, fresh machines); otherwise those tests are
# skipped with their reason. REPLENS_NO_INSTALL=1 turns this off.
if [ "${REPLENS_NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  wanted=()
  command -v chromium >/dev/null || wanted+=(chromium)
  { [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && command -v sbatch >/dev/null; } || wanted+=(slurmctld slurmd slurm-client)
  if [ ${#wanted[@]} -gt 0 ]; then
    echo "installing test dependencies (${wanted[*]}) ..."
    apt_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; }
    for p in "${wanted[@]}"; do
      apt_install "$p" || { apt-get update -qq >/dev/null 2>&1; apt_install "$p"; } || echo "could not install $p; the tests that need it will be skipped"
    done
  fi
fi

dotnet build Plugins.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; echo "build failed"; exit 1; }
dotnet test Plugins.sln -c "$configuration" --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-project summaries: "Passed!  - Failed:     0, Passed:    18, Skipped:     0, Total:    18"
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
projects=$(grep -cE '^(Passed|Failed)!' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test exited with $status (a test host may have crashed)"; fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "no test ran"; fi
echo "test projects: $projects"
echo "$skipped skipped"
# The last line is the totals, plain, for CI.
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
