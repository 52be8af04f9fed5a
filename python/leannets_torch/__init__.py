"""A PyTorch twin of LeanNets' VGNet and DualConv-paper models: the same architectures written independently in
torch, with state-dict names identical to LeanNets', so weights move between the two unchanged."""
from . import darknet, mobilenet, resnet, vgg, vgnet
from .safetensors_file import load_file, save_file

_REGISTRY = {}
for _module in (vgnet, resnet, mobilenet, vgg, darknet):
    for _name, _factory, _default in _module.entries():
        if _name in _REGISTRY:
            raise RuntimeError(f"model {_name} registered twice")
        _REGISTRY[_name] = (_factory, _default)

_DETECTORS = {name: (factory, classes, side) for name, factory, classes, side in darknet.detector_entries()}


def list_models():
    return sorted(_REGISTRY)


def default_input(name):
    """(classes, side) the registry gives the model by default."""
    return _REGISTRY[name][1]


def create_model(name, num_classes=None, in_chans=3):
    if name not in _REGISTRY:
        raise KeyError(f"unknown model '{name}'")
    factory, (classes, _) = _REGISTRY[name]
    return factory(num_classes or classes, in_chans)


def list_detectors():
    return sorted(_DETECTORS)


def default_detector_input(name):
    """(classes, side) of a detector by default."""
    return _DETECTORS[name][1:]


def create_detector(name, num_classes=None, in_chans=3, anchors=darknet.DEFAULT_ANCHORS):
    """A YOLO-V3 of LeanNets' detector registry, its output priors initialised as LeanNets initialises them."""
    if name not in _DETECTORS:
        raise KeyError(f"unknown detector '{name}'")
    factory, classes, _ = _DETECTORS[name]
    return factory(num_classes or classes, in_chans, anchors).initialize_priors()


__all__ = ["create_detector", "create_model", "default_detector_input", "default_input", "list_detectors",
           "list_models", "load_file", "save_file"]
