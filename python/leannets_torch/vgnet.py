"""VGNet (VGNetC/G/F), written from docs/vgnet.md: stages carry a pair of half-width tensors."""
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

from .layers import Classifier, ClassifierHead, ConvNormAct, SqueezeExcite, make_divisible, named

# Fixed 3x3 kernels (buffers, never trained).
GK1 = [[0.0811, 0.1226, 0.0811], [0.1226, 0.1853, 0.1226], [0.0811, 0.1226, 0.0811]]
GK2 = [[0.0277, 0.1110, 0.0277], [0.1110, 0.4452, 0.1110], [0.0277, 0.1110, 0.0277]]
EDGES = [
    [[-0.5, -1, -0.5], [0, 0, 0], [0.5, 1, 0.5]],
    [[-0.5, 0, 0.5], [-1, 0, 1], [-0.5, 0, 0.5]],
    [[-1 / 12, -2 / 12, -1 / 12], [-2 / 12, 1, -2 / 12], [-1 / 12, -2 / 12, -1 / 12]],
    [[0, -0.25, 0], [-0.25, 1, -0.25], [0, -0.25, 0]],
    [[-1, -2 / 3, -1 / 3], [-2 / 3, 0, 2 / 3], [1 / 3, 2 / 3, 1]],
    [[-1 / 3, -2 / 3, -1], [2 / 3, 0, -2 / 3], [1, 2 / 3, 1 / 3]],
]
KERNEL_SETS = {
    "signed_blur": [GK1, [[-v for v in row] for row in GK1]],
    "six_edges_two_gaussians": EDGES + [GK1, GK2],
    "four_edges": EDGES[:4],
}


class FixedDepthwiseConv(nn.Module):
    """Depthwise 3x3 conv whose kernels cycle through a fixed set (channel c gets kernel c mod len)."""

    def __init__(self, channels, kernel_set, stride=1):
        super().__init__()
        cycle = torch.tensor(KERNEL_SETS[kernel_set], dtype=torch.float32)
        self.register_buffer("weight", cycle[torch.arange(channels) % len(cycle)].unsqueeze(1).contiguous())
        self.stride = stride

    def forward(self, x):
        return F.conv2d(x, self.weight, stride=self.stride, padding=1, groups=self.weight.shape[0])


class SharedDepthwiseConv(nn.Module):
    """One depthwise 3x3 conv over channels/shares channels, applied to each of the equal channel chunks."""

    def __init__(self, channels, shares):
        super().__init__()
        width = channels // shares
        self.conv = nn.Conv2d(width, width, 3, padding=1, groups=width, bias=False)
        self.shares = shares

    def forward(self, x):
        chunks = torch.chunk(x, self.shares, dim=1)
        return torch.cat([self.conv(c) for c in chunks], dim=1)


def depthwise(channels, kernels, stride):
    if kernels == "learnable":
        return nn.Conv2d(channels, channels, 3, stride=stride, padding=1, groups=channels, bias=False)
    if kernels == "signed_blur":
        return FixedDepthwiseConv(channels, kernels, stride)
    return named(("fixed", FixedDepthwiseConv(channels, kernels, stride)), ("bn", nn.BatchNorm2d(channels)))


class PointwiseBlock(nn.Module):
    def __init__(self, in_ch, out_ch, act, squeeze_excite=False):
        super().__init__()
        self.pw = ConvNormAct(nn.Conv2d(in_ch, out_ch, 1, bias=False), out_ch, act, norm_after_act=True)
        self.se = SqueezeExcite(out_ch, make_divisible(int(out_ch * 0.25), 8)) if squeeze_excite else nn.Identity()

    def forward(self, x):
        return self.se(self.pw(x))


