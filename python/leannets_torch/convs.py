"""The 3x3 convolution kinds of the DualConv paper's tables: standard, GroupConv, DualConv and HetConv."""
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .layers import conv


class DualConv(nn.Module):
    """A G-group 3x3 conv and a 1x1 conv over the same input, summed."""

    def __init__(self, in_ch, out_ch, stride, groups):
        super().__init__()
        self.gc = nn.Conv2d(in_ch, out_ch, 3, stride=stride, padding=1, groups=groups, bias=False)
        self.pwc = conv(in_ch, out_ch, 1, stride)

    def forward(self, x):
        return self.gc(x) + self.pwc(x)


class HetConv(nn.Module):
    """
    HetConv with part P: filter j sees input channels c with (c - j) % P == 0 through 3x3 kernels and every
    other channel through 1x1 kernels.

    Parameters are stored as LeanNets stores them: weight3x3[o] holds the 3x3 kernels of the filter at grouped
    position o (filters grouped by j % P), over channels j % P, j % P + P, ...; weight1x1[j] holds filter j's
    1x1 weights over its other channels in increasing order. The buffers record those orders. This
    implementation assembles the equivalent dense 3x3 kernel and runs one convolution.
    """

    def __init__(self, in_ch, out_ch, stride, part):
        super().__init__()
        if in_ch % part or out_ch % part:
            raise ValueError(f"HetConv: channels {in_ch}->{out_ch} not divisible by part {part}")
        self.stride = stride
        per_in, per_out = in_ch // part, out_ch // part
        filters = torch.arange(out_ch)
        position = (filters % part) * per_out + filters // part
        channels = torch.arange(in_ch)
        others = [[c for c in range(in_ch) if (c - j) % part != 0] for j in range(out_ch)]
        self.weight3x3 = nn.Parameter(torch.empty(out_ch, per_in, 3, 3))
        self.weight1x1 = nn.Parameter(torch.empty(out_ch, in_ch - per_in))
        bound = 1.0 / (per_in * 9 + in_ch - per_in) ** 0.5
        nn.init.uniform_(self.weight3x3, -bound, bound)
        nn.init.uniform_(self.weight1x1, -bound, bound)
        self.register_buffer("inputOrder", torch.cat([channels[r::part] for r in range(part)]))
        self.register_buffer("outputOrder", position)
        self.register_buffer("scatterIndex", torch.tensor(others, dtype=torch.long).view(out_ch, in_ch - per_in))
        # Where each filter's 3x3 kernels sit in the dense kernel: channel j % P + k * P.
        self.register_buffer(
            "_dense_channels", (filters % part)[:, None] + torch.arange(per_in)[None, :] * part, persistent=False
        )

    def dense_weight(self):
        out_ch, per_in = self.weight3x3.shape[:2]
        in_ch = per_in + self.weight1x1.shape[1]
        rows = torch.arange(out_ch, device=self.weight3x3.device)[:, None].expand(-1, per_in)
        spatial = torch.zeros(out_ch, in_ch, 3, 3, dtype=self.weight3x3.dtype, device=self.weight3x3.device)
        spatial = spatial.index_put((rows, self._dense_channels), self.weight3x3[self.outputOrder])
        point = torch.zeros(out_ch, in_ch, dtype=self.weight1x1.dtype, device=self.weight1x1.device)
        point = point.scatter(1, self.scatterIndex, self.weight1x1)
        centre = F.pad(point[:, :, None, None], (1, 1, 1, 1))
        return spatial + centre

    def forward(self, x):
        return F.conv2d(x, self.dense_weight(), stride=self.stride, padding=1)


class CntkSamePad(nn.Module):
    """CNTK's "same" zero padding of a strided layer: an output of ceil(size / stride), the odd pixel before."""

    def __init__(self, kernel, stride):
        super().__init__()
        self.kernel, self.stride = kernel, stride

    def amounts(self, size):
        output = (size + self.stride - 1) // self.stride
        total = max((output - 1) * self.stride + self.kernel - size, 0)
        return (total + 1) // 2, total // 2

    def forward(self, x):
        top, bottom = self.amounts(x.shape[2])
        left, right = self.amounts(x.shape[3])
        return F.pad(x, (left, right, top, bottom))


@dataclass(frozen=True)
class ConvKind:
    """standard, dual (G groups), group (G groups), het (part P) or start_padded (standard, CNTK's padding)."""

    kind: str = "standard"
    groups: int = 1

    @property
    def suffix(self):
        return {
            "standard": "",
            "start_padded": "",
            "dual": f"_dualconv_g{self.groups}",
            "group": f"_gc_g{self.groups}",
            "het": f"_hetconv_p{self.groups}",
        }[self.kind]

    def with_groups(self, groups):
        return self if self.kind == "standard" else ConvKind(self.kind, groups)

    def create3x3(self, in_ch, out_ch, stride, bias=False):
        if self.kind == "dual":
            return DualConv(in_ch, out_ch, stride, self.groups)
        if self.kind == "het":
            return HetConv(in_ch, out_ch, stride, self.groups)
        if self.kind == "start_padded" and stride > 1:
            return nn.Sequential(CntkSamePad(3, stride), nn.Conv2d(in_ch, out_ch, 3, stride, bias=bias))
        return conv(in_ch, out_ch, 3, stride, self.groups, bias)


STANDARD = ConvKind()
PAPER_GROUPS = (2, 4, 8, 16, 32)
PAPER_DUALCONVS = tuple(ConvKind("dual", g) for g in PAPER_GROUPS)
