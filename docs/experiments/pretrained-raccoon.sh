#!/usr/bin/env bash
# Pretrained (ML.NET's ImageNet ResNet-18) against from scratch on the raccoon photos, same budget each way:
# 1. Classification of crops (raccoon / background, cut by the bench's raccoon-crops: 386 training crops from the
#    160 training photos, 108 test crops from the 40 validation photos), with pretrained.sh's three runs
#    (10 epochs, 128 px, batch 32, AdamW, flips, seed 1).
# 2. Detection: yolov3_on_resnet18_mlnet (YOLO-V3's heads on the CNTK ResNet-18), 30 epochs at 256 px, batch 8,
#    the detection recipe (SGD with Nesterov momentum, lr 0.01, one warmup epoch), seed 1; the two runs side by
#    side, one thread each.
# Usage: docs/experiments/pretrained-raccoon.sh RACCOON_VOC_DIR OUT_DIR
set -euo pipefail
voc=$1 out=$2
L=${LEANNETS:-./leannets}
dotnet run --project bench/LeanNets.Bench -c Release -- raccoon-crops "$voc" "$out/crops" 128
"$(dirname "$0")/pretrained.sh" "$out/crops" "$out/crops-runs"   # writes crops-runs/mlnet.safetensors too
detect=(--data "$voc" --input-size 256 --epochs 30 --batch-size 8 --seed 1 --no-tensorboard)
$L --threads 1 train yolov3_on_resnet18_mlnet "${detect[@]}" --init-from "$out/crops-runs/mlnet.safetensors" \
    --output "$out/detect-pretrained" &
$L --threads 1 train yolov3_on_resnet18_mlnet "${detect[@]}" --output "$out/detect-scratch" &
wait
