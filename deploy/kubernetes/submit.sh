#!/usr/bin/env bash
# Classify one region on Kubernetes: an Indexed Job of N shards, then the merge Job once every index
# has ended, whatever each one's outcome. Kubernetes has no dependencies between Jobs, so this script
# is the dependency: it waits for the shards' Job to be Complete or Failed (with maxFailedIndexes = N
# the Job only ends once every index has ended), then starts the merge and waits for it.
#
#   deploy/kubernetes/submit.sh [--dry-run] REGION MODEL OUT N
#
#   REGION, MODEL, OUT  paths as the pods see them, on the volume mounted at $MINING_LULC_MOUNT
#   N                   the number of shards (index i runs `run --shard (i+1)/N`)
#   --dry-run           print the two manifests as they would be submitted, and stop
#
# Environment:
#   MINING_LULC_IMAGE        the image built from the repository's Dockerfile (required, unless --dry-run)
#   MINING_LULC_NAME         name prefix of the two Jobs (default: mining-lulc-<last part of OUT>)
#   MINING_LULC_PVC          a ReadWriteMany PersistentVolumeClaim holding regions, models and outputs
#                            (default: mining-lulc-data), mounted at MINING_LULC_MOUNT (default: /data)
#   MINING_LULC_CPUS         cores per pod, also --workers (default 4); MINING_LULC_MEMORY (default 12Gi)
#   MINING_LULC_PARALLELISM  shards running at once (default: N)
#   KUBECTL                  the kubectl to use (default: kubectl), with its current context and namespace
#
# Exit status: the merge's (0 every site done, 1 some failed or skipped, 2 unusable input, 3 crash).
# Running it again on the same OUT redoes only what is not finished (the Jobs of an earlier run of the
# same name are deleted first; their finished sites stay in OUT/work/).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dry=0
[ "${1:-}" = --dry-run ] && { dry=1; shift; }
[ $# -eq 4 ] || { echo "usage: $0 [--dry-run] REGION MODEL OUT N" >&2; exit 2; }
region="$1"; model="$2"; out="$3"; count="$4"
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: N must be a positive whole number, not '$count'" >&2; exit 2; }
image="${MINING_LULC_IMAGE:-}"
[ -n "$image" ] || [ "$dry" = 1 ] || { echo "submit.sh: set MINING_LULC_IMAGE to the image built from the Dockerfile" >&2; exit 2; }
name="${MINING_LULC_NAME:-mining-lulc-$(basename "$out")}"
name="$(printf '%s' "$name" | tr 'A-Z_.' 'a-z--' | tr -cd 'a-z0-9-' | cut -c1-50)"
kubectl="${KUBECTL:-kubectl}"

# Fills in the ${...} of a template (values are written into double-quoted YAML strings: no '"' or '\').
render() {
  local v
  for v in "$region" "$model" "$out" "$image" "${MINING_LULC_PVC:-}" "${MINING_LULC_MOUNT:-}"; do
    case "$v" in *'"'* | *\\*) echo "submit.sh: '$v' holds a quote or backslash" >&2; exit 2 ;; esac
  done
  NAME="$name" SHARDS="$count" PARALLELISM="${MINING_LULC_PARALLELISM:-$count}" IMAGE="${image:-mining-lulc:latest}" \
  REGION="$region" MODEL="$model" OUT="$out" CPUS="${MINING_LULC_CPUS:-4}" MEMORY="${MINING_LULC_MEMORY:-12Gi}" \
  PVC="${MINING_LULC_PVC:-mining-lulc-data}" MOUNT="${MINING_LULC_MOUNT:-/data}" \
    awk '{
      while (match($0, /\$\{[A-Z]+\}/)) {
        key = substr($0, RSTART + 2, RLENGTH - 3)
        if (!(key in ENVIRON)) { print "submit.sh: no value for ${" key "}" > "/dev/stderr"; exit 2 }
        $0 = substr($0, 1, RSTART - 1) ENVIRON[key] substr($0, RSTART + RLENGTH)
      }
      print
    }' "$1"
}

if [ "$dry" = 1 ]; then
  render "$here/shards-job.yaml"; echo "---"; render "$here/merge-job.yaml"
  exit 0
fi

# The Job's terminal condition, once it has one: Complete or Failed (else empty).
ended() { "$kubectl" get job "$1" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{"\n"}{end}' | grep -xE 'Complete|Failed' | head -n 1 || true; }
wait_ended() {
  local state
  while state="$(ended "$1")"; [ -z "$state" ]; do sleep 10; done
  echo "$state"
}

"$kubectl" delete job "$name-shards" "$name-merge" --ignore-not-found >/dev/null
render "$here/shards-job.yaml" | "$kubectl" apply -f -
echo "shards: job/$name-shards, $count indexes; waiting for every index to end ..."
shards="$(wait_ended "$name-shards")"
echo "shards: $shards ($("$kubectl" get job "$name-shards" -o jsonpath='{.status.succeeded} succeeded, {.status.failedIndexes} failed indexes'))"

render "$here/merge-job.yaml" | "$kubectl" apply -f -
echo "merge: job/$name-merge"
merge="$(wait_ended "$name-merge")"
"$kubectl" logs "job/$name-merge" --tail=50 >&2 || true
code="$("$kubectl" get pods -l "job-name=$name-merge" --sort-by=.metadata.creationTimestamp \
  -o jsonpath='{range .items[*]}{.status.containerStatuses[0].state.terminated.exitCode}{"\n"}{end}' | tail -n 1)"
echo "merge: $merge, exit ${code:-unknown}"
[ "$merge" = Complete ] && exit 0
exit "${code:-3}"