class DownsamplingBlock(nn.Module):
    def __init__(self, in_ch, out_ch, kernels, act, squeeze_excite, stride=2):
        super().__init__()
        self.out_ch = out_ch
        self.split = 0 if in_ch > out_ch else min(out_ch // 2, in_ch)
        self.downsample = depthwise(in_ch, kernels, stride)
        self.pointwise = PointwiseBlock(in_ch, out_ch - self.split, act, squeeze_excite)

    def forward(self, x):
        x = self.downsample(x)
        new = self.pointwise(x)
        kept = x[:, x.shape[1] - self.split :]
        if self.split == self.out_ch // 2:
            return kept, new
        joined = torch.cat([kept, new], dim=1)
        half = self.out_ch // 2
        return joined[:, :half], joined[:, half:]


class HalfIdentityBlock(nn.Module):
    def __init__(self, channels, kernels, act, squeeze_excite):
        super().__init__()
        self.depthwise = depthwise(channels // 2, kernels, 1)
        self.pointwise = PointwiseBlock(channels, channels // 2, act, squeeze_excite)

    def forward(self, pair):
        left, right = pair
        return right, self.pointwise(torch.cat([left, self.depthwise(right)], dim=1))


class VGNetStage(nn.Module):
    def __init__(self, in_ch, out_ch, depth, down_kernels, mix_kernels, act, squeeze_excite, stride):
        super().__init__()
        self.downsample = DownsamplingBlock(in_ch, out_ch, down_kernels, act, squeeze_excite, stride)
        self.blocks = nn.ModuleList(
            HalfIdentityBlock(out_ch, mix_kernels, act, squeeze_excite) for _ in range(depth - 1)
        )

    def forward(self, x):
        pair = self.downsample(x)
        for block in self.blocks:
            pair = block(pair)
        return torch.cat(pair, dim=1)


@dataclass(frozen=True)
class VGNetConfig:
    letter: str
    size: str
    channels: tuple
    layers: tuple
    downsample: str
    mix: str
    last_fixed: bool
    squeeze_excite: bool = False
    act: str = "relu"
    thumbnail: bool = False

    @property
    def name(self):
        return (
            f"vgnet{self.letter}_{self.size}"
            + ("_se" if self.squeeze_excite else "")
            + ("_silu" if self.act == "silu" else "")
            + ("_cifar" if self.thumbnail else "")
        )


SIZES = {
    "1_0mp": ((28, 56, 112, 224, 368), (4, 7, 13, 2)),
    "1_5mp": ((32, 64, 128, 256, 512), (3, 7, 14, 2)),
    "2_0mp": ((32, 72, 168, 376, 512), (3, 6, 13, 2)),
    "2_5mp": ((32, 80, 192, 400, 544), (3, 6, 16, 2)),
}
VARIANTS = {
    "c": ("learnable", "learnable", False),
    "g": ("signed_blur", "learnable", False),
    "f1": ("signed_blur", "six_edges_two_gaussians", False),
    "f2": ("signed_blur", "six_edges_two_gaussians", True),
    "f3": ("signed_blur", "four_edges", False),
    "f4": ("signed_blur", "four_edges", True),
}


def _config(letter, size, thumbnail):
    down, mix, last_fixed = VARIANTS[letter]
    channels, layers = SIZES[size]
    return VGNetConfig(letter, size, channels, layers, down, mix, last_fixed, thumbnail=thumbnail)


def configs():
    for thumbnail in (False, True):
        for size in SIZES:
            base = _config("g", size, thumbnail)
            yield base
            yield replace(base, squeeze_excite=True)
            yield replace(base, act="silu")
        for letter in ("c", "f1", "f2", "f3", "f4"):
            yield _config(letter, "1_5mp", thumbnail)


def build(config, num_classes, in_chans):
    ch, act = config.channels, config.act
    stem_stride = 1 if config.thumbnail else 2
    stem = ConvNormAct(
        nn.Conv2d(in_chans, ch[0], 3, stride=stem_stride, padding=1, bias=False), ch[0], act, norm_after_act=True
    )
    stages = []
    for s in range(4):
        keep = config.thumbnail and s == 0  # small inputs: the first stage keeps the resolution, learned filter
        stages.append(
            VGNetStage(
                ch[s],
                ch[s + 1],
                config.layers[s],
                "learnable" if keep else config.downsample,
                config.mix,
                act,
                config.squeeze_excite,
                1 if keep else 2,
            )
        )
    last = ch[4]
    final_dw = depthwise(last, config.mix, 1) if config.last_fixed else SharedDepthwiseConv(last, 8)
    stages.append(named(("depthwise", final_dw), ("pointwise", PointwiseBlock(last, last, act))))
    return Classifier(stem, stages, ClassifierHead(last, num_classes))


def entries():
    for c in configs():
        default = (100, 32) if c.thumbnail else (1000, 224)
        yield c.name, (lambda nc, ic, c=c: build(c, nc, ic)), default
