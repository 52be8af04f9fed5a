"""Darknet-53 and YOLO-V3 (yolov3.cfg) with any 3x3 conv kind and width, in LeanNets' layout and names: the
backbone's stem and stages, then one head per stride (32, 16, 8) and the route convs between them."""
import math

import torch
import torch.nn.functional as F
from torch import nn

from .convs import PAPER_DUALCONVS, STANDARD, ConvKind
from .layers import Classifier, ClassifierHead, ConvNormAct, conv, named, numbered

STAGES_53 = ((64, 1), (128, 2), (256, 8), (512, 8), (1024, 4))
STEM_CHANNELS = 32
STRIDES = (32, 16, 8)
# yolov3.cfg's COCO anchors (width, height in input pixels), smallest first: three per stride 8, 16, 32.
DEFAULT_ANCHORS = ((10, 13), (16, 30), (33, 23), (30, 61), (62, 45), (59, 119), (116, 90), (156, 198), (373, 326))


def scaled(channels, width):
    return max(8, int(round(channels * width)))


def darknet_conv(in_ch, out_ch, kernel, stride, kind):
    """conv, BN, LeakyReLU(0.1); the conv kind replaces the 3x3 stride-1 convs only."""
    layer = kind.create3x3(in_ch, out_ch, 1) if kernel == 3 and stride == 1 else conv(in_ch, out_ch, kernel, stride)
    return ConvNormAct(layer, out_ch, "leaky_relu")


class DarknetResidual(nn.Module):
    def __init__(self, channels, kind):
        super().__init__()
        self.reduce = darknet_conv(channels, channels // 2, 1, 1, kind)
        self.expand = darknet_conv(channels // 2, channels, 3, 1, kind)

    def forward(self, x):
        return self.expand(self.reduce(x)) + x


def backbone(in_chans, width, kind):
    """The stem (stride 1) and five stages (strides 2 to 32), with their output channels."""
    channels = scaled(STEM_CHANNELS, width)
    stem = darknet_conv(in_chans, channels, 3, 1, STANDARD)
    stages, widths = [], []
    for out, blocks in STAGES_53:
        out = scaled(out, width)
        stages.append(named(
            ("downsample", darknet_conv(channels, out, 3, 2, kind)),
            ("blocks", numbered(DarknetResidual(out, kind) for _ in range(blocks))),
        ))
        widths.append(out)
        channels = out
    return stem, stages, widths


def darknet53(num_classes, in_chans, width=1.0, kind=STANDARD):
    stem, stages, widths = backbone(in_chans, width, kind)
    return Classifier(stem, stages, ClassifierHead(widths[-1], num_classes))


class YoloHead(nn.Module):
    """Five convs alternating 1x1 (to c) and 3x3 (to 2c), the branch routed on; a 3x3 to 2c and the output 1x1
    conv with bias."""

    def __init__(self, in_ch, channels, outputs, kind):
        super().__init__()
        self.body = numbered(
            darknet_conv(c_in, c_out, k, 1, kind)
            for c_in, c_out, k in (
                (in_ch, channels, 1), (channels, 2 * channels, 3), (2 * channels, channels, 1),
                (channels, 2 * channels, 3), (2 * channels, channels, 1),
            )
        )
        self.expand = darknet_conv(channels, 2 * channels, 3, 1, kind)
        self.output = nn.Conv2d(2 * channels, outputs, 1, bias=True)

    def forward(self, x):
        branch = self.body(x)
        return branch, self.output(self.expand(branch))


class YoloV3(nn.Module):
    """Darknet-53 (stages 2, 3, 4 give strides 8, 16, 32) and the three heads. The output is one tensor
    [N, predictions, 5 + classes] of raw values: scales 32, 16, 8; within a scale anchor, then row, then column."""

    def __init__(self, num_classes, in_chans=3, width=1.0, kind=STANDARD, anchors=DEFAULT_ANCHORS):
        super().__init__()
        if len(anchors) % len(STRIDES):
            raise ValueError(f"{len(anchors)} anchors cannot be split over {len(STRIDES)} scales")
        self.num_classes = num_classes
        self.anchors = tuple((float(w), float(h)) for w, h in anchors)
        self.per_scale = len(anchors) // len(STRIDES)
        self.stem, stages, widths = backbone(in_chans, width, kind)
        self.stages = nn.ModuleList(stages)
        outputs = self.per_scale * (5 + num_classes)
        heads, routes, incoming = [], [], widths[-1]
        for s in range(len(STRIDES)):
            branch = widths[-1 - s] // 2
            heads.append(YoloHead(incoming, branch, outputs, kind))
            if s + 1 < len(STRIDES):
                routes.append(darknet_conv(branch, branch // 2, 1, 1, kind))
                incoming = branch // 2 + widths[-2 - s]
        self.heads = nn.ModuleList(heads)
        self.routes = nn.ModuleList(routes)

    def initialize_priors(self):
        """LeanNets' detection priors: output weights N(0, 0.01), objectness for about 8 objects in a 640-pixel
        picture, class probabilities of 0.6 shared by the classes."""
        with torch.no_grad():
            for s, head in enumerate(self.heads):
                head.output.weight.normal_(0, 0.01)
                bias = head.output.bias.view(self.per_scale, 5 + self.num_classes)
                chance = 8 / (640 / STRIDES[s]) ** 2
                bias[:, 4] = math.log(chance / (1 - chance))
                bias[:, 5:] = math.log(0.6 / (self.num_classes - 0.99))
        return self

    def forward(self, x):
        x = self.stem(x)
        maps = []
        for stage in self.stages:
            x = stage(x)
            maps.append(x)
        maps = maps[2:]
        outputs, incoming = [], maps[-1]
        for s, head in enumerate(self.heads):
            branch, prediction = head(incoming)
            n, _, h, w = prediction.shape
            outputs.append(prediction.view(n, self.per_scale, 5 + self.num_classes, h, w)
                           .permute(0, 1, 3, 4, 2).reshape(n, -1, 5 + self.num_classes))
            if s < len(self.routes):
                routed = F.interpolate(self.routes[s](branch), scale_factor=2, mode="nearest")
                incoming = torch.cat([routed, maps[-2 - s]], 1)
        return torch.cat(outputs, 1)


def entries():
    yield "darknet53", lambda nc, ic: darknet53(nc, ic), (1000, 256)


def detector_entries():
    """(name, factory(classes, in_chans, anchors), default classes, default side): LeanNets' detector registry."""
    def on_darknet(width, kind):
        return lambda nc, ic, anchors: YoloV3(nc, ic, width, kind, anchors)

    for kind in (STANDARD, *PAPER_DUALCONVS):
        yield "yolov3" + kind.suffix, on_darknet(1.0, kind), 20, 416
    for tag, width in (("_w25", 0.25), ("_w50", 0.5)):
        yield "yolov3" + tag, on_darknet(width, STANDARD), 20, 416
        yield "yolov3" + tag + "_dualconv_g4", on_darknet(width, ConvKind("dual", 4)), 20, 416
