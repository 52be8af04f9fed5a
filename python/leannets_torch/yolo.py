"""YOLO-V3's loss, decoding and VOC metric as LeanNets computes them (Training/Tasks/YoloLoss.cs,
Models/Detection/YoloDecoder.cs, Measures/VocMap.cs), so the twin trains the same objective and scores as
`leannets eval` does. Boxes are (x1, y1, x2, y2) in input pixels; targets are per image (class, box) lists."""
import torch
import torch.nn.functional as F
from torchvision.ops import batched_nms, box_iou

from .darknet import STRIDES


def scale_anchors(anchors, scale):
    """The anchors of output scale s (0: stride 32): anchors run smallest first, scales coarsest first."""
    per_scale = len(anchors) // len(STRIDES)
    start = (len(STRIDES) - 1 - scale) * per_scale
    return anchors[start:start + per_scale]


def cells(anchors, size):
    """Per prediction, in the model's order: column, row, anchor width, anchor height, stride ([P, 5])."""
    rows = []
    for s, stride in enumerate(STRIDES):
        g = size // stride
        y, x = torch.meshgrid(torch.arange(g), torch.arange(g), indexing="ij")
        for w, h in scale_anchors(anchors, s):
            rows.append(torch.stack([x.flatten(), y.flatten(), torch.full((g * g,), w), torch.full((g * g,), h),
                                     torch.full((g * g,), float(stride))], 1).float())
    return torch.cat(rows)


def decode_boxes(raw, anchors, size):
    """Every prediction's box [N, P, 4], clipped to the input."""
    c = cells(anchors, size).to(raw.device)
    centre = (raw[..., :2].sigmoid() + c[:, :2]) * c[:, 4:5]
    half = raw[..., 2:4].exp() * c[:, 2:4] / 2
    return torch.cat([centre - half, centre + half], -1).clamp(0, size)


def shape_iou(a, b):
    inter = min(a[0], b[0]) * min(a[1], b[1])
    return inter / (a[0] * a[1] + b[0] * b[1] - inter)


