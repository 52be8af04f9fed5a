"""Checks the twin against LeanNets: `python -m leannets_torch.check DIR`.

DIR holds, per model, NAME.safetensors (LeanNets' weights, LeanNets' names) and NAME.io.safetensors (an input
and LeanNets' eval output). For each: the twin's own constant buffers (fixed kernels, HetConv orders) must equal
LeanNets', the weights must load strictly, and the twin's eval output must match within 1e-5 of the largest
logit. A detector's file may add targets (rows of image, class, x1, y1, x2, y2) and LeanNets' loss terms on its
output (total, box, objectness, class): the twin's loss must match within 1e-4 (relative). Prints one line per
model; exits 1 if any fails.
"""
import contextlib
import sys
from pathlib import Path

import torch

from . import create_detector, create_model, list_detectors, load_file
from .yolo import yolo_loss

TOLERANCE = 1e-5
LOSS_TOLERANCE = 1e-4
_STATISTICS = ("running_mean", "running_var", "num_batches_tracked")


@contextlib.contextmanager
def _without_random_init():
    """Every weight is overwritten by LeanNets' anyway; drawing ~100M random numbers for VGG-16 costs seconds."""
    saved = torch.nn.init.kaiming_uniform_, torch.nn.init.uniform_
    torch.nn.init.kaiming_uniform_ = torch.nn.init.uniform_ = lambda tensor, *args, **kwargs: tensor
    try:
        yield
    finally:
        torch.nn.init.kaiming_uniform_, torch.nn.init.uniform_ = saved


def check(weights_path):
    name = weights_path.name[: -len(".safetensors")]
    weights = load_file(str(weights_path))
    io = load_file(str(weights_path.with_name(name + ".io.safetensors")))
    detector = name in list_detectors()
    with _without_random_init():
        if detector:
            classes = weights["heads.0.output.weight"].shape[0] // 3 - 5  # three anchors per scale
            model = create_detector(name, num_classes=classes, in_chans=io["input"].shape[1])
        else:
            classes = weights["head.fc.weight"].shape[0]
            model = create_model(name, num_classes=classes, in_chans=io["input"].shape[1])
    parameters = dict(model.named_parameters())
    own_buffers = {
        k: v for k, v in model.state_dict().items() if k not in parameters and not k.endswith(_STATISTICS)
    }
    for key, value in own_buffers.items():
        if key not in weights or not torch.equal(value, weights[key].to(value.dtype)):
            return False, f"constant buffer {key} differs from LeanNets'"
    model.load_state_dict(weights, strict=True)
    model.eval()
    with torch.no_grad():
        output = model(io["input"])
    error = (output - io["output"]).abs().max().item()
    scale = max(1.0, io["output"].abs().max().item())
    detail = f"max difference {error:.2e} (largest logit {scale:.3f})"
    if error > TOLERANCE * scale or "targets" not in io:
        return error <= TOLERANCE * scale, detail
    return _check_loss(model, io, detail)


def _check_loss(model, io, detail):
    """The twin's YOLO loss on LeanNets' output and targets against LeanNets' terms."""
    rows = io["targets"].tolist()
    targets = [[(int(r[1]), tuple(r[2:])) for r in rows if int(r[0]) == n] for n in range(io["output"].shape[0])]
    total, box, objectness, cls, _ = yolo_loss(io["output"], targets, model.anchors, model.num_classes,
                                               io["input"].shape[-1])
    ours = torch.tensor([total.item(), box, objectness, cls])
    error = ((ours - io["loss"]).abs() / io["loss"].abs().clamp_min(1e-6)).max().item()
    terms = ", ".join(f"{v:.4f}" for v in io["loss"].tolist())
    return error <= LOSS_TOLERANCE, f"{detail}; loss terms ({terms}) relative difference {error:.2e}"


def main(folder):
    failed = 0
    for path in sorted(Path(folder).glob("*.safetensors")):
        if path.name.endswith(".io.safetensors"):
            continue
        try:
            ok, detail = check(path)
        except Exception as e:  # one line per model, whatever went wrong
            ok, detail = False, f"{type(e).__name__}: {str(e).splitlines()[0]}"
        failed += not ok
        print(f"{'ok' if ok else 'FAIL'} {path.name[: -len('.safetensors')]} {detail}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
