"""Data-parallel training of any LeanNets twin model or detector with PyTorch DDP, launched by torchrun.

    torchrun --nproc_per_node 2 python/train_ddp.py vgnetg_1_0mp_cifar --data DIR --output run.safetensors
    torchrun --nproc_per_node 2 python/train_ddp.py yolov3_w25 --task detect --data VOC_DIR --input-size 256 ...

Each process trains on its shard of the data (DistributedSampler); gradients are averaged by DDP (gloo on CPU,
NCCL on GPUs). The weights are saved by rank 0 as safetensors with LeanNets' tensor names, so
`leannets eval MODEL --weights run.safetensors --data DIR` (and export, viz, predict) use them directly.
Reads the formats LeanNets reads: IDX (Fashion-MNIST), CIFAR binary, image folders (train/ and val|test/).
Inputs are made as LeanNets makes them by default: the data's own size, pixels / 255, the format's mean/std.
A detector (--task detect) trains on a VOC folder (its train split; scored on val) with LeanNets' letterbox,
augmentation, YOLO loss and priors (leannets_torch.voc, leannets_torch.yolo), and its weights carry a LeanNets
model card, so `leannets eval DETECTOR --weights run.safetensors --data VOC_DIR` scores them at their size.
"""
import argparse
import copy
import gzip
import json
import math
import os
import struct
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, Subset, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parent))
import leannets_torch  # noqa: E402
from leannets_torch import voc, yolo  # noqa: E402

NORMALISATION = {
    "idx": ([0.2860], [0.3530]),
    "cifar": ([0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]),
    "folder": ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
}


def read_idx(folder, train):
    prefix = "train" if train else "t10k"

    def load(stem):
        for name in (stem, stem + ".gz"):
            path = Path(folder) / name
            if path.exists():
                return (gzip.open if name.endswith(".gz") else open)(path, "rb").read()
        raise FileNotFoundError(f"{folder}: no {stem}[.gz]")

    images, labels = load(f"{prefix}-images-idx3-ubyte"), load(f"{prefix}-labels-idx1-ubyte")
    count, height, width = struct.unpack(">3I", images[4:16])
    pixels = torch.frombuffer(bytearray(images[16:]), dtype=torch.uint8).view(count, 1, height, width)
    return pixels, torch.frombuffer(bytearray(labels[8:]), dtype=torch.uint8).long()


def read_cifar(folder, train):
    folder = Path(folder)
    if (folder / "train.bin").exists() or (folder / "test.bin").exists():
        files, label_bytes = [folder / ("train.bin" if train else "test.bin")], 2
    else:
        files = [folder / f"data_batch_{i}.bin" for i in range(1, 6)] if train else [folder / "test_batch.bin"]
        label_bytes = 1
    raw = torch.cat([torch.frombuffer(bytearray(f.read_bytes()), dtype=torch.uint8) for f in files])
    records = raw.view(-1, label_bytes + 3072)
    return records[:, label_bytes:].reshape(-1, 3, 32, 32).clone(), records[:, label_bytes - 1].long()


def read_folder(folder, train, size):
    from torchvision.io import ImageReadMode, read_image
    from torchvision.transforms.functional import center_crop, resize

    root = Path(folder) / "train" if train else next(
        Path(folder) / s for s in ("val", "validation", "test") if (Path(folder) / s).is_dir()
    )
    classes = sorted(d.name for d in root.iterdir() if d.is_dir())
    images, labels = [], []
    for label, name in enumerate(classes):
        for path in sorted((root / name).iterdir()):
            image = read_image(str(path), ImageReadMode.RGB)
            images.append(center_crop(resize(image, size), [size, size]))
            labels.append(label)
    return torch.stack(images), torch.tensor(labels)


def detect(folder):
    names = {p.name for p in Path(folder).iterdir()}
    if any("-idx3-ubyte" in n for n in names):
        return "idx"
    if names & {"data_batch_1.bin", "train.bin", "test_batch.bin"}:
        return "cifar"
    return "folder"


