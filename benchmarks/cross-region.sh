#!/usr/bin/env bash
# How a method generalises to regions it never saw (issue 13, item 8): synthetic regions of three
# presets train one model; regions of three other presets are classified with it and assessed
# against their own labels (area-weighted, every pixel of every site). Prints overall accuracy and
# macro F1 per test region and their means, for each method given.
#
#   benchmarks/cross-region.sh [--sites 30] [--work DIR] [--method default|published ...] [--set KEY=VALUE ...] [--cv K] [--tag NAME]
#
# --cv K also cross-validates the method on the training regions' sites (`train --cv K`, folds by site
# groups) and prints the folds' mean; --tag keeps a variant's model, maps and reports apart (model-METHOD-TAG.zip).
#
# Training regions: arid, tropical, southern (seeds 21-23). Test regions: sample, multitile, gee
# (seeds 31-33): other landscapes, latitudes, CRSs and DCM tilings, never a site of them in training.
# Regions are written once and kept in --work; models and runs are redone on every call.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sites=30 work=/tmp/mining-lulc-cross-region methods=() sets=() cv=() tag=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sites) sites="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --method) methods+=("$2"); shift 2 ;;
    --set) sets+=(--set "$2"); shift 2 ;;
    --cv) cv=(--cv "$2"); shift 2 ;;
    --tag) tag="-$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#methods[@]} -gt 0 ] || methods=(default published)
cli="$root/mining-lulc"
train_presets=(arid tropical southern) test_presets=(sample multitile gee)
mkdir -p "$work"

region() { # preset seed
  local dir="$work/$1-$sites-$2"
  if [ ! -f "$dir/sites.gpkg" ]; then "$cli" synth --out "$dir" --preset "$1" --sites "$sites" --seed "$2" >/dev/null; fi
  echo "$dir"
}

train_args=()
seed=21
for p in "${train_presets[@]}"; do train_args+=(--region "$(region "$p" $seed)"); seed=$((seed + 1)); done
tests=()
seed=31
for p in "${test_presets[@]}"; do tests+=("$(region "$p" $seed)"); seed=$((seed + 1)); done

for method in "${methods[@]}"; do
  m="$method$tag"
  model="$work/model-$m.zip"
  "$cli" train "${train_args[@]}" --preset "$method" "${sets[@]}" "${cv[@]}" --out "$model" >/dev/null
  rows=()
  for t in "${tests[@]}"; do
    name="$(basename "$t")"
    rm -rf "$work/out-$m-$name" "$work/rep-$m-$name"
    "$cli" run --region "$t" --model "$model" --out "$work/out-$m-$name" >/dev/null 2>&1
    "$cli" assess --pred "$work/out-$m-$name" --ref "$t/labels" --out "$work/rep-$m-$name" >/dev/null 2>&1
    rows+=("$name $work/rep-$m-$name/report.json")
  done
  /usr/bin/python3 - "$m" "$model" "${rows[@]}" <<'EOF'
import json, sys, zipfile
method, model, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
oa, f1 = [], []
for row in rows:
    name, path = row.split(" ", 1)
    r = json.load(open(path))
    oa.append(r["overall_accuracy"]); f1.append(r["macro_f1"])
    weak = sorted(((c["f1"], n) for n, c in r["per_class"].items() if c.get("reference_area_m2", 0) > 0))[:2]
    print(f"{method:10s} {name:22s} OA {oa[-1]:.3f}  macro F1 {f1[-1]:.3f}  weakest: " + ", ".join(f"{n} {v:.2f}" for v, n in weak))
print(f"{method:10s} {'mean':22s} OA {sum(oa)/len(oa):.3f}  macro F1 {sum(f1)/len(f1):.3f}")
with zipfile.ZipFile(model) as z:
    cv = json.loads(z.read("card.json")).get("cv")
if cv:
    mean, sd = cv["mean"], cv["sd"]
    print(f"{method:10s} {'train --cv ' + str(cv['k']):22s} OA {mean['overall_accuracy']:.3f} ± {sd['overall_accuracy']:.3f}  macro F1 {mean['macro_f1']:.3f} ± {sd['macro_f1']:.3f}")
EOF
done
