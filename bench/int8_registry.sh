#!/usr/bin/env bash
# Registry-wide int8: every classifier and detector `leannets models` lists is quantized from its initial weights
# (calibrated on 8 generated pictures), which also runs the int8 file in ONNX Runtime (the per-layer and output
# error are measured on it) and reads back the graph ONNX Runtime optimised. Writes one CSV row per model: exit
# code, seconds, convolutions ONNX Runtime runs on integers of all, and the file's size. The test suite covers one
# model of every family on trained weights (tests/LeanNets.Tests/Quantization); this covers every row.
# Usage: bench/int8_registry.sh [OUT_CSV=bench/results/int8/registry.csv [MODEL...]]   (every child bounded by a
#   timeout; the models named, else every row)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
csv=${1:-$root/bench/results/int8/registry.csv}
shift $(( $# > 0 ? 1 : 0 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/LeanNets.Cli" -c Release -v q -nologo >/dev/null || exit 1
cli="$root/src/LeanNets.Cli/bin/Release/net10.0/LeanNets.Cli.dll"
timeout 600 dotnet run --project "$root/bench/LeanNets.Bench" -c Release -- shapes "$work/shapes" 8 2 128 \
  >/dev/null || exit 1
mkdir -p "$(dirname "$csv")"
echo "model,exit,seconds,integer_convs,convs,megabytes" >"$csv.tmp"
ok=0 failed=0
models=("$@")
[ ${#models[@]} -gt 0 ] || mapfile -t models < <(timeout 120 dotnet "$cli" models --names)
for model in "${models[@]}"; do
  started=$(date +%s)
  timeout 900 dotnet "$cli" --threads 1 quantize "$model" --calibrate "$work/shapes/JPEGImages" --images 8 \
    --output "$work/$model.onnx" >"$work/$model.log" 2>&1
  rc=$?
  seconds=$(($(date +%s) - started))
  # "ONNX Runtime runs 52 of 52 convolutions on integers (...)"
  read -r integer total < <(sed -n 's/^ONNX Runtime runs \([0-9]*\) of \([0-9]*\) convolutions.*/\1 \2/p' \
    "$work/$model.log")
  size=$(stat -c %s "$work/$model.onnx" 2>/dev/null || echo 0)
  echo "$model,$rc,$seconds,${integer:-},${total:-},$((size / 1000000))" >>"$csv.tmp"
  if [ "$rc" -eq 0 ]; then ok=$((ok + 1)); else failed=$((failed + 1)); echo "failed: $model" >&2; tail -2 "$work/$model.log" >&2; fi
  rm -f "$work/$model.onnx"
done
mv "$csv.tmp" "$csv"
echo "int8 registry: $ok quantized, $failed failed; $csv"
[ "$failed" -eq 0 ]