def dataset(folder, kind, train, size, limit):
    if kind == "idx":
        pixels, labels = read_idx(folder, train)
    elif kind == "cifar":
        pixels, labels = read_cifar(folder, train)
    else:
        pixels, labels = read_folder(folder, train, size or 224)
    mean, std = (torch.tensor(v).view(1, -1, 1, 1) for v in NORMALISATION[kind])
    images = (pixels.float() / 255 - mean) / std
    if size and images.shape[-1] != size:
        images = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False)
    data = TensorDataset(images, labels)
    classes = int(labels.max()) + 1
    return (Subset(data, range(min(limit, len(data)))) if limit else data), classes


def evaluate(model, data, rank, world):
    """Top-1 over the whole split: each process takes every world-th image, the counts are summed."""
    model.eval()
    correct, total = torch.zeros(2, dtype=torch.long)
    loader = DataLoader(Subset(data, range(rank, len(data), world)), batch_size=256)
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(1) == labels).sum()
            total += len(labels)
    counts = torch.stack([correct, total])
    if world > 1:
        dist.all_reduce(counts)
    return counts[0].item(), counts[1].item()


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model")
    p.add_argument("--task", choices=("classify", "detect"), default="classify")
    p.add_argument("--data", required=True)
    p.add_argument("--output", required=True, help="safetensors file for the trained weights")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64, help="images per process per step")
    p.add_argument("--lr", type=float, default=0.05, help="peak learning rate (cosine decay)")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--input-size", type=int, default=0, help="0 = the data's own (a detector's default: 416)")
    p.add_argument("--limit-train", type=int, default=0)
    p.add_argument("--limit-test", type=int, default=0)
    p.add_argument("--warmup-epochs", type=float, default=0, help="linear warm-up before the cosine decay")
    p.add_argument("--clip-grad", type=float, default=0, help="gradient norm limit (0 = none)")
    p.add_argument("--ema", type=float, default=0, help="EMA decay of the weights evaluated and saved (0 = none)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--backend", default="auto", help="gloo, nccl, or auto (nccl with GPUs)")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads per process (CPU)")
    a = p.parse_args()
    models = leannets_torch.list_detectors() if a.task == "detect" else leannets_torch.list_models()
    if a.model not in models:
        p.error(f"unknown {'detector' if a.task == 'detect' else 'model'} '{a.model}' (the twin builds: "
                + ("the YOLO-V3 rows" if a.task == "detect" else "VGNet, ResNet, VGG, MobileNetV1/V2, Darknet") + ")")
    if not a.output.endswith(".safetensors"):
        p.error("--output must end in .safetensors")
    if not Path(a.data).is_dir():
        p.error(f"data folder not found: {a.data}")
    if a.task == "detect" and a.input_size % 32:
        p.error(f"--input-size must be a multiple of 32 for a detector, got {a.input_size}")
    if not 0 <= a.ema < 1:
        p.error(f"--ema must be in [0, 1), got {a.ema}")
    return a


def schedule(optimizer, steps, warmup):
    """Linear warm-up over `warmup` steps, then cosine decay to zero."""
    def factor(step):
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


class Ema:
    """An exponential moving average of the parameters (buffers copied), as LeanNets' --ema."""

    def __init__(self, model, decay):
        self.model = copy.deepcopy(model).eval()
        self.decay = decay

    @torch.no_grad()
    def update(self, model):
        for e, p in zip(self.model.parameters(), model.parameters()):
            e.mul_(self.decay).add_(p.detach(), alpha=1 - self.decay)
        for e, b in zip(self.model.buffers(), model.buffers()):
            e.copy_(b)


def step(net, model, loss, optimizer, scheduler, clip):
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    scheduler.step()


