#!/usr/bin/env bash
# The project's test command: the same set-up as ./mining-lulc (GDAL through apt when root; GDAL's
# command-line tools too, so the tests that compare with gdal_translate/ogr2ogr/validate_gpkg run;
# Slurm and munge, so the scheduler test brings up a one-node cluster with deploy/slurm/local-cluster.sh),
# then the whole xunit suite. Prints a closing "N passed, N failed, N skipped" line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  updated=0
  update() { [ "$updated" = 1 ] || { apt-get update -qq >/dev/null && updated=1; }; }
  if ! command -v ogr2ogr >/dev/null; then
    export MINING_LULC_EXTRA_PACKAGES="gdal-bin python3-gdal"
    if ldconfig -p 2>/dev/null | grep -q 'libgdal\.so'; then
      { update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin python3-gdal >/dev/null; } || true
    fi
  fi
  if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
    { update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null; } \
      || echo "test.sh: could not install slurm-wlm and munge: the Slurm test will try again or say why it cannot run" >&2
  fi
fi
MINING_LULC_SETUP_ONLY=1 ./mining-lulc
results="$root/tests/TestResults"
rm -rf "$results"
status=0
dotnet test "$root/tests/MiningLulc.Tests/MiningLulc.Tests.csproj" -c Release --nologo -v quiet \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?
trx="$(find "$results" -name '*.trx' | head -n 1)"
if [ -n "$trx" ]; then
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  echo "$(get passed) passed, $(get failed) failed, $(( $(get total) - $(get executed) )) skipped"
fi
exit $status
