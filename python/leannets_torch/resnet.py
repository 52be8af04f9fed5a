"""ResNet-50 (bottlenecks) and ResNet-18/34 (basic blocks), torchvision layout, with any 3x3 conv kind."""
from torch import nn

from .convs import PAPER_DUALCONVS, STANDARD, CntkSamePad, ConvKind
from .layers import Classifier, ClassifierHead, conv, named, numbered

EXPANSION = 4


def shortcut(inplanes, outplanes, stride):
    if stride == 1 and inplanes == outplanes:
        return nn.Identity()
    return named(("0", conv(inplanes, outplanes, 1, stride)), ("1", nn.BatchNorm2d(outplanes)))


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride, first_kind, kind):
        super().__init__()
        self.conv1 = first_kind.create3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = kind.create3x3(planes, planes, 1)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = shortcut(inplanes, planes, stride)

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + self.downsample(x))


class Bottleneck(nn.Module):
    def __init__(self, inplanes, width, stride, kind):
        super().__init__()
        outplanes = width * EXPANSION
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = kind.create3x3(width, width, stride)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, outplanes, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(outplanes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = shortcut(inplanes, outplanes, stride)

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + self.downsample(x))


def build(cifar, kind, replace_strided, num_classes, in_chans, layers=(3, 4, 6, 3), basic=False, cntk=False):
    first = nn.Conv2d(in_chans, 64, 3, 1, 1, bias=False) if cifar else nn.Conv2d(in_chans, 64, 7, 2, 3, bias=False)
    if cntk:
        first = nn.Sequential(CntkSamePad(7, 2), nn.Conv2d(in_chans, 64, 7, 2, bias=False))
    stem = [
        ("conv1", first),
        ("bn1", nn.BatchNorm2d(64)),
        ("relu", nn.ReLU(inplace=True)),
    ]
    if cntk:
        stem.append(("maxpool", nn.Sequential(CntkSamePad(3, 2), nn.MaxPool2d(3, 2))))
    elif not cifar:
        stem.append(("maxpool", nn.MaxPool2d(3, 2, 1)))
    inplanes, stages = 64, []
    for s, depth in enumerate(layers):
        blocks = []
        for i in range(depth):
            stride = (1 if s == 0 else 2) if i == 0 else 1
            block_kind = kind if stride == 1 or replace_strided else STANDARD
            if basic:
                blocks.append(BasicBlock(inplanes, 64 << s, stride, block_kind, kind))
                inplanes = 64 << s
            else:
                blocks.append(Bottleneck(inplanes, 64 << s, stride, block_kind))
                inplanes = (64 << s) * EXPANSION
        stages.append(numbered(blocks))
    return Classifier(named(*stem), stages, ClassifierHead(inplanes, num_classes))


def entries():
    forms = [
        ("resnet50", False, True, 1000, 224, [ConvKind("group", 2), ConvKind("het", 4)]),
        ("resnet50_cifar", True, False, 10, 32, [ConvKind("group", 4), ConvKind("het", 4)]),
    ]
    for prefix, cifar, replace_strided, classes, side, extra in forms:
        for kind in (STANDARD, *PAPER_DUALCONVS, *extra):
            yield (
                prefix + kind.suffix,
                lambda nc, ic, cifar=cifar, kind=kind, r=replace_strided: build(cifar, kind, r, nc, ic),
                (classes, side),
            )
    for prefix, layers in (("resnet18", (2, 2, 2, 2)), ("resnet34", (3, 4, 6, 3))):
        for kind in (STANDARD, ConvKind("dual", 4), ConvKind("group", 4)):
            yield (
                prefix + kind.suffix,
                lambda nc, ic, kind=kind, layers=layers: build(False, kind, True, nc, ic, layers, basic=True),
                (1000, 224),
            )
    # ML.NET's ImageNet featurizer (exported by CNTK): [2, 2, 2, 3] basic blocks, CNTK's start-heavy padding.
    yield (
        "resnet18_mlnet",
        lambda nc, ic: build(False, ConvKind("start_padded"), True, nc, ic, (2, 2, 2, 3), basic=True, cntk=True),
        (1000, 224),
    )
