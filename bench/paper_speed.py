"""The papers' speed claims beside this CPU's measurements (bench/paper_speed.sh): VGNet Table 3 (latency at
batch 16) and DualConv Tables V/VI (single-thread CPU time per image), each as ratios to the table's reference
model, measured and printed side by side. Reads `leannets models --json` (the paper rows) and `leannets bench
--json` files; plain Python, no third-party modules.

  paper_speed.py names MODELS_JSON vgnet|dualconv     registry names to time, one line
  paper_speed.py report MODELS_JSON VGNET_BENCH DUALCONV_BENCH
"""
import json
import sys

# VGNet Table 3's claims: each VGNetG configuration against the peers the paper sets it beside.
VGNET_CLAIMS = [
    ("vgnetg_1_0mp", ["mobilenetv2_050", "mobilenetv3_small_100"]),
    ("vgnetg_1_5mp", ["shufflenetv2_x1_0"]),
    ("vgnetg_2_0mp", ["mobilenetv2_100"]),
]
# Table 3 rows whose registry model stands for a DualConv-paper row instead: their Table 3 GPU ms.
VGNET_TABLE3_EXTRA = {"mobilenetv2_100": ("MobileNet V2×1.0", 5.87), "mobilenetv1_100": ("MobileNet V1×1.0", 4.97)}
# Each DualConv CPU-time table's baseline, by family prefix.
DUALCONV_BASELINES = {"vgg16": "vgg16", "resnet50": "resnet50", "mobilenetv1_100": "mobilenetv1_100",
                      "mobilenetv2_100": "mobilenetv2_100"}


def load(path):
    with open(path) as f:
        return json.load(f)


def rows(models_path, paper):
    """Registry models with a timed row of the paper: (name, row)."""
    if paper == "vgnet":
        for name, (model, gpu_ms) in VGNET_TABLE3_EXTRA.items():
            yield name, {"model": model, "gpu_ms": gpu_ms}
    for m in load(models_path):
        row = m.get("paper_row")
        if not row or row["paper"] != paper:
            continue
        if paper == "vgnet" and row["table"] == "3" and row.get("gpu_ms"):
            yield m["name"], row
        if paper == "dualconv" and row["table"] in ("V", "VI") and row.get("cpu_ms"):
            yield m["name"], row


def baseline(name):
    return next(b for prefix, b in DUALCONV_BASELINES.items() if name.startswith(prefix))


def report(models_path, vgnet_path, dualconv_path):
    ms = {r["model"]: r["median_ms"] for r in load(vgnet_path)}
    vgnet = dict(rows(models_path, "vgnet"))
    print("## VGNet Table 3: latency at batch 16 (paper: GPU ms; here: ONNX Runtime, 2 threads, ms per batch)\n")
    print("| VGNet model | peer | paper VGNet / peer | measured VGNet / peer | measured ms (VGNet, peer) |")
    print("|---|---|---|---|---|")
    for model, peers in VGNET_CLAIMS:
        for peer in peers:
            paper = vgnet[model]["gpu_ms"] / vgnet[peer]["gpu_ms"]
            here = ms[model] / ms[peer]
            print(f"| {vgnet[model]['model']} | {vgnet[peer]['model']} | {paper:.2f} | {here:.2f} "
                  f"| {ms[model]:.1f}, {ms[peer]:.1f} |")
    print("\nEvery Table 3 row, against MobileNet V2x1.0:\n")
    print("| model | paper ms | paper ratio | measured ms | measured ratio |")
    print("|---|---|---|---|---|")
    ref = "mobilenetv2_100"
    for name, row in vgnet.items():
        print(f"| {row['model']} | {row['gpu_ms']:.2f} | {row['gpu_ms'] / vgnet[ref]['gpu_ms']:.2f} "
              f"| {ms[name]:.1f} | {ms[name] / ms[ref]:.2f} |")
    ms = {r["model"]: r["median_ms"] for r in load(dualconv_path)}
    dual = dict(rows(models_path, "dualconv"))
    print("\n## DualConv Tables V/VI: CPU time per image (paper: CPU ms; here: ONNX Runtime, 1 thread, batch 1)\n")
    print("| table | model | paper ms | paper / baseline | measured ms | measured / baseline |")
    print("|---|---|---|---|---|---|")
    for name, row in dual.items():
        base = baseline(name)
        print(f"| {row['table']} | {row['model']} | {row['cpu_ms']:.2f} | {row['cpu_ms'] / dual[base]['cpu_ms']:.2f} "
              f"| {ms[name]:.2f} | {ms[name] / ms[base]:.2f} |")


def main(argv):
    if argv[0] == "names":
        print(" ".join(name for name, _ in rows(argv[1], argv[2])))
    elif argv[0] == "report":
        report(*argv[1:4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