def progress(rank, epoch, epochs, step_, steps_per_epoch, loss, images_done, start, total_images):
    if rank == 0 and (step_ % 20 == 0 or step_ == steps_per_epoch):
        rate = images_done / (time.time() - start)
        print(f"epoch {epoch + 1}/{epochs} step {step_}/{steps_per_epoch} loss {loss:.4f} "
              f"{rate:.0f} img/s ETA {(total_images - images_done) / rate:.0f}s", flush=True)


def classify(a, rank, world, device, distributed, local):
    cuda = device.type == "cuda"
    kind = detect(a.data)
    train, classes = dataset(a.data, kind, True, a.input_size, a.limit_train)
    test, _ = dataset(a.data, kind, False, a.input_size, a.limit_test)
    channels = test[0][0].shape[0]
    model = leannets_torch.create_model(a.model, num_classes=classes, in_chans=channels).to(device)
    net = DistributedDataParallel(model, device_ids=[local] if cuda else None) if distributed else model

    sampler = DistributedSampler(train, world, rank, shuffle=True, seed=a.seed) if distributed else None
    loader = DataLoader(train, batch_size=a.batch_size, sampler=sampler, shuffle=sampler is None, drop_last=True)
    steps = a.epochs * len(loader)
    optimizer = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, weight_decay=a.weight_decay, nesterov=True)
    scheduler = schedule(optimizer, steps, int(a.warmup_epochs * len(loader)))
    if rank == 0:
        print(f"training {a.model} on {a.data} ({len(train)} images, {kind}) with {world} process(es), "
              f"{len(loader)} steps/epoch of {a.batch_size}x{world}", flush=True)
    start = time.time()
    for epoch in range(a.epochs):
        if sampler:
            sampler.set_epoch(epoch)
        net.train()
        for i, (images, labels) in enumerate(loader, 1):
            loss = F.cross_entropy(net(images.to(device)), labels.to(device))
            step(net, model, loss, optimizer, scheduler, a.clip_grad)
            done = (epoch * len(loader) + i) * a.batch_size * world
            progress(rank, epoch, a.epochs, i, len(loader), loss.item(), done, start, steps * a.batch_size * world)
    correct, total = evaluate(model, test, rank, world)
    if rank == 0:
        accuracy = 100.0 * correct / total
        metadata = {"model": a.model, "epochs": a.epochs, "processes": world, "top1": f"{accuracy:.2f}"}
        leannets_torch.save_file(model.state_dict(), a.output, metadata)
        print(f"test top-1 {accuracy:.2f}% ({correct}/{total}); wrote {a.output}", flush=True)
        summary = {"model": a.model, "processes": world, "epochs": a.epochs, "train_images": len(train),
                   "test_images": total, "top1": accuracy, "seconds": round(time.time() - start, 1)}
        print(json.dumps(summary), flush=True)


def score_detector(model, pictures, objects, ids, classes, size, device):
    """mAP@0.5 on a letterboxed split as `leannets eval` scores it: (VOC07 11-point, area)."""
    model.eval()
    found = []
    with torch.no_grad():
        for start in range(0, len(pictures), 16):
            raw = model(pictures[start:start + 16].float().div(255).to(device)).cpu()
            for n, (boxes, scores, labels) in enumerate(yolo.detect(raw, model.anchors, len(classes), size)):
                found += [(ids[start + n], int(c), float(s), b.tolist()) for b, s, c in zip(boxes, scores, labels)]
    truth = [(ids[n], c, box, difficult) for n, image in enumerate(objects) for c, box, difficult in image]
    return tuple(yolo.voc_map(found, truth, len(classes), eleven_point=e) for e in (True, False))


