#!/usr/bin/env bash
# Throughput of `mining-lulc run` against the plain GDAL + numpy + scikit-learn pipeline
# (benchmarks/python/pipeline.py) on the same synthetic region, on this machine.
#
#   benchmarks/python/compare.sh [--sites 300] [--seed 11] [--runs 3] [--preset published|default] [--work DIR] [--set KEY=VALUE ...]
#
# Publishes the Release CLI, writes the region (synth) and trains both models once (training is
# timed and printed, but not part of the comparison), then times whole `run` processes, ours and
# Python's, taking turns (so that load from elsewhere on a shared machine falls on both alike):
# wall time of the process, start-up and model loading included. Prints the medians and the ratio.
# The engine's model uses --preset (default "published": 15 features and a 100-tree random forest,
# like the Python pipeline; "default" is the engine's own method); the engine's published method
# also runs the 48-neighbour majority filter, which the Python pipeline does not. --set passes a
# setting to the engine's `run` (e.g. --set align.warp_error_pixels=0.001 for the approximate warp).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sites=300 seed=11 runs=3 preset=published work=/tmp/mining-lulc-compare sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sites) sites="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --preset) preset="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --set) sets+=(--set "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
python="${PYTHON:-/usr/bin/python3}"
"$python" -c 'import osgeo, numpy, sklearn' 2>/dev/null || { echo "needs python3-gdal, numpy and scikit-learn for $python (apt-get install python3-gdal python3-sklearn)" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The engine runs as batch users install it: the artefact of `dotnet publish -r linux-x64` (README.md,
# ReadyToRun), start-up included. CLI_DLL=path/mining-lulc.dll times another build instead (e.g. a copy
# of an earlier one).
if [ -z "${CLI_DLL:-}" ]; then
  echo "publishing the Release CLI (ReadyToRun) into $work/cli ..." >&2
  rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
  dotnet publish "$root/src/MiningLulc.Cli/MiningLulc.Cli.csproj" -c Release -r "$rid" --self-contained false \
    -o "$work/cli" -v quiet --nologo -clp:ErrorsOnly >&2
fi
cli=(dotnet "${CLI_DLL:-$work/cli/mining-lulc.dll}")

mkdir -p "$work"
region="$work/region-$sites-$seed"
if [ ! -f "$region/sites.gpkg" ]; then
  echo "writing a synthetic region of $sites sites (seed $seed) ..." >&2
  "${cli[@]}" synth --out "$region" --sites "$sites" --seed "$seed" >/dev/null
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

ours_model="$work/model-$sites-$seed-$preset.zip"
if [ ! -f "$ours_model" ]; then
  t0=$(now); "${cli[@]}" train --region "$region" --out "$ours_model" --preset "$preset" >/dev/null; t1=$(now)
  echo "engine training ($preset): $(elapsed "$t0" "$t1") s (not compared)"
fi
py_model="$work/model-$sites-$seed.pkl"
if [ ! -f "$py_model" ]; then
  t0=$(now); "$python" "$root/benchmarks/python/pipeline.py" train --region "$region" --model "$py_model"; t1=$(now)
  echo "python training: $(elapsed "$t0" "$t1") s (not compared)"
fi

ours_times=() py_times=()
for k in $(seq 1 "$runs"); do
  rm -rf "$work/out-ours" "$work/out-py"
  t0=$(now); "${cli[@]}" run --region "$region" --model "$ours_model" --out "$work/out-ours" "${sets[@]}" > "$work/ours-$k.log" 2>&1; t1=$(now)
  ours_times+=("$(elapsed "$t0" "$t1")")
  t0=$(now); "$python" "$root/benchmarks/python/pipeline.py" run --region "$region" --model "$py_model" --out "$work/out-py" > "$work/py-$k.log" 2>&1; t1=$(now)
  py_times+=("$(elapsed "$t0" "$t1")")
  echo "run $k: engine ${ours_times[-1]} s, python ${py_times[-1]} s" >&2
done
grep -h 'time per stage' "$work/ours-$runs.log" || true
echo "python stages: $(tail -n 1 "$work/py-$runs.log")"
"$python" - "$sites" "$preset" "${ours_times[*]}" "${py_times[*]}" <<'EOF'
import statistics, sys
sites, preset, ours, py = sys.argv[1], sys.argv[2], [float(x) for x in sys.argv[3].split()], [float(x) for x in sys.argv[4].split()]
o, p = statistics.median(ours), statistics.median(py)
print(f"region of {sites} sites, {len(ours)} runs each; engine ({preset} model) median {o:.1f} s, python median {p:.1f} s")
print(f"throughput ratio (python time / engine time): {p / o:.2f}x")
EOF