def assign(box, cls, anchors, size):
    """The prediction an object is learnt at (the best-fitting anchor's scale, the cell of its centre) and its
    targets: centre offsets, log size ratios, class, weight 2 - relative area."""
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    best = max(range(len(anchors)), key=lambda a: (shape_iou((w, h), anchors[a]), -a))
    per_scale = len(anchors) // len(STRIDES)
    scale, anchor = len(STRIDES) - 1 - best // per_scale, best % per_scale
    offset = sum(per_scale * (size // STRIDES[s]) ** 2 for s in range(scale))
    stride = STRIDES[scale]
    grid = size // stride
    cx, cy = (x1 + x2) / 2 / stride, (y1 + y2) / 2 / stride
    gx, gy = min(max(int(cx), 0), grid - 1), min(max(int(cy), 0), grid - 1)
    prediction = offset + anchor * grid * grid + gy * grid + gx
    aw, ah = anchors[best]
    targets = (cx - gx, cy - gy, torch.log(torch.tensor(max(w, 1e-3) / aw)).item(),
               torch.log(torch.tensor(max(h, 1e-3) / ah)).item())
    return prediction, targets, cls, 2 - w * h / (size * size)


def yolo_loss(raw, targets, anchors, num_classes, size, ignore=0.5):
    """(total, box, objectness, class, positives): sums over the batch divided by its size, as LeanNets'."""
    batch, predictions = raw.shape[:2]
    device = raw.device  # the targets are built where the predictions are (a GPU under DDP with NCCL)
    obj_target = torch.zeros(batch, predictions, device=device)
    obj_weight = torch.ones(batch, predictions, device=device)
    positives = []
    with torch.no_grad():
        boxes = decode_boxes(raw.detach(), anchors, size)
        for n, objects in enumerate(targets):
            if not objects:
                continue
            truth = torch.tensor([b for _, b in objects], dtype=torch.float32, device=device).view(-1, 4)
            obj_weight[n] = (box_iou(boxes[n], truth).max(1).values <= ignore).float()
            positives += [(n, assign(b, c, anchors, size)) for c, b in objects]
    box_loss = class_loss = raw.new_zeros(())
    if positives:
        images = torch.tensor([n for n, _ in positives], device=device)
        index = torch.tensor([a[0] for _, a in positives], device=device)
        picked = raw[images, index]
        offsets = torch.tensor([a[1] for _, a in positives], dtype=torch.float32, device=device)
        weight = torch.tensor([a[3] for _, a in positives], dtype=torch.float32, device=device)
        centre = (picked[:, :2].sigmoid() - offsets[:, :2]).pow(2).sum(1)
        extent = (picked[:, 2:4] - offsets[:, 2:]).pow(2).sum(1)
        box_loss = (weight * (centre + extent)).sum()
        one_hot = F.one_hot(torch.tensor([a[2] for _, a in positives], device=device), num_classes).float()
        class_loss = F.binary_cross_entropy_with_logits(picked[:, 5:], one_hot, reduction="sum")
        obj_target[images, index] = 1
        obj_weight[images, index] = 1
    obj_loss = F.binary_cross_entropy_with_logits(raw[..., 4], obj_target, weight=obj_weight, reduction="sum")
    total = (box_loss + obj_loss + class_loss) / batch
    return total, box_loss.item() / batch, obj_loss.item() / batch, class_loss.item() / batch, len(positives)


def detect(raw, anchors, num_classes, size, threshold=0.01, iou=0.45, max_detections=100, max_candidates=3000):
    """Per image, (boxes [K, 4], scores [K], classes [K]) after the threshold and class-wise NMS."""
    boxes = decode_boxes(raw, anchors, size)
    objectness = raw[..., 4].sigmoid()
    scores = objectness[..., None] * raw[..., 5:].sigmoid()
    found = []
    for n in range(raw.shape[0]):
        keep = (objectness[n, :, None] > threshold) & (scores[n] > threshold)
        keep &= ((boxes[n, :, 2] > boxes[n, :, 0]) & (boxes[n, :, 3] > boxes[n, :, 1]))[:, None]
        prediction, cls = keep.nonzero(as_tuple=True)
        score = scores[n, prediction, cls]
        order = score.argsort(descending=True)[:max_candidates]
        box, score, cls = boxes[n, prediction[order]], score[order], cls[order]
        kept = batched_nms(box, score, cls, iou)[:max_detections]
        found.append((box[kept], score[kept], cls[kept]))
    return found


def voc_map(detections, truth, num_classes, eleven_point=True, iou_threshold=0.5):
    """VOC mAP: detections are (image, class, score, box), truth (image, class, box, difficult); a match to a
    difficult object is neither right nor wrong. Mean over the classes that have objects."""
    aps = []
    for c in range(num_classes):
        objects = {}
        for image, cls, box, difficult in truth:
            if cls == c:
                objects.setdefault(image, []).append((box, difficult))
        positives = sum(not d for boxes in objects.values() for _, d in boxes)
        if positives == 0:
            continue
        found = {image: [False] * len(boxes) for image, boxes in objects.items()}
        ranked = sorted((d for d in detections if d[1] == c), key=lambda d: -d[2])
        tp = fp = 0
        curve = []
        for image, _, _, box in ranked:
            candidates = objects.get(image, [])
            best, best_iou = -1, 0.0
            if candidates:
                overlaps = box_iou(torch.tensor([box]), torch.tensor([b for b, _ in candidates]))[0]
                best_iou, best = overlaps.max(0)
                best_iou, best = best_iou.item(), best.item()
            if best >= 0 and best_iou >= iou_threshold:
                if candidates[best][1]:
                    continue
                if not found[image][best]:
                    found[image][best] = True
                    tp += 1
                else:
                    fp += 1
            else:
                fp += 1
            curve.append((tp / positives, tp / (tp + fp)))
        if eleven_point:
            ap = sum(max((p for r, p in curve if r >= t / 10 - 1e-12), default=0) for t in range(11)) / 11
        else:
            recall = [0] + [r for r, _ in curve] + [1]
            precision = [0] + [p for _, p in curve] + [0]
            for i in range(len(precision) - 2, -1, -1):
                precision[i] = max(precision[i], precision[i + 1])
            ap = sum((recall[i + 1] - recall[i]) * precision[i + 1] for i in range(len(recall) - 1))
        aps.append(ap)
    return sum(aps) / len(aps) if aps else 0.0