def detect_task(a, rank, world, device, distributed, local):
    """YOLO-V3 on a VOC folder: each process takes its share of every epoch's shuffled pictures, augments them with
    its own generator and learns LeanNets' loss; rank 0 scores the evaluated weights (EMA's, if any) each epoch."""
    cuda = device.type == "cuda"
    size = a.input_size or 416
    pictures, objects, _, classes = voc.load(a.data, "train", size)
    val_pictures, val_objects, val_ids, _ = voc.load(a.data, "val", size, classes)
    model = leannets_torch.create_detector(a.model, num_classes=len(classes)).to(device)
    net = DistributedDataParallel(model, device_ids=[local] if cuda else None) if distributed else model
    ema = Ema(model, a.ema) if a.ema else None
    per_step = a.batch_size * world
    steps_per_epoch = len(pictures) // per_step
    steps = a.epochs * steps_per_epoch
    optimizer = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, weight_decay=a.weight_decay, nesterov=True)
    scheduler = schedule(optimizer, steps, int(a.warmup_epochs * steps_per_epoch))
    generator = torch.Generator().manual_seed(a.seed * 1000 + rank)
    if rank == 0:
        print(f"training {a.model} on {a.data} ({len(pictures)} pictures, {len(val_ids)} to score, classes "
              f"{', '.join(classes)}) at {size}x{size} with {world} process(es), {steps_per_epoch} steps/epoch of "
              f"{a.batch_size}x{world}", flush=True)
    start, history = time.time(), []
    for epoch in range(a.epochs):
        net.train()
        order = torch.randperm(len(pictures), generator=torch.Generator().manual_seed(a.seed + epoch))
        for i in range(steps_per_epoch):
            mine = order[i * per_step + rank * a.batch_size:i * per_step + (rank + 1) * a.batch_size]
            boxes = [[(c, b) for c, b, difficult in objects[j] if not difficult] for j in mine.tolist()]
            images, targets = voc.augment(pictures[mine].float().div(255), boxes, size, generator)
            loss, box, objectness, cls, _ = yolo.yolo_loss(net(images.to(device)), targets, model.anchors,
                                                           len(classes), size)
            step(net, model, loss, optimizer, scheduler, a.clip_grad)
            if ema:
                ema.update(model)
            done = (epoch * steps_per_epoch + i + 1) * per_step
            progress(rank, epoch, a.epochs, i + 1, steps_per_epoch, loss.item(), done, start, steps * per_step)
        if rank == 0:
            scored = ema.model if ema else model
            map07, area = score_detector(scored, val_pictures, val_objects, val_ids, classes, size, device)
            history.append(map07)
            print(f"epoch {epoch + 1}/{a.epochs}: loss {loss.item():.3f} (box {box:.3f}, obj {objectness:.3f}, "
                  f"cls {cls:.3f}), mAP@0.5 {100 * map07:.1f}% (VOC07) {100 * area:.1f}% (area), "
                  f"{time.time() - start:.0f}s", flush=True)
    if rank == 0:
        final = ema.model if ema else model
        card = {
            "leannets.model": a.model, "leannets.task": "detect", "leannets.input": f"3x{size}x{size}",
            "leannets.mean": "[0,0,0]", "leannets.std": "[1,1,1]", "leannets.classes": json.dumps(classes),
            "leannets.anchors": json.dumps([list(x) for x in model.anchors]),
            "leannets.strides": json.dumps(list(leannets_torch.darknet.STRIDES)),
            "leannets.origin": f"python/train_ddp.py, {world} process(es), {a.epochs} epochs",
        }
        leannets_torch.save_file(final.state_dict(), a.output, card)
        summary = {"model": a.model, "task": "detect", "processes": world, "epochs": a.epochs, "input": size,
                   "train_images": len(pictures), "val_images": len(val_ids), "map07": round(100 * history[-1], 2),
                   "map_area": round(100 * area, 2), "seconds": round(time.time() - start, 1)}
        print(f"wrote {a.output}", flush=True)
        print(json.dumps(summary), flush=True)


def main():
    a = parse()
    cuda = torch.cuda.is_available()
    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        backend = a.backend if a.backend != "auto" else "nccl" if cuda else "gloo"
        dist.init_process_group(backend)
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    local = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if not cuda:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    (detect_task if a.task == "detect" else classify)(a, rank, world, device, distributed, local)
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
