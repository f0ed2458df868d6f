"""Inert attributes for the torchvision stand-in: importable, unusable."""


class _InertMeta(type):
    # Class-level look-ups (e.g. InterpolationMode.BICUBIC as a default argument) work.
    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _make(f"{cls.__name__}.{name}")


def _make(name):
    def __init__(self, *args, **kwargs):
        raise RuntimeError(f"torchvision.{name} is a test stand-in (torchvision is not installed)")

    return _InertMeta(name, (), {"__init__": __init__})


def inert_getattr(module_name):
    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _make(name)

    return __getattr__
