"""Prints one Markdown table of ratios from the JSON files of one compare run (bench/compare.sh): LeanNets'
ONNX Runtime engine on its own export against ONNX Runtime on torchvision's export, and LeanNets' eager
TorchSharp path (as built, and with its batch norms folded) against PyTorch eager. Ratios are of images per
second (> 1: LeanNets is faster). With --train: the training-step table (LeanNets.Bench trainstep against
bench.py --train)."""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def main(lean_path, torch_path, torchvision_onnx_path, label):
    lean = {(r["model"], r["engine"], r.get("norms_folded", False)): r for r in load(lean_path)}
    torch_rows = {r["model"]: r for r in load(torch_path)}
    tv_onnx = {r["model"].removesuffix(".onnx"): r for r in load(torchvision_onnx_path)}
    print(f"\n{label}\n")
    print("| model | LeanNets ORT img/s | ORT on torchvision export img/s | ratio | TorchSharp img/s "
          "| TorchSharp BN folded img/s | PyTorch img/s | ratio | ratio folded |")
    print("|---|---|---|---|---|---|---|---|---|")
    for model, pt in torch_rows.items():
        ort = lean[(model, "onnxruntime", False)]["images_per_second"]
        tv = tv_onnx[model]["images_per_second"]
        ts = lean[(model, "torchsharp", False)]["images_per_second"]
        folded = lean.get((model, "torchsharp", True), {}).get("images_per_second", float("nan"))
        py = pt["images_per_second"]
        print(f"| {model} | {ort:.1f} | {tv:.1f} | {ort / tv:.2f}x | {ts:.1f} | {folded:.1f} | {py:.1f} "
              f"| {ts / py:.2f}x | {folded / py:.2f}x |")


def training(lean_path, torch_path, label):
    """Training-step throughput: LeanNets.Bench trainstep against bench.py --train."""
    lean = {r["model"]: r for r in load(lean_path)}
    print(f"\n{label}\n")
    print("| model | TorchSharp step img/s | PyTorch step img/s | ratio |")
    print("|---|---|---|---|")
    for r in load(torch_path):
        ts, py = lean[r["model"]]["images_per_second"], r["images_per_second"]
        print(f"| {r['model']} | {ts:.1f} | {py:.1f} | {ts / py:.2f}x |")


if __name__ == "__main__":
    if sys.argv[1] == "--train":
        training(*sys.argv[2:5])
    else:
        main(*sys.argv[1:5])
