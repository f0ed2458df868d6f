"""Stand-in: inert transform classes (enough for open_clip to build a model)."""
import enum

from . import functional  # noqa: F401


class InterpolationMode(enum.Enum):
    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    LANCZOS = "lanczos"


class _Inert:
    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs

    def __call__(self, x):
        return x


class Compose(_Inert):
    def __init__(self, transforms):
        super().__init__(transforms)
        self.transforms = list(transforms)

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x


class Normalize(_Inert):
    pass


class RandomResizedCrop(_Inert):
    pass


class ToTensor(_Inert):
    pass


class Resize(_Inert):
    pass


class CenterCrop(_Inert):
    pass


class ColorJitter(_Inert):
    pass


class Grayscale(_Inert):
    pass
