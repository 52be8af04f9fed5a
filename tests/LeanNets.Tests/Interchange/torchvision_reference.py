"""Writes torchvision reference files for LeanNets' interchange tests.

For each torchvision builder named on the command line: NAME.pth (the model's state dict as torchvision names it,
with BatchNorm statistics randomised so they matter) and NAME.io.pth ({"input": x, "output": model(x)} in eval
mode); for the builders in ONNX_TOO also NAME.onnx, torch.onnx.export's graph of the same model (batch norms folded
into the convolutions, as PyTorch exports them). Run with Debian's /usr/bin/python3 (python3-torch,
python3-torchvision).
"""
import sys

import torch
import torchvision.models as models

ONNX_TOO = {"resnet18", "mobilenet_v2", "shufflenet_v2_x1_0"}


def main(out_dir, side, names):
    for name in names:
        torch.manual_seed(0)
        model = getattr(models, name)()
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.running_mean.uniform_(-0.5, 0.5)
                    module.running_var.uniform_(0.5, 1.5)
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.uniform_(-0.2, 0.2)
        model.eval()
        x = torch.randn(2, 3, side, side)
        with torch.no_grad():
            y = model(x)
        torch.save(model.state_dict(), f"{out_dir}/{name}.pth")
        torch.save({"input": x, "output": y}, f"{out_dir}/{name}.io.pth")
        if name in ONNX_TOO:
            torch.onnx.export(model, x, f"{out_dir}/{name}.onnx", opset_version=13)
        print(name, tuple(y.shape), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
