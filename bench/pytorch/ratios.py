"""Prints one Markdown table of ratios from the JSON files of one compare run (bench/compare.sh): LeanNets'
ONNX Runtime engine on its own export against ONNX Runtime on torchvision's export (timed round-robin in one
LeanNets process), and LeanNets' eager TorchSharp path (as built, and with its batch norms folded) against PyTorch
eager, and LeanNets' int8 file against its float export. Ratios are of images per second (> 1: LeanNets is
faster), taken within each round; the table gives their median and range. With --train: the training-step table
(LeanNets.Bench trainstep against bench.py --train).

  ratios.py LABEL LEANNETS_ROUND1.json PYTORCH_ROUND1.json [LEANNETS_ROUND2.json PYTORCH_ROUND2.json ...]
  ratios.py --train LEANNETS.json PYTORCH.json LABEL
  ratios.py --memory BENCH.json...      peak resident memory rows against the 300 MB target
"""
import json
import sys
from statistics import median


def load(path):
    with open(path) as f:
        return json.load(f)


def ratio_cell(values):
    """Median of the rounds' ratios, with their range when there is more than one round."""
    if len(values) == 1:
        return f"{values[0]:.2f}x"
    return f"{median(values):.2f}x ({min(values):.2f}-{max(values):.2f})"


def round_rates(lean_path, torch_path):
    """One round's images per second by model: LeanNets ORT, ORT on torchvision's export (the .onnx files timed in
    the same LeanNets process), LeanNets int8, TorchSharp, TorchSharp BN folded, PyTorch."""
    lean = {(r["model"], r["engine"], r.get("norms_folded", False)): r["images_per_second"] for r in load(lean_path)}
    rates = {}
    for pt in load(torch_path):
        model = pt["model"]
        rates[model] = {
            "ort": lean[(model, "onnxruntime", False)],
            "tv": lean[(model + ".onnx", "onnxruntime", False)],
            "int8": lean.get((model + ".int8.onnx", "onnxruntime", False), float("nan")),
            "ts": lean[(model, "torchsharp", False)],
            "folded": lean.get((model, "torchsharp", True), float("nan")),
            "py": pt["images_per_second"],
        }
    return rates


def main(label, *paths):
    """paths: LeanNets and PyTorch JSON of each round, in pairs."""
    rounds = [round_rates(paths[i], paths[i + 1]) for i in range(0, len(paths), 2)]
    print(f"\n{label} ({len(rounds)} round(s))\n")
    print("| model | LeanNets ORT img/s | ORT on torchvision export img/s | ratio | LeanNets int8 img/s "
          "| int8 / ORT | TorchSharp img/s | TorchSharp BN folded img/s | PyTorch img/s | ratio | ratio folded |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for model in rounds[0]:
        r = [rates[model] for rates in rounds]
        m = {key: median([x[key] for x in r]) for key in r[0]}
        print(f"| {model} | {m['ort']:.1f} | {m['tv']:.1f} | {ratio_cell([x['ort'] / x['tv'] for x in r])} "
              f"| {m['int8']:.1f} | {ratio_cell([x['int8'] / x['ort'] for x in r])} "
              f"| {m['ts']:.1f} | {m['folded']:.1f} | {m['py']:.1f} | {ratio_cell([x['ts'] / x['py'] for x in r])} "
              f"| {ratio_cell([x['folded'] / x['py'] for x in r])} |")


def training(lean_path, torch_path, label):
    """Training-step throughput: LeanNets.Bench trainstep against bench.py --train."""
    lean = {r["model"]: r for r in load(lean_path)}
    print(f"\n{label}\n")
    print("| model | TorchSharp step img/s | PyTorch step img/s | ratio |")
    print("|---|---|---|---|")
    for r in load(torch_path):
        ts, py = lean[r["model"]]["images_per_second"], r["images_per_second"]
        print(f"| {r['model']} | {ts:.1f} | {py:.1f} | {ts / py:.2f}x |")


def memory(*paths):
    """Peak resident memory of VGNetG-1.0MP at batch 16, one fresh process per engine, against the 300 MB
    target."""
    print("\nVGNetG-1.0MP inference, batch 16, 2 threads: peak resident memory of the whole process\n")
    print("| engine | process | peak RSS | below 300 MB |")
    print("|---|---|---|---|")
    for path in paths:
        for r in load(path):
            torch_free = r["model"].endswith(".onnx")
            process = "ONNX Runtime only (exported file)" if torch_free else "libtorch loaded"
            mb = r["peak_rss_bytes"] / 1e6
            print(f"| {r['engine']} | {process} | {mb:.0f} MB | {'yes' if mb < 300 else 'no'} |")


if __name__ == "__main__":
    if sys.argv[1] == "--train":
        training(*sys.argv[2:5])
    elif sys.argv[1] == "--memory":
        memory(*sys.argv[2:])
    else:
        main(*sys.argv[1:])
