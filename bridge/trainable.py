"""Copies of reward-path modules that autograd can use, made once and cached.

ComfyUI loads weights inside torch.inference_mode(): such tensors cannot be saved for
backward. A deepcopy taken outside inference mode holds normal tensors. The copy is
cached per source module (weak keys: it goes away with the VAE) and per device/dtype, so
it is made once per VAE, not once per step.
"""
from __future__ import annotations

import copy
import threading
import weakref

import torch

from ..rewards.model_placement import ensure_normal_tensors

_lock = threading.Lock()
_cache: "weakref.WeakKeyDictionary[torch.nn.Module, dict]" = weakref.WeakKeyDictionary()

#: Keep copies of at most this many source modules (each can be hundreds of MB).
MAX_SOURCES = 2


def trainable_copy(module: torch.nn.Module, device, dtype, skip=()) -> torch.nn.Module:
    """A frozen (requires_grad False), eval-mode copy of `module` on device/dtype whose
    tensors are normal (not inference) tensors. Submodules named in `skip` (e.g. the
    VAE encoder) are replaced by Identity in the copy to save memory."""
    key = (str(torch.device(device)), dtype, tuple(skip))
    with _lock:
        per_source = _cache.get(module)
        if per_source is not None and key in per_source:
            return per_source[key]
    with torch.inference_mode(False), torch.no_grad():
        memo = {id(getattr(module, name)): torch.nn.Identity() for name in skip if getattr(module, name, None) is not None}
        clone = copy.deepcopy(module, memo)
        clone = clone.to(device=device, dtype=dtype).eval().requires_grad_(False)
        # .to() leaves a tensor already on device/dtype as it was: possibly an inference tensor.
        ensure_normal_tensors(clone)
    with _lock:
        if module not in _cache and len(_cache) >= MAX_SOURCES:
            _cache.clear()
        _cache.setdefault(module, {})[key] = clone
    return clone


def cached_sources() -> int:
    """Number of source modules with a cached copy (for tests)."""
    return len(_cache)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
