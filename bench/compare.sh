#!/usr/bin/env bash
# One command for the engine comparison: LeanNets (TorchSharp and ONNX Runtime on its own export), PyTorch eager
# and ONNX Runtime on torchvision's export, the same architectures and protocol, all in this one run; prints the
# ratios (only ratios measured in one run mean anything on a shared machine).
# Needs Debian's python3-torch and python3-torchvision (apt), run with /usr/bin/python3.
# Usage: bench/compare.sh [OUT_DIR [REPORT]]   (defaults bench/results/compare, OUT_DIR/performance.md)
# The report is Markdown: the machine, the commands, and one ratio table per setting.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/results/compare}
report=${2:-$out/performance.md}
mkdir -p "$out"
onnx=$(mktemp -d)   # torchvision's exports (100 MB for ResNet-50) are not kept
trap 'rm -rf "$onnx"' EXIT
models=(mobilenetv2_100 resnet50 shufflenetv2_x1_0)
rounds=3
# LeanNets int8 beside the float engines: each model's export quantized once (leannets quantize, 64 calibration
# pictures, the defaults), timed in the same round-robin as the float files.
calib=${CALIB:-../shared/data/raccoon/JPEGImages}
mkdir -p "$onnx/int8"
for m in "${models[@]}"; do
  ./leannets export "$m" --onnx "$onnx/int8/$m.float.onnx" >/dev/null
  ./leannets quantize "$onnx/int8/$m.float.onnx" --calibrate "$calib" --images 64 \
    --output "$onnx/int8/$m.int8.onnx" >/dev/null
done
# The issue's two settings: batch 16 on 2 threads, batch 1 on 1 thread. Each setting runs $rounds rounds; a round
# is one LeanNets process timing its engines and ONNX Runtime on torchvision's exports round-robin (bench
# --interleave), then one PyTorch process. Ratios are taken within each round; the report gives their median and
# range over the rounds.
for setting in "16 2" "1 1"; do
  read -r batch threads <<<"$setting"
  tag="b${batch}-t${threads}"
  rm -f "$out"/leannets-"$tag"*.json "$out"/pytorch-"$tag"*.json "$out/torchvision-ort-$tag.json"
  # torchvision's ONNX exports first (the timings of this call are not used).
  /usr/bin/python3 bench/pytorch/bench.py --batch 1 --threads "$threads" --runs 1 --warmup 0 \
    --json "$onnx/export.json" --export-dir "$onnx" >/dev/null
  pairs=()
  for round in $(seq 1 "$rounds"); do
    ./leannets --threads "$threads" bench "${models[@]}" "$onnx"/*.onnx "$onnx"/int8/*.int8.onnx \
      --engine torchsharp onnxruntime --fold-bn \
      --interleave --batch "$batch" --runs 20 --json "$out/leannets-$tag-r$round.json"
    /usr/bin/python3 bench/pytorch/bench.py --batch "$batch" --threads "$threads" --runs 20 \
      --json "$out/pytorch-$tag-r$round.json"
    pairs+=("$out/leannets-$tag-r$round.json" "$out/pytorch-$tag-r$round.json")
  done
  /usr/bin/python3 bench/pytorch/ratios.py "batch $batch, $threads thread(s), 224x224" "${pairs[@]}" \
    | tee "$out/ratios-$tag.md"
done

# Memory: VGNetG-1.0MP at batch 16, each engine in a fresh process (peak resident memory of the whole process).
# TorchSharp's process holds libtorch; ONNX Runtime runs the exported file in a process that never loads it, as a
# deployed model would.
mkdir -p "$onnx/memory"
./leannets export vgnetg_1_0mp --onnx "$onnx/memory/vgnetg_1_0mp.onnx" >/dev/null
./leannets --threads 2 bench vgnetg_1_0mp --batch 16 --runs 10 --json "$out/memory-torchsharp.json"
./leannets --threads 2 bench "$onnx/memory/vgnetg_1_0mp.onnx" --batch 16 --runs 10 --json "$out/memory-onnxruntime.json"
/usr/bin/python3 bench/pytorch/ratios.py --memory "$out/memory-torchsharp.json" "$out/memory-onnxruntime.json" \
  | tee "$out/memory.md"

# Training: one SGD step (forward, cross-entropy, backward, momentum update) at batch 64, 2 threads.
dotnet build bench/LeanNets.Bench -c Release -v quiet -nologo >/dev/null
for size in 32 224; do
  tag="train-b64-s$size"
  runs=$([ "$size" = 32 ] && echo 10 || echo 5)
  dotnet bench/LeanNets.Bench/bin/Release/net10.0/LeanNets.Bench.dll trainstep 64 "$size" "$runs" 2 \
    "$out/leannets-$tag.json" "${models[@]}"
  /usr/bin/python3 bench/pytorch/bench.py --train --batch 64 --size "$size" --threads 2 \
    --runs "$runs" --json "$out/pytorch-$tag.json"
  /usr/bin/python3 bench/pytorch/ratios.py --train "$out/leannets-$tag.json" "$out/pytorch-$tag.json" \
    "training step, batch 64, 2 threads, ${size}x${size}" | tee "$out/ratios-$tag.md"
done

{
  echo "# Performance: LeanNets beside PyTorch and ONNX Runtime"
  echo
  echo "Written by \`bench/compare.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores,"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); PyTorch" \
    "$(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null), torchvision" \
    "$(/usr/bin/python3 -c 'import torchvision; print(torchvision.__version__)' 2>/dev/null)."
  echo "Every number comes from this one run: ratios of images per second, > 1 when LeanNets is faster."
  echo "LeanNets ORT is LeanNets' ONNX Runtime engine on its own export (BN folded); ORT on torchvision export"
  echo "is the same runtime, same session options, on \`torch.onnx.export\` of torchvision's model; TorchSharp"
  echo "and PyTorch are the eager paths (eval, no autograd, tuned allocator in both); \"BN folded\" is TorchSharp"
  echo "after \`NormFolding.Fold\` (\`bench --fold-bn\`). LeanNets int8 is \`leannets quantize\`'s file of the"
  echo "same export (64 calibration pictures, percentile, uint8 activations, 7-bit weights) on ONNX Runtime; its"
  echo "ratio is to LeanNets ORT (float32). Inference: $rounds rounds per setting, each a LeanNets"
  echo "process timing its engines and ORT on torchvision's export round-robin (\`bench --interleave\`, 20 calls"
  echo "each) followed by a PyTorch process; img/s are medians over the rounds, ratios the median of the"
  echo "rounds' ratios with their range. JSON: $out."
  cat "$out"/ratios-b*.md "$out/memory.md" "$out"/ratios-train-*.md
} > "$report.tmp"
mv "$report.tmp" "$report"
echo "wrote $report"
