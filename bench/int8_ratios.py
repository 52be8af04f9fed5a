"""Speed-up of each model's int8 file over its float32 file, per round of bench/int8.sh (both timed in the same
process, interleaved), as a Markdown table: the median ratio over the rounds and its range."""
import json
import statistics
import sys

title, files = sys.argv[1], sys.argv[2:]
ratios = {}
for path in files:
    with open(path) as f:
        rows = {r["model"]: r["median_ms"] for r in json.load(f)}
    for name, ms in rows.items():
        if name.endswith(".int8.onnx"):
            model = name[: -len(".int8.onnx")]
            ratios.setdefault(model, []).append((rows[model + ".onnx"], ms))
print(f"### int8 / float32 on ONNX Runtime, {title}, {len(files)} rounds\n")
print("| model | float32 ms | int8 ms | speed-up (median) | range |")
print("|---|---:|---:|---:|---|")
for model, pairs in ratios.items():
    speedups = [f / q for f, q in pairs]
    fm = statistics.median(f for f, _ in pairs)
    qm = statistics.median(q for _, q in pairs)
    print(f"| {model} | {fm:.2f} | {qm:.2f} | {statistics.median(speedups):.2f}x "
          f"| {min(speedups):.2f}-{max(speedups):.2f}x |")
