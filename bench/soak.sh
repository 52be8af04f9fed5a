#!/usr/bin/env bash
# Soak: short detector and classifier trainings under the heaviest garbage-collection pressure there is: a thread
# that collects and runs finalizers continuously (LEANNETS_FINALIZER_STRESS=1, src/LeanNets/Runtime/
# FinalizerStress.cs) and a tiny gen0 budget (DOTNET_GCgen0size). A native object freed too early (TorchSharp's
# temporary scalars, see src/LeanNets/Runtime/OwnedScalars.cs) then fails within seconds instead of once in a long
# run. Prints runs, epochs, crashes and failures and writes bench/results/soak-SIZE.json.
# Usage: bench/soak.sh [RUNS=2] [EPOCHS=8] [SIZE=128]   (every child bounded by a timeout)
set -uo pipefail
runs=${1:-2}
epochs=${2:-8}
size=${3:-128}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/LeanNets.Cli" -c Release -v q -nologo >/dev/null || exit 1
cli="$root/src/LeanNets.Cli/bin/Release/net10.0/LeanNets.Cli.dll"
# Several objects in most pictures: the set that crashed (issue 24, row 12).
timeout 600 dotnet run --project "$root/bench/LeanNets.Bench" -c Release -- shapes "$work/shapes" 132 40 128 \
  >/dev/null || exit 1
mini="--data $root/data/fashion-mnist-mini --limit-train 1024 --limit-test 256"
total=0 crashes=0 failures=0 epochs_done=0
started=$(date +%s)
for run in $(seq 1 "$runs"); do
  # Both detector kinds, then one small classifier of every family (the paper rows' conv kinds among them).
  for spec in "yolov3_w25_dualconv_g4 --data $work/shapes --input-size $size --batch-size 8" \
              "yolov3_w25 --data $work/shapes --input-size $size --batch-size 8 --optimizer adamw --lr 0.001 --ema 0.99" \
              "vgnetg_1_0mp_cifar $mini --batch-size 64" \
              "vgg16_cifar_hetconv_p4 $mini --batch-size 32 --input-size 32" \
              "resnet50_cifar_dualconv_g4 $mini --batch-size 32" \
              "mobilenetv1_cifar_gc_g4 $mini --batch-size 32 --optimizer adamw --lr 0.001 --ema 0.99" \
              "mobilenetv2_cifar_dualconv_g4 $mini --batch-size 32" \
              "shufflenetv2_x0_5 $mini --batch-size 32" \
              "ghostnet_100 $mini --batch-size 32" \
              "mobilenetv3_small_100 $mini --batch-size 32" \
              "regnety_004 $mini --batch-size 32"; do
    total=$((total + 1))
    out="$work/run-$total"
    # shellcheck disable=SC2086  # the spec is a list of arguments
    LEANNETS_FINALIZER_STRESS=1 DOTNET_GCgen0size=0x40000 timeout 1800 dotnet "$cli" train $spec \
      --epochs "$epochs" --seed "$run" --output "$out" --no-tensorboard --threads 2 --verbose >"$out.log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
      epochs_done=$((epochs_done + epochs))
    elif [ "$rc" -ge 128 ] || [ "$rc" -eq 124 ]; then
      crashes=$((crashes + 1))
      echo "crash (exit $rc): train $spec" >&2
      grep -v " batch [0-9]*/" "$out.log" | tail -25 >&2
    else
      failures=$((failures + 1))
      echo "failure (exit $rc): train $spec" >&2
      grep -v " batch [0-9]*/" "$out.log" | tail -25 >&2
    fi
  done
done
seconds=$(($(date +%s) - started))
echo "soak: $total runs, $epochs_done epochs, $crashes crashes, $failures failures, ${seconds}s under" \
  "LEANNETS_FINALIZER_STRESS=1 and DOTNET_GCgen0size=0x40000"
mkdir -p "$root/bench/results"
printf '{\n  "runs": %d,\n  "epochs": %d,\n  "detector_input": %d,\n  "crashes": %d,\n  "failures": %d,\n  "seconds": %d,\n  "finalizer_stress": true,\n  "gc_gen0_size": "0x40000"\n}\n' \
  "$total" "$epochs_done" "$size" "$crashes" "$failures" "$seconds" >"$root/bench/results/soak-$size.json"
[ "$crashes" -eq 0 ] && [ "$failures" -eq 0 ]
