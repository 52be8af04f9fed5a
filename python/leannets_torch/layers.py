"""Building blocks shared by the LeanNets families, with LeanNets' module names (so state dicts match)."""
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn


def make_divisible(value, divisor=8, min_value=None):
    """Round to the nearest multiple of divisor (at least min_value), one step up if that lost over 10%."""
    floor = min_value if min_value is not None else divisor
    rounded = max(floor, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def activation(kind):
    return {
        "none": nn.Identity,
        "relu": lambda: nn.ReLU(inplace=True),
        "relu6": lambda: nn.ReLU6(inplace=True),
        "silu": lambda: nn.SiLU(inplace=True),
        "leaky_relu": lambda: nn.LeakyReLU(0.1, inplace=True),
        "hardsigmoid": nn.Hardsigmoid,
        "sigmoid": nn.Sigmoid,
    }[kind]()


class StridedPointwiseConv(nn.Module):
    """A strided 1x1 conv computed as subsampling then a stride-1 conv (LeanNets avoids a libtorch crash in the
    strided backward this way; the result is the same)."""

    def __init__(self, in_ch, out_ch, stride, groups=1, bias=False):
        super().__init__()
        self.conv = nn.Conv2d(in_ch, out_ch, 1, groups=groups, bias=bias)
        self.stride = stride

    def forward(self, x):
        return self.conv(x[:, :, :: self.stride, :: self.stride])


def conv(in_ch, out_ch, kernel, stride=1, groups=1, bias=False):
    """A kxk conv with 'same' padding; strided 1x1 convs subsample first."""
    if kernel == 1 and stride > 1:
        return StridedPointwiseConv(in_ch, out_ch, stride, groups, bias)
    return nn.Conv2d(in_ch, out_ch, kernel, stride=stride, padding=(kernel - 1) // 2, groups=groups, bias=bias)


class ConvNormAct(nn.Module):
    """conv -> BN -> activation, or conv -> activation -> BN (VGNet's order)."""

    def __init__(self, convolution, out_ch, act="relu", norm_after_act=False, norm=True):
        super().__init__()
        self.conv = convolution
        self.bn = nn.BatchNorm2d(out_ch) if norm else nn.Identity()
        self.act = activation(act)
        self.norm_after_act = norm_after_act

    def forward(self, x):
        y = self.conv(x)
        return self.bn(self.act(y)) if self.norm_after_act else self.act(self.bn(y))


class SqueezeExcite(nn.Module):
    def __init__(self, channels, squeeze, act="relu", gate="sigmoid"):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.act = activation(act)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)
        self.gate = activation(gate)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * self.gate(self.fc2(self.act(self.fc1(s))))


class ClassifierHead(nn.Module):
    """Global pool (or pool to a grid), optional pre-logits layers, dropout, final Linear named fc."""

    def __init__(self, in_ch, num_classes, dropout=0.0, pool_size=1, pre_logits=None, features=None):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(pool_size)
        self.pre_logits = pre_logits
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.fc = nn.Linear(features if features is not None else in_ch * pool_size * pool_size, num_classes)

    def forward(self, x):
        x = self.pool(x)
        if self.pre_logits is not None:
            x = self.pre_logits(x)
        return self.fc(self.dropout(self.flatten(x)))


class Classifier(nn.Module):
    """stem -> stages -> head, the one shape of every LeanNets model."""

    def __init__(self, stem, stages, head):
        super().__init__()
        self.stem = stem
        self.stages = nn.ModuleList(stages)
        self.head = head

    def forward_features(self, x):
        x = self.stem(x)
        for stage in self.stages:
            x = stage(x)
        return x

    def forward(self, x):
        return self.head(self.forward_features(x))


def named(*layers):
    """nn.Sequential with the given (name, module) pairs."""
    return nn.Sequential(OrderedDict(layers))


def numbered(modules):
    """nn.Sequential whose children are named 0, 1, 2, ... (blocks of a stage)."""
    return nn.Sequential(OrderedDict((str(i), m) for i, m in enumerate(modules)))

