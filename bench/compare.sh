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
# The issue's two settings: batch 16 on 2 threads, batch 1 on 1 thread.
for setting in "16 2" "1 1"; do
  read -r batch threads <<<"$setting"
  tag="b${batch}-t${threads}"
  ./leannets --threads "$threads" bench "${models[@]}" --engine torchsharp onnxruntime --fold-bn \
    --batch "$batch" --runs 20 --json "$out/leannets-$tag.json"
  /usr/bin/python3 bench/pytorch/bench.py --batch "$batch" --threads "$threads" --runs 20 \
    --json "$out/pytorch-$tag.json" --export-dir "$onnx"
  ./leannets --threads "$threads" bench "$onnx"/*.onnx --batch "$batch" --runs 20 \
    --json "$out/torchvision-ort-$tag.json"
  /usr/bin/python3 bench/pytorch/ratios.py "$out/leannets-$tag.json" "$out/pytorch-$tag.json" \
    "$out/torchvision-ort-$tag.json" "batch $batch, $threads thread(s), 224x224" | tee "$out/ratios-$tag.md"
done

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
  echo "after \`NormFolding.Fold\` (\`bench --fold-bn\`). JSON: $out."
  cat "$out"/ratios-b*.md "$out"/ratios-train-*.md
} > "$report.tmp"
mv "$report.tmp" "$report"
echo "wrote $report"
