"""Where a reward model's weights live, and in which dtype.

Two rules every learned reward needs:
- weights must be normal tensors, never inference tensors: ComfyUI runs prompts
  under torch.inference_mode(), and autograd refuses to save inference tensors
  for backward. Every move/cast here runs under inference_mode(False), and
  `ensure_normal_tensors` repairs a module that someone moved in inference mode.
- fp16 on GPU, fp32 on CPU (CPU half kernels are slow or missing), unless the
  user pins a precision.

A host (ComfyUI) can take over device moves by giving a `placer`: a callable
`placer(module, device, dtype)` that loads the module there in that dtype (see
nodes/reward_model_management.py); it is called before every use, so a host
that offloaded the model in between gets it back.
"""
from __future__ import annotations

import torch

PRECISIONS = ("auto", "fp16", "bf16", "fp32")
_DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}


def weight_dtype_for(device: torch.device, precision: str = "auto") -> torch.dtype:
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if precision != "auto":
        return _DTYPES[precision]
    return torch.float16 if torch.device(device).type == "cuda" else torch.float32


def ensure_normal_tensors(module: torch.nn.Module) -> int:
    """Replace inference-mode parameters/buffers by normal clones; returns how many."""
    replaced = 0
    with torch.inference_mode(False), torch.no_grad():
        for sub in module.modules():
            for name, param in list(sub._parameters.items()):
                if param is not None and param.is_inference():
                    sub._parameters[name] = torch.nn.Parameter(param.clone(), requires_grad=False)
                    replaced += 1
            for name, buf in list(sub._buffers.items()):
                if buf is not None and buf.is_inference():
                    sub._buffers[name] = buf.clone()
                    replaced += 1
    return replaced


def freeze(module: torch.nn.Module) -> torch.nn.Module:
    """Eval mode, no parameter gradients: only the pixels are differentiated."""
    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return module


class ModelPlacement:
    """Owns one frozen module; `place(device)` puts it where the pixels are."""

    def __init__(self, module: torch.nn.Module, precision: str = "auto", placer=None):
        weight_dtype_for(torch.device("cpu"), precision)  # validates the name
        self.module = freeze(module)
        self.precision = precision
        self.placer = placer
        self.target = None  # device chosen by the last explicit place()
        ensure_normal_tensors(self.module)
        self._checked = self._weights_signature()  # weights as ensure_normal_tensors last saw them

    @property
    def device(self) -> torch.device:
        first = next(self.module.parameters(), None)
        return first.device if first is not None else torch.device("cpu")

    @property
    def dtype(self) -> torch.dtype:
        first = next(self.module.parameters(), None)
        return first.dtype if first is not None else torch.float32

    def place(self, device) -> "ModelPlacement":
        device = torch.device(device)
        dtype = weight_dtype_for(device, self.precision)
        with torch.inference_mode(False):
            if self.placer is not None:
                self.placer(self.module, device, dtype)
            else:
                self.module.to(device=device, dtype=dtype)
        if self._weights_signature() != self._checked:
            # Only after a real move: walking every parameter of a ViT-H costs ms per step.
            ensure_normal_tensors(self.module)
            self._checked = self._weights_signature()
        self.target = device
        return self

    def _weights_signature(self):
        """Changes whenever the weights were moved, cast or reloaded (new storage)."""
        first = next(self.module.parameters(), None)
        return None if first is None else (first.device, first.dtype, first.data_ptr())

    def ready(self, fallback_device) -> "ModelPlacement":
        """Before each use: back to the chosen device (or the pixels' device if none was chosen).

        Without a placer this is a no-op once in place; with one, the host gets
        the chance to reload a model it offloaded since the last call.
        """
        device = self.target if self.target is not None else torch.device(fallback_device)
        if self.placer is not None or self.device != device or self.target is None:
            self.place(device)
        return self
