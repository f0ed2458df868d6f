"""reward_path.lean_backward: same gradients as plain autograd, far fewer saved bytes."""
import copy

import torch

from reward_path.lean_backward import make_lean


class ResnetBlock(torch.nn.Module):
    """The layout of ComfyUI's VAE ResnetBlock (norm1 -> swish -> conv1 -> norm2 -> swish -> conv2)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.swish = torch.nn.SiLU(inplace=True)
        self.norm1 = torch.nn.GroupNorm(4, cin, eps=1e-6)
        self.conv1 = torch.nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2 = torch.nn.GroupNorm(4, cout, eps=1e-6)
        self.conv2 = torch.nn.Conv2d(cout, cout, 3, padding=1)
        self.nin_shortcut = torch.nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x):
        h = self.conv1(self.swish(self.norm1(x)))
        h = self.conv2(self.swish(self.norm2(h)))
        return (x if self.nin_shortcut is None else self.nin_shortcut(x)) + h


class Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_in = torch.nn.Conv2d(4, 16, 3, padding=1)
        self.block1 = ResnetBlock(16, 16)
        self.up = torch.nn.Upsample(scale_factor=2)
        self.up_conv = torch.nn.Conv2d(16, 16, 3, padding=1)
        self.block2 = ResnetBlock(16, 8)
        self.norm_out = torch.nn.GroupNorm(4, 8)
        self.conv_out = torch.nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, z):
        h = self.block2(self.up_conv(self.up(self.block1(self.conv_in(z)))))
        return self.conv_out(torch.nn.functional.silu(self.norm_out(h)))


def _frozen(seed=0):
    torch.manual_seed(seed)
    return Decoder().double().eval().requires_grad_(False)


def _grad(decoder, z, target):
    z = z.clone().requires_grad_(True)
    out = decoder(z)
    (grad,) = torch.autograd.grad((out * target).sum(), z)
    return out.detach(), grad


def _saved_bytes(decoder, z):
    total = 0

    def pack(t):
        nonlocal total
        if not isinstance(t, torch.nn.Parameter) and t.requires_grad is not None:
            total += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        decoder(z.clone().requires_grad_(True)).sum()
    return total


def test_lean_decoder_gives_the_same_values_and_input_gradients():
    plain = _frozen()
    lean = make_lean(copy.deepcopy(plain))
    assert lean.lean_changes == (8, 4)  # every conv; both GroupNorm+SiLU pairs of both blocks
    z = torch.randn(2, 4, 6, 6, dtype=torch.float64)
    target = torch.randn(2, 3, 12, 12, dtype=torch.float64)
    out_plain, grad_plain = _grad(plain, z, target)
    out_lean, grad_lean = _grad(lean, z, target)
    assert torch.allclose(out_lean, out_plain, atol=1e-12)
    assert torch.allclose(grad_lean, grad_plain, atol=1e-12)


def test_lean_decoder_saves_far_less_for_backward():
    plain = _frozen()
    lean = make_lean(copy.deepcopy(plain))
    z = torch.randn(1, 4, 16, 16, dtype=torch.float64)
    assert _saved_bytes(lean, z) < 0.5 * _saved_bytes(plain, z)


def test_without_autograd_the_lean_decoder_is_the_plain_one():
    plain = _frozen()
    lean = make_lean(copy.deepcopy(plain))
    z = torch.randn(1, 4, 5, 5, dtype=torch.float64)
    with torch.no_grad():
        assert torch.equal(lean(z), plain(z))
