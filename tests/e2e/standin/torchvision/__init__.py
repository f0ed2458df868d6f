"""Test-only torchvision stand-in for CPU machines whose PyPI torchvision cannot load.

Put this folder's parent on PYTHONPATH only when `import torchvision` fails; it never
ships in the pack. ComfyUI imports torchvision at start-up for models these tests never
build, so every attribute is an inert class that fails loudly if actually used.
"""
from ._inert import inert_getattr

__getattr__ = inert_getattr(__name__)
