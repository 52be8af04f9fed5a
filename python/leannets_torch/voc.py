"""Detection data as LeanNets reads it (Data/Detection): a PASCAL VOC folder's split, each picture letterboxed
to the detector's square input exactly as LeanNets letterboxes it (scaled to fit, centred on grey 114, bilinear
with edge clamping, rounded to bytes), its boxes moved with it; and the training augmentation (zoom, shift, flip,
colour jitter, boxes clipped and dropped when mostly gone)."""
import xml.etree.ElementTree as ET
from pathlib import Path

import torch
import torch.nn.functional as F

GREY = 114


def read_annotation(path):
    """(file name, width, height, [(name, (x1, y1, x2, y2), difficult)]): VOC's inclusive 1-based corners become
    the continuous box [xmin - 1, xmax]."""
    root = ET.parse(path).getroot()
    size = root.find("size")
    objects = []
    for o in root.findall("object"):
        b = o.find("bndbox")
        box = tuple(float(b.find(k).text) for k in ("xmin", "ymin", "xmax", "ymax"))
        difficult = (o.findtext("difficult") or "0").strip() == "1"
        objects.append((o.findtext("name").strip(), (box[0] - 1, box[1] - 1, box[2], box[3]), difficult))
    return root.findtext("filename").strip(), int(size.findtext("width")), int(size.findtext("height")), objects


def read_split(folder, split):
    ids = [line.split()[0] for line in (Path(folder) / "ImageSets" / "Main" / f"{split}.txt").read_text().splitlines()
           if line.strip()]
    return [(i, *read_annotation(Path(folder) / "Annotations" / f"{i}.xml")) for i in ids]


def letterbox(pixels, size):
    """[3, h, w] uint8 -> ([3, size, size] uint8, scale, pad x, pad y), as LeanNets' Letterbox.Pixels."""
    _, h, w = pixels.shape
    scale = min(torch.tensor(size / w, dtype=torch.float32), torch.tensor(size / h, dtype=torch.float32)).item()
    pad_x, pad_y = (size - w * scale) / 2, (size - h * scale) / 2
    position = torch.arange(size, dtype=torch.float64) + 0.5
    sy, sx = (position - pad_y) / scale - 0.5, (position - pad_x) / scale - 0.5
    inside = ((sy >= -0.5) & (sy <= h - 0.5))[:, None] & ((sx >= -0.5) & (sx <= w - 0.5))[None, :]
    y0, x0 = sy.floor(), sx.floor()
    wy, wx = (sy - y0)[:, None], (sx - x0)[None, :]
    y0, x0 = y0.long(), x0.long()
    source = pixels.double()

    def at(y, x):
        return source[:, y.clamp(0, h - 1)][:, :, x.clamp(0, w - 1)]

    value = ((1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x0 + 1))
             + wy * ((1 - wx) * at(y0 + 1, x0) + wx * at(y0 + 1, x0 + 1)))
    value = (value + 0.5).clamp(0, 255).floor().to(torch.uint8)
    return torch.where(inside, value, torch.tensor(GREY, dtype=torch.uint8)), scale, pad_x, pad_y


def load(folder, split, size, classes=None):
    """Letterboxed pictures [N, 3, size, size] (uint8), per picture its objects (class, box in input pixels,
    difficult) and ids; classes default to the split's names, sorted (LeanNets' default)."""
    from torchvision.io import ImageReadMode, read_image

    items = read_split(folder, split)
    classes = classes or sorted({name for item in items for name, _, _ in item[4]})
    pictures, objects = [], []
    for image_id, file_name, _, _, annotated in items:
        pixels = read_image(str(Path(folder) / "JPEGImages" / file_name), ImageReadMode.RGB)
        boxed, scale, pad_x, pad_y = letterbox(pixels, size)
        pictures.append(boxed)
        objects.append([(classes.index(name), (x1 * scale + pad_x, y1 * scale + pad_y, x2 * scale + pad_x,
                                               y2 * scale + pad_y), difficult)
                        for name, (x1, y1, x2, y2), difficult in annotated])
    return torch.stack(pictures), objects, [item[0] for item in items], classes


def augment(images, objects, size, generator, zoom=0.25, shift=0.1, colour=(0.25, 0.25, 0.5), min_visible=0.25):
    """A batch of [N, 3, S, S] floats (0..1) with their target boxes, each picture zoomed about its centre, shifted,
    maybe flipped (one affine map for pixels and boxes, grey outside), then brightness, contrast and saturation
    jitter; a box keeping under min_visible of its area, or thinner than two pixels, is dropped."""
    out, targets = [], []

    def uniform(low, high):
        return low + (high - low) * torch.rand((), generator=generator).item()

    for image, boxes in zip(images, objects):
        z = uniform(1 - zoom, 1 + zoom)
        dx, dy = uniform(-shift, shift) * size, uniform(-shift, shift) * size
        flip = torch.rand((), generator=generator).item() < 0.5
        sign = -1.0 if flip else 1.0
        # Boxes move x -> (x - c) z + c + d, then S - x when flipped; in grid_sample's [-1, 1] coordinates an
        # output pixel u reads the input at (sign u - 2 d / S) / z.
        theta = torch.tensor([[sign / z, 0, -2 * dx / size / z], [0, 1 / z, -2 * dy / size / z]])
        grid = F.affine_grid(theta[None], [1, 3, size, size], align_corners=False)
        grey = GREY / 255
        moved = F.grid_sample(image[None] - grey, grid, mode="bilinear", padding_mode="zeros",
                              align_corners=False)[0] + grey
        b, c, s = (uniform(1 - v, 1 + v) for v in colour)
        moved = moved * b
        moved = (moved - moved.mean()) * c + moved.mean()
        luma = (0.299 * moved[0] + 0.587 * moved[1] + 0.114 * moved[2])[None]
        out.append(((moved - luma) * s + luma).clamp(0, 1))
        kept = []
        for cls, (x1, y1, x2, y2) in boxes:
            centre = size / 2
            xs = [(x - centre) * z + centre + dx for x in (x1, x2)]
            if flip:
                xs = [size - x for x in reversed(xs)]
            ys = [(y - centre) * z + centre + dy for y in (y1, y2)]
            area = (xs[1] - xs[0]) * (ys[1] - ys[0])
            cx = [min(max(x, 0), size) for x in xs]
            cy = [min(max(y, 0), size) for y in ys]
            w, h = cx[1] - cx[0], cy[1] - cy[0]
            if w >= 2 and h >= 2 and w * h >= min_visible * area:
                kept.append((cls, (cx[0], cy[0], cx[1], cy[1])))
        targets.append(kept)
    return torch.stack(out), targets

