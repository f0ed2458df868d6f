"""Host glue between the host-free guidance engine and ComfyUI.

Everything that needs ComfyUI (comfy.*, folder_paths, server, ComfyUI's `nodes`) lives
here and imports it lazily, inside functions, so the package can be imported (and its
pure parts tested) without a ComfyUI checkout.
"""
from .settings import DECODE_SCALES, DECODERS, LagsSettings
from .patch import patch_model

__all__ = ["DECODE_SCALES", "DECODERS", "LagsSettings", "patch_model"]
