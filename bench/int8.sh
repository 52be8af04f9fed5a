#!/usr/bin/env bash
# int8 against float32 on ONNX Runtime, the issue's two settings (batch 1 on 1 thread, batch 16 on 2 threads):
# each model is exported, quantized with `leannets quantize` (calibrated on CALIB_DIR), and both files are timed
# round-robin in one process (bench --interleave), three rounds per setting. Only the ratios mean anything on a
# shared machine; the report gives each ratio's median and range over the rounds.
# Usage: [WEIGHT_BITS=7|8] bench/int8.sh [CALIB_DIR [OUT_DIR [MODEL...]]]
#   (defaults ../shared/data/raccoon/JPEGImages, bench/results/int8, the four models below; WEIGHT_BITS is
#   quantize's --weight-bits, default 7; 8 for a CPU with VNNI)
set -euo pipefail
cd "$(dirname "$0")/.."
calib=${1:-../shared/data/raccoon/JPEGImages}
out=${2:-bench/results/int8}
shift $(( $# > 2 ? 2 : $# ))
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(resnet50 mobilenetv2_100 shufflenetv2_x1_0 vgnetg_1_0mp)
rounds=3
mkdir -p "$out"
files=$(mktemp -d)   # the float exports (100 MB for ResNet-50) are not kept
trap 'rm -rf "$files"' EXIT
pairs=()
for m in "${models[@]}"; do
  ./leannets export "$m" --onnx "$files/$m.onnx" >/dev/null
  ./leannets quantize "$files/$m.onnx" --calibrate "$calib" --images 64 --weight-bits "${WEIGHT_BITS:-7}" \
    --output "$files/$m.int8.onnx" \
    | tee "$out/quantize-$m.log" | grep -E "^(wrote|ONNX Runtime|output SQNR)"
  pairs+=("$files/$m.onnx" "$files/$m.int8.onnx")
done
for setting in "1 1" "16 2"; do
  read -r batch threads <<<"$setting"
  tag="b${batch}-t${threads}"
  for round in $(seq 1 "$rounds"); do
    ./leannets --threads "$threads" bench "${pairs[@]}" --interleave --batch "$batch" --runs 15 \
      --json "$out/int8-$tag-r$round.json" >/dev/null
  done
  python3 bench/int8_ratios.py "batch $batch, $threads thread(s)" "$out"/int8-"$tag"-r*.json \
    | tee "$out/ratios-$tag.md"
done
