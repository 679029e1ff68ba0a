#!/usr/bin/env bash
# Classify one region on a Slurm cluster: an N-task job array of shards, then a merge job that starts
# once every task has ended, whatever each one's outcome (--dependency=afterany).
#
#   deploy/slurm/submit.sh REGION MODEL OUT N [SBATCH OPTION ...]
#
#   REGION  a region folder (docs/inputs.md)     MODEL  a model written by `train`
#   OUT     the output folder, on a file system every node sees (NFS, Lustre, ...)
#   N       the number of shards: array tasks 1..N run `mining-lulc run --shard I/N`
#   SBATCH OPTIONs go to both jobs and override the #SBATCH defaults of shards.sbatch and merge.sbatch
#   (4 cores, 12 GB, 12 h), e.g. --partition=batch --cpus-per-task=8 --mem=16G --time=4:00:00.
#
# Environment:
#   MINING_LULC_BIN         the CLI the jobs run. Default: the ./mining-lulc launcher of this checkout
#                           (it builds once, under a lock, if the sources changed: the checkout must be on
#                           a shared file system and the nodes need the .NET SDK). Better for a cluster: a
#                           published artefact (README.md, "Install / run outside the checkout"), e.g.
#                           MINING_LULC_BIN=/opt/mining-lulc/mining-lulc, which needs only the .NET runtime.
#   MINING_LULC_MERGE_ARGS  extra arguments of the merge's run (default: --zip)
#   MINING_LULC_LOGS        where the jobs' stdout/stderr go (default: OUT/slurm-logs): shard-<array>_<I>.out/.err,
#                           merge-<job>.out/.err
#
# Prints the array job's id, then the merge job's id alone on the last line, e.g. to wait for it:
#   merge=$(deploy/slurm/submit.sh /data/andes models/global.zip /scratch/out/andes 32 | tail -n 1)
# A shard task exits 0 once each of its sites has an outcome; the merge exits 0 when every site of the
# region is done, 1 when some failed or were skipped (listed in OUT/manifest.json and on its stderr).
# Resubmitting the same command redoes only what is not finished.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { echo "usage: $0 REGION MODEL OUT N [SBATCH OPTION ...]" >&2; exit 2; }
[ $# -ge 4 ] || usage
abs() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
region="$(abs "$1")"; model="$(abs "$2")"; out="$(abs "$3")"; count="$4"; shift 4
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: N must be a positive whole number, not '$count'" >&2; exit 2; }
[ -d "$region" ] || { echo "submit.sh: $region: region folder not found" >&2; exit 2; }
[ -f "$model" ] || { echo "submit.sh: $model: model not found" >&2; exit 2; }
command -v sbatch >/dev/null || { echo "submit.sh: sbatch not found: run it on a Slurm login node" >&2; exit 2; }

bin="${MINING_LULC_BIN:-$here/../../mining-lulc}"
bin="$(abs "$bin")"
[ -x "$bin" ] || { echo "submit.sh: $bin: the CLI is not there or not executable (set MINING_LULC_BIN)" >&2; exit 2; }
export MINING_LULC_BIN="$bin"
logs="$(abs "${MINING_LULC_LOGS:-$out/slurm-logs}")"
mkdir -p "$out" "$logs"

array="$(sbatch --parsable --array="1-$count" --output="$logs/shard-%A_%a.out" --error="$logs/shard-%A_%a.err" \
  "$@" "$here/shards.sbatch" "$region" "$model" "$out" "$count")"
array="${array%%;*}"
echo "shards: job array $array, tasks 1-$count, running $bin"
merge="$(sbatch --parsable --dependency="afterany:$array" --output="$logs/merge-%j.out" --error="$logs/merge-%j.err" \
  "$@" "$here/merge.sbatch" "$region" "$model" "$out")"
merge="${merge%%;*}"
echo "merge: job $merge, after every task of $array has ended; logs in $logs"
echo "$merge"
