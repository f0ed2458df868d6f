"""TEST-ONLY ComfyUI nodes the harness registers next to the pack (never shipped).

Loaders for the tiny in-process models, a text encoder for the tiny CLIP, rewards used
by the tests, object injection (tests hand Python objects to a prompt by key) and
capture nodes (tests read node outputs back).
"""
from __future__ import annotations

import torch

import tiny_models

#: Python objects handed to prompts by key (LAGSTest_Model/_Latent/_Reward).
OBJECTS: dict = {}
#: label -> value written by LAGSTest_Capture during a run.
CAPTURES: dict = {}
_MODELS: dict = {}
_VAES: dict = {}


def _cached(cache, key, build):
    if key not in cache:
        cache[key] = build()
    return cache[key]


class _AnyType(str):
    """Matches every socket type (older ComfyUI versions have no built-in "*" wildcard)."""

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


ANY = _AnyType("*")


class _Node:
    CATEGORY = "lags_test"
    FUNCTION = "run"


class _AlwaysRerun(_Node):
    @classmethod
    def IS_CHANGED(cls, **kwargs):
        return float("nan")  # NaN != NaN: never reuse a cached output


class TinyCheckpoint(_Node):
    """Stands in for CheckpointLoaderSimple (same output types)."""

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"kind": (list(tiny_models.KINDS),), "seed": ("INT", {"default": 0, "min": 0})},
                "optional": {"ckpt_name": ("STRING", {"default": ""})}}

    RETURN_TYPES = ("MODEL", "CLIP", "VAE")

    def run(self, kind, seed, ckpt_name=""):
        model = _cached(_MODELS, (kind, seed), lambda: tiny_models.tiny_model(kind, seed))
        channels = tiny_models.latent_channels(kind)
        vae = _cached(_VAES, (seed, channels), lambda: tiny_models.tiny_vae(seed, channels))
        return (model, tiny_models.tiny_clip(kind), vae)


class TinyVAE(_Node):
    """Stands in for VAELoader."""

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"seed": ("INT", {"default": 0, "min": 0}),
                             "latent_channels": ("INT", {"default": 4, "min": 1, "max": 64})},
                "optional": {"vae_name": ("STRING", {"default": ""})}}

    RETURN_TYPES = ("VAE",)

    def run(self, seed, latent_channels, vae_name=""):
        return (_cached(_VAES, (seed, latent_channels), lambda: tiny_models.tiny_vae(seed, latent_channels)),)


class TextEncode(_Node):
    """Stands in for CLIPTextEncode (same input names) with the tiny CLIP."""

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"text": ("STRING", {"multiline": True}), "clip": ("CLIP",)}}

    RETURN_TYPES = ("CONDITIONING",)

    def run(self, text, clip):
        return (clip.encode(text),)


class ObjectModel(_AlwaysRerun):
    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"key": ("STRING", {"default": ""})}}

    RETURN_TYPES = ("MODEL",)

    def run(self, key):
        return (OBJECTS[key],)


class ObjectLatent(ObjectModel):
    RETURN_TYPES = ("LATENT",)


class ObjectReward(ObjectModel):
    RETURN_TYPES = ("LAGS_REWARD",)


class ObjectSchedule(ObjectModel):
    RETURN_TYPES = ("LAGS_SCHEDULE",)


class RednessReward:
    """Pixel reward: log w = strength * mean over pixels of (R - (G + B) / 2)."""

    space = "pixel"
    name = "test redness"

    def __init__(self, strength: float):
        self.strength = strength

    def log_w(self, image):
        return self.strength * redness(image)

    def prepare(self, device, dtype):
        return self

    def describe(self):
        return f"{self.name} x{self.strength:g}"


def redness(image: torch.Tensor) -> torch.Tensor:
    """Per-item mean of R - (G + B)/2 for IMAGE [B,H,W,C]."""
    return (image[..., 0] - 0.5 * (image[..., 1] + image[..., 2])).flatten(1).mean(1)


class Redness(_Node):
    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"strength": ("FLOAT", {"default": 50.0, "min": -1e6, "max": 1e6})}}

    RETURN_TYPES = ("LAGS_REWARD",)

    def run(self, strength):
        return (RednessReward(strength),)


class Capture(_AlwaysRerun):
    """Output node: stores its input in CAPTURES[label]."""

    OUTPUT_NODE = True

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"value": (ANY,), "label": ("STRING", {"default": "out"})}}

    RETURN_TYPES = ()

    def run(self, value, label):
        CAPTURES[label] = value
        return ()


class CountModelCalls(_AlwaysRerun):
    """MODEL patch: CAPTURES[label] lists the batch size of every diffusion-model call
    (an APPLY_MODEL wrapper, so guidance probes and every guider's calls are counted)."""

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"model": ("MODEL",), "label": ("STRING", {"default": "calls"})}}

    RETURN_TYPES = ("MODEL",)

    def run(self, model, label):
        import comfy.patcher_extension

        calls = CAPTURES.setdefault(label, [])

        def record(executor, x, *args, **kwargs):
            calls.append(int(x.shape[0]))
            return executor(x, *args, **kwargs)

        patched = model.clone()
        patched.add_wrapper_with_key(comfy.patcher_extension.WrappersMP.APPLY_MODEL, "lags_test_count", record)
        return (patched,)


NODE_CLASS_MAPPINGS = {
    "LAGSTest_TinyCheckpoint": TinyCheckpoint,
    "LAGSTest_TinyVAE": TinyVAE,
    "LAGSTest_TextEncode": TextEncode,
    "LAGSTest_Model": ObjectModel,
    "LAGSTest_Latent": ObjectLatent,
    "LAGSTest_Reward": ObjectReward,
    "LAGSTest_Schedule": ObjectSchedule,
    "LAGSTest_Redness": Redness,
    "LAGSTest_Capture": Capture,
    "LAGSTest_CountModelCalls": CountModelCalls,
}
