#!/usr/bin/env bash
# The papers' speed claims checked on this CPU with the fastest engine (ONNX Runtime on LeanNets' export, BN
# folded), all measured in this one run: VGNet Table 3 (batch 16, 2 threads) and DualConv Tables V/VI (batch 1,
# 1 thread), printed as ratios to each table's reference beside the papers' ratios.
# Usage: bench/paper_speed.sh [OUT_DIR [REPORT]]   (defaults bench/results/paper-speed, OUT_DIR/paper-speed.md)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/results/paper-speed}
report=${2:-$out/paper-speed.md}
mkdir -p "$out"
./leannets models --json >"$out/models.json"
read -r -a vgnet <<<"$(python3 bench/paper_speed.py names "$out/models.json" vgnet)"
read -r -a dualconv <<<"$(python3 bench/paper_speed.py names "$out/models.json" dualconv)"
./leannets --threads 2 bench "${vgnet[@]}" --batch 16 --runs 30 --engine onnxruntime --interleave \
  --json "$out/vgnet-b16.json"
./leannets --threads 1 bench "${dualconv[@]}" --batch 1 --runs 30 --engine onnxruntime --interleave \
  --json "$out/dualconv-b1.json"
{
  echo "# The papers' speed claims on this CPU"
  echo
  echo "Written by \`bench/paper_speed.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores,"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); every number from this one run,"
  echo "ONNX Runtime on LeanNets' export, median of 30 calls after 3 warm-up calls, the models of each table timed"
  echo "round-robin (\`bench --interleave\`) so that a slow spell of the machine falls on all of them. JSON: $out."
  echo
  python3 bench/paper_speed.py report "$out/models.json" "$out/vgnet-b16.json" "$out/dualconv-b1.json"
} >"$report.tmp"
mv "$report.tmp" "$report"
echo "wrote $report"
