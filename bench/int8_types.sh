#!/usr/bin/env bash
# Which activation type ONNX Runtime runs faster here (uint8 or int8, both with 7-bit int8 weights), and the peak
# resident memory of an int8 run against the float32 one (each file alone in a fresh process, batch 16, 2 threads).
# Usage: bench/int8_types.sh [CALIB_DIR [OUT_DIR]]   (defaults ../shared/data/raccoon/JPEGImages, bench/results/int8)
set -euo pipefail
cd "$(dirname "$0")/.."
calib=${1:-../shared/data/raccoon/JPEGImages}
out=${2:-bench/results/int8}
mkdir -p "$out"
files=$(mktemp -d)
trap 'rm -rf "$files"' EXIT
pairs=()
for m in resnet50 mobilenetv2_100; do
  ./leannets export "$m" --onnx "$files/$m.onnx" >/dev/null
  for type in uint8 int8; do
    ./leannets quantize "$files/$m.onnx" --calibrate "$calib" --images 64 --activations "$type" \
      --output "$files/$m.$type.onnx" >/dev/null
  done
  pairs+=("$files/$m.uint8.onnx" "$files/$m.int8.onnx")
done
for setting in "1 1" "16 2"; do
  read -r batch threads <<<"$setting"
  ./leannets --threads "$threads" bench "${pairs[@]}" --interleave --batch "$batch" --runs 15 \
    --json "$out/types-b$batch-t$threads.json"
done
for f in resnet50.onnx resnet50.uint8.onnx mobilenetv2_100.onnx mobilenetv2_100.uint8.onnx; do
  ./leannets --threads 2 bench "$files/$f" --batch 16 --runs 5 --json "$out/memory-${f%.onnx}.json"
done
