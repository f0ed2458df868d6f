"""The model-family row of a ComfyUI MODEL (guidance/families.py holds the table).

The row is read from what the model's sampling object does, not from a list of class names:
its noise_scaling is probed on two numbers, which separates x = x0 + sigma n (VE: EPS,
V_PREDICTION, EDM, X0, IMG_TO_IMG, LCM, COSMOS_RFLOW) from x = (1-sigma) x0 + sigma n (flow:
CONST). A sampling type that is neither, or a model whose latents are not images, is refused
before sampling with a message naming it.
"""
from __future__ import annotations

import torch

from ..guidance import FLOW, VE
from .errors import LagsInputError

#: ComfyUI v0.8.0's sampling types (comfy/model_sampling.py, comfy_extras/nodes_model_advanced.py),
#: most specific first, for messages and the README table.
KNOWN_TYPES = ("IMG_TO_IMG", "X0", "LCM", "EDM", "V_PREDICTION", "EPS", "CONST", "COSMOS_RFLOW")

_PROBE_SIGMAS = (0.25, 0.6)


def sampling_object(model):
    getter = getattr(model, "get_model_object", None)
    return getter("model_sampling") if callable(getter) else getattr(model, "model_sampling", None)


def sampling_type_name(sampling) -> str:
    names = [cls.__name__ for cls in type(sampling).__mro__]
    return next((n for n in KNOWN_TYPES if n in names), type(sampling).__name__)


def _relation(sampling):
    """VE, FLOW, or None, from noise_scaling(sigma, noise, x0) at two sigmas."""
    x0, noise = torch.tensor([[[[0.7]]]], dtype=torch.float64), torch.tensor([[[[-1.3]]]], dtype=torch.float64)
    found = set()
    for s in _PROBE_SIGMAS:
        sigma = torch.tensor([s], dtype=torch.float64)
        try:
            x = sampling.noise_scaling(sigma, noise.clone(), x0.clone(), max_denoise=False)
        except Exception:
            return None
        for family, expected in ((VE, x0 + s * noise), (FLOW, (1 - s) * x0 + s * noise)):
            if torch.allclose(torch.as_tensor(x, dtype=torch.float64), expected, atol=1e-9):
                found.add(family)
    return found.pop() if len(found) == 1 else None


def model_family(model):
    """The families.NoiseFamily to guide `model` (a ModelPatcher or BaseModel) with."""
    base = getattr(model, "model", model)
    getter = getattr(model, "get_model_object", None)
    latent_format = getter("latent_format") if callable(getter) else getattr(base, "latent_format", None)
    dims = getattr(latent_format, "latent_dimensions", 2)
    if dims != 2:
        kind = {1: "audio or 3-D", 3: "video"}.get(dims, f"{dims}-D")
        raise LagsInputError(
            f"model: LAGS guides image models (2-D latents); this model ({type(base).__name__}, latent format "
            f"{type(latent_format).__name__}) makes {kind} latents. Nothing was sampled.")
    sampling = sampling_object(model)
    family = _relation(sampling) if sampling is not None else None
    if family is None:
        raise LagsInputError(
            f"model: LAGS does not know how to guide the sampling type {sampling_type_name(sampling)!r} of "
            f"{type(base).__name__}: its noise relation is neither x = x0 + sigma*n (EPS, V-prediction, EDM, "
            "X0, LCM, Cosmos) nor x = (1-sigma)*x0 + sigma*n (flow: SD3, Flux, ...). Guiding it with either "
            "formula would give silently wrong images, so nothing was sampled.")
    return family
