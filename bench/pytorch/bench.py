"""Times torchvision's versions of LeanNets' peer models in PyTorch eager mode with LeanNets' bench protocol
(random weights, eval mode, no autograd, warm-up calls, median/p10/p90 of timed calls), and exports each one
to ONNX so `leannets bench FILE.onnx` can time ONNX Runtime on torchvision's own graph. With --train it times
a training step instead (train mode, cross-entropy, backward, SGD with momentum 0.9), as LeanNets.Bench's
`trainstep` does.

Run with Debian's interpreter, which has python3-torch and python3-torchvision:
    /usr/bin/python3 bench/pytorch/bench.py --batch 16 --threads 2 --json out.json --export-dir onnx/
"""
import argparse
import ctypes
import json
import math
import os
import time

import torch
import torchvision

# LeanNets registry name -> torchvision constructor name
MODELS = {
    "mobilenetv2_100": "mobilenet_v2",
    "resnet50": "resnet50",
    "shufflenetv2_x1_0": "shufflenet_v2_x1_0",
}


def tune_allocator():
    """The glibc tuning LeanNets applies in every process (LeanRuntime.Initialize): no mmap for large blocks, no
    trimming, so freed activation memory is reused instead of page-faulted in again. Same protocol, fair peers."""
    libc = ctypes.CDLL("libc.so.6")
    m_trim_threshold, m_mmap_max = -1, -4
    libc.mallopt(m_mmap_max, 0)
    libc.mallopt(m_trim_threshold, 2**31 - 1)


def percentile(sorted_times, q):
    rank = max(1, math.ceil(q * len(sorted_times)))
    return sorted_times[min(rank, len(sorted_times)) - 1]


def measure(model, batch, size, warmup, runs):
    x = torch.randn(batch, 3, size, size)
    times = []
    with torch.inference_mode():
        for i in range(-warmup, runs):
            start = time.perf_counter()
            model(x)
            if i >= 0:
                times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median = times[len(times) // 2]
    return {
        "median_ms": median,
        "min_ms": times[0],
        "p10_ms": percentile(times, 0.1),
        "p90_ms": percentile(times, 0.9),
        "images_per_second": batch * 1000 / median,
    }


def measure_training(model, batch, size, warmup, runs):
    """One SGD step per call: zero the gradients, forward, cross-entropy on random labels, backward, step."""
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 3, size, size)
    y = torch.randint(0, 1000, (batch,))
    times = []
    for i in range(-warmup, runs):
        start = time.perf_counter()
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
        if i >= 0:
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median = times[len(times) // 2]
    return {"median_ms": median, "min_ms": times[0], "p10_ms": percentile(times, 0.1),
            "p90_ms": percentile(times, 0.9), "images_per_second": batch * 1000 / median}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", required=True)
    parser.add_argument("--export-dir")
    parser.add_argument("--train", action="store_true", help="time an SGD training step instead of inference")
    args = parser.parse_args()
    tune_allocator()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = []
    for lean_name, tv_name in MODELS.items():
        model = getattr(torchvision.models, tv_name)(weights=None).eval()
        timed = measure_training if args.train else measure
        row = timed(model, args.batch, args.size, args.warmup, args.runs)
        row.update(model=lean_name, torchvision=tv_name, engine="pytorch", batch=args.batch, threads=args.threads,
                   torch_version=torch.__version__, mode="train" if args.train else "inference")
        results.append(row)
        print(f"{lean_name:20s} pytorch     batch {args.batch}: {row['median_ms']:9.2f} ms median, "
              f"{row['images_per_second']:8.1f} img/s, threads {args.threads}", flush=True)
        if args.export_dir and not args.train:
            os.makedirs(args.export_dir, exist_ok=True)
            path = os.path.join(args.export_dir, f"{lean_name}.onnx")
            torch.onnx.export(model, torch.randn(1, 3, args.size, args.size), path, opset_version=17,
                              input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    with open(args.json + ".tmp", "w") as f:
        json.dump(results, f, indent=2)
    os.replace(args.json + ".tmp", args.json)


if __name__ == "__main__":
    main()
