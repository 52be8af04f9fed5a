#!/usr/bin/env bash
# The two small-budget comparisons of docs/results.md: the same recipe, data subset and epochs for
# every model of a group, then `leannets compare` for the table (accuracy, params, MACs, CPU ms/img).
# Usage: docs/experiments/run-comparisons.sh [DATA] [OUT]   (defaults: the full Fashion-MNIST next to
# the checkout, runs/comparisons). About 30 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$here/../shared/data/fashion-mnist}"
out="${2:-runs/comparisons}"
# LEANNETS_CLI: another way to run the CLI, e.g. "dotnet /tmp/copy/LeanNets.Cli.dll" (a copy a rebuild cannot touch)
read -r -a cli <<< "${LEANNETS_CLI:-$here/leannets}"
common=(--data "$data" --recipe fashion-mnist --epochs 3 --limit-train 10000 --seed 0)

vgnet=(vgnetc_1_5mp_cifar vgnetg_1_5mp_cifar vgnetf1_1_5mp_cifar vgnetf2_1_5mp_cifar vgnetf3_1_5mp_cifar vgnetf4_1_5mp_cifar)
dualconv=(mobilenetv1_cifar mobilenetv1_cifar_dualconv_g4 mobilenetv1_cifar_gc_g4 mobilenetv1_cifar_hetconv_p4)

for model in "${vgnet[@]}" "${dualconv[@]}"; do
  "${cli[@]}" train "$model" "${common[@]}" --output "$out/$model"
done
"${cli[@]}" compare "${vgnet[@]/#/$out/}" --output "$out/vgnet.md"
"${cli[@]}" compare "${dualconv[@]/#/$out/}" --output "$out/dualconv.md"
