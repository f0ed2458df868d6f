"""Backward through a frozen decoder without most of what autograd would keep.

The reward path differentiates the decoder with respect to its input only; its weights are
frozen. Autograd still saves every convolution's input (needed only for weight gradients)
and, in each GroupNorm -> SiLU pair, both the GroupNorm input and the SiLU input: with the
SD/SDXL VAE those saved tensors are ~96% of the reward path's memory. `make_lean` rewires a decoder copy so
that convolutions save no input (their input gradient needs only the weight) and GroupNorm +
SiLU pairs save only the GroupNorm input and are recomputed in backward. Gradients are those
of the unmodified module (tests/test_lean_backward.py). Measured peak of one reward gradient
with ComfyUI's SDXL VAE (docs/memory.md): -59% in float32 (23,821 -> 9,824 B/px).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


class _ConvSavingNoInput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, dilation, groups):
        ctx.save_for_backward(weight)  # a parameter, not an activation: no extra memory
        ctx.config = (x.shape, stride, padding, dilation, groups)
        return F.conv2d(x, weight, bias, stride, padding, dilation, groups)

    @staticmethod
    def backward(ctx, grad_out):
        (weight,) = ctx.saved_tensors
        shape, stride, padding, dilation, groups = ctx.config
        grad_in = torch.nn.grad.conv2d_input(shape, weight, grad_out.to(weight.dtype), stride, padding, dilation,
                                             groups)
        return grad_in, None, None, None, None, None, None


class _GroupNormSiLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, norm):
        ctx.save_for_backward(x)
        ctx.norm = norm
        return F.silu(norm(x))

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            (grad_in,) = torch.autograd.grad(F.silu(ctx.norm(x)), x, grad_out)
        return grad_in, None


class GroupNormSiLU(torch.nn.Module):
    """silu(norm(x)), saving only x for backward."""

    def __init__(self, norm: torch.nn.Module):
        super().__init__()
        self.norm = norm

    def forward(self, x):
        if not torch.is_grad_enabled() or not x.requires_grad:
            return F.silu(self.norm(x))
        return _GroupNormSiLU.apply(x, self.norm)


def _lean_conv_forward(conv: torch.nn.Conv2d):
    def forward(x, *args, **kwargs):
        if not torch.is_grad_enabled() or not x.requires_grad:
            return type(conv).forward(conv, x, *args, **kwargs)
        return _ConvSavingNoInput.apply(x.to(conv.weight.dtype), conv.weight, conv.bias, conv.stride, conv.padding,
                                        conv.dilation, conv.groups)

    return forward


def _fusable_resnet_block(module: torch.nn.Module) -> bool:
    """A VAE ResnetBlock (comfy.ldm...model.ResnetBlock layout): norm1 -> swish -> conv1 ->
    norm2 -> swish -> conv2, swish a SiLU used for nothing else (no time embedding)."""
    return (isinstance(getattr(module, "swish", None), torch.nn.SiLU)
            and all(isinstance(getattr(module, n, None), torch.nn.GroupNorm) for n in ("norm1", "norm2"))
            and getattr(module, "temb_proj", None) is None)


def make_lean(module: torch.nn.Module) -> torch.nn.Module:
    """Rewire `module` (a frozen copy: it is modified in place) as described above. Counts
    what it changed in module.lean_changes (convs, fused GroupNorm+SiLU pairs)."""
    convs = fused = 0
    for sub in module.modules():
        if _fusable_resnet_block(sub):
            sub.norm1, sub.norm2 = GroupNormSiLU(sub.norm1), GroupNormSiLU(sub.norm2)
            sub.swish = torch.nn.Identity()
            fused += 2
    for sub in module.modules():
        if (isinstance(sub, torch.nn.Conv2d) and sub.padding_mode == "zeros" and not isinstance(sub.padding, str)
                and not sub.weight.requires_grad):
            sub.forward = _lean_conv_forward(sub)
            convs += 1
    module.lean_changes = (convs, fused)
    return module
