"""VGG-16 in the DualConv paper's forms: CIFAR-10 (BN, one FC), CIFAR-100 (BN, three FC), ImageNet (no BN,
torchvision's head) and HetConv's CIFAR head."""
from torch import nn

from .convs import PAPER_DUALCONVS, PAPER_GROUPS, STANDARD, ConvKind
from .layers import Classifier, ClassifierHead, ConvNormAct, named

WIDTHS = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]


def _three_fc(channels, grid, classes):
    pre = named(
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(channels * grid * grid, 4096)),
        ("relu1", nn.ReLU(inplace=True)),
        ("drop1", nn.Dropout(0.5)),
        ("fc2", nn.Linear(4096, 4096)),
        ("relu2", nn.ReLU(inplace=True)),
        ("drop2", nn.Dropout(0.5)),
    )
    return ClassifierHead(channels, classes, pool_size=grid, pre_logits=pre, features=4096)


def build(head, kind, num_classes, in_chans):
    norm = head != "imagenet"
    stem = ConvNormAct(STANDARD.create3x3(in_chans, 64, 1, bias=True), 64, "relu", norm=norm)
    channels, index, stages = 64, 1, []
    for s, widths in enumerate(WIDTHS):
        layers = []
        for width in widths[1:] if s == 0 else widths:
            index += 1
            layer = kind.create3x3(channels, width, 1, bias=kind == STANDARD)
            layers.append((f"conv{index}", ConvNormAct(layer, width, "relu", norm=norm)))
            channels = width
        layers.append(("pool", nn.MaxPool2d(2, 2)))
        stages.append(named(*layers))
    if head == "single_fc":
        top = ClassifierHead(channels, num_classes)
    elif head == "three_fc":
        top = _three_fc(channels, 1, num_classes)
    elif head == "imagenet":
        top = _three_fc(channels, 7, num_classes)
    else:
        pre = named(
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(channels, 512)),
            ("bn", nn.BatchNorm1d(512)),
            ("relu", nn.ReLU(inplace=True)),
        )
        top = ClassifierHead(channels, num_classes, pre_logits=pre, features=512)
    return Classifier(stem, stages, top)


def entries():
    def entry(prefix, head, kind, classes, side):
        return prefix + kind.suffix, (lambda nc, ic: build(head, kind, nc, ic)), (classes, side)

    for prefix, head, classes, side in [
        ("vgg16_cifar", "single_fc", 10, 32),
        ("vgg16_cifar100", "three_fc", 100, 32),
        ("vgg16", "imagenet", 1000, 224),
    ]:
        for kind in (STANDARD, *PAPER_DUALCONVS):
            yield entry(prefix, head, kind, classes, side)
        if head == "single_fc":
            for g in PAPER_GROUPS:
                yield entry(prefix, head, ConvKind("group", g), classes, side)
                yield entry(prefix, head, ConvKind("het", g), classes, side)
    for p in PAPER_GROUPS:
        yield entry("vgg16_cifar_hetconvhead", "hetconv", ConvKind("het", p), 10, 32)
