"""MobileNetV1 and MobileNetV2 with the DualConv paper's block replacements."""
from torch import nn

from .convs import PAPER_DUALCONVS, STANDARD, ConvKind
from .layers import Classifier, ClassifierHead, ConvNormAct, conv, make_divisible, named, numbered

V1_BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]


def build_v1(cifar, kind, num_classes, in_chans):
    channels = 32
    stem_stride = 1 if cifar else 2
    stem = ConvNormAct(conv(in_chans, channels, 3, stem_stride), channels)
    stages, current = [], None
    for width, stride in V1_BLOCKS:
        if current is None or stride > 1:
            current = []
            stages.append(current)
        if kind == STANDARD:
            block = named(
                ("depthwise", ConvNormAct(conv(channels, channels, 3, stride, channels), channels)),
                ("pointwise", ConvNormAct(conv(channels, width, 1), width)),
            )
        else:
            block = ConvNormAct(kind.create3x3(channels, width, stride), width)
        current.append(block)
        channels = width
    return Classifier(stem, [numbered(blocks) for blocks in stages], ClassifierHead(channels, num_classes))


class InvertedResidual(nn.Module):
    def __init__(self, in_ch, hidden, out_ch, stride, bias, always_expand):
        super().__init__()
        layers = []
        if hidden != in_ch or always_expand:
            layers.append(("expand", ConvNormAct(conv(in_ch, hidden, 1, bias=bias), hidden, "relu6")))
        layers.append(("depthwise", ConvNormAct(conv(hidden, hidden, 3, stride, hidden, bias), hidden, "relu6")))
        layers.append(("project", ConvNormAct(conv(hidden, out_ch, 1, bias=bias), out_ch, "none")))
        self.block = named(*layers)
        self.residual = stride == 1 and in_ch == out_ch

    def forward(self, x):
        y = self.block(x)
        return y + x if self.residual else y


V2_ROWS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
# The CIFAR network the DualConv paper counts keeps the 160-wide stage at stride 1.
V2_CIFAR_ROWS = V2_ROWS[:5] + [(6, 160, 3, 1)] + V2_ROWS[6:]


def _v2_groups(kind, cifar, stage, in_ch, out_ch):
    g = kind.groups
    if cifar:
        return min(g, 8) if stage < 3 else g
    return g if in_ch % g == 0 and out_ch % g == 0 else 8


def build_v2(cifar, kind, width, num_classes, in_chans):
    channels = make_divisible(32 * width)
    last = make_divisible(1280 * max(1.0, width))
    if cifar:
        stem = ConvNormAct(nn.Conv2d(in_chans, channels, 1, padding=1), channels, "relu6")
    else:
        stem = ConvNormAct(conv(in_chans, channels, 3, 2), channels, "relu6")
    stages = []
    for s, (t, c, n, first_stride) in enumerate(V2_CIFAR_ROWS if cifar else V2_ROWS):
        out_ch = make_divisible(c * width)
        blocks = []
        for i in range(n):
            stride = first_stride if i == 0 else 1
            if kind == STANDARD or stride != 1:
                blocks.append(InvertedResidual(channels, channels * t, out_ch, stride, cifar, cifar))
            else:
                dual = kind.with_groups(_v2_groups(kind, cifar, s, channels, out_ch))
                blocks.append(ConvNormAct(dual.create3x3(channels, out_ch, 1), out_ch, "relu6"))
            channels = out_ch
        stages.append(numbered(blocks))
    stages.append(ConvNormAct(conv(channels, last, 1, bias=cifar), last, "relu6"))
    return Classifier(stem, stages, ClassifierHead(last, num_classes, dropout=0.0 if cifar else 0.2))


def entries():
    v1_imagenet = (STANDARD, *PAPER_DUALCONVS, ConvKind("group", 2), ConvKind("het", 4))
    v1_cifar = (STANDARD, *PAPER_DUALCONVS, ConvKind("group", 4), ConvKind("het", 4), ConvKind("het", 32))
    for prefix, cifar, kinds, classes, side in [
        ("mobilenetv1_100", False, v1_imagenet, 1000, 224),
        ("mobilenetv1_cifar", True, v1_cifar, 10, 32),
    ]:
        for kind in kinds:
            yield prefix + kind.suffix, (lambda nc, ic, c=cifar, k=kind: build_v1(c, k, nc, ic)), (classes, side)
    for prefix, width in [("mobilenetv2_050", 0.5), ("mobilenetv2_075", 0.75)]:
        yield prefix, (lambda nc, ic, w=width: build_v2(False, STANDARD, w, nc, ic)), (1000, 224)
    for prefix, cifar, classes, side in [("mobilenetv2_100", False, 1000, 224), ("mobilenetv2_cifar", True, 10, 32)]:
        for kind in (STANDARD, *PAPER_DUALCONVS):
            yield prefix + kind.suffix, (lambda nc, ic, c=cifar, k=kind: build_v2(c, k, 1.0, nc, ic)), (classes, side)
