"""reward_path's tiled decode: exact values and gradients, bounded pieces, grid coverage."""
import pytest
import torch

from reward_path import decode_tiled, tile_grid
from reward_path.plan import MIN_TILE, plan_decode


class LocalDecoder(torch.nn.Module):
    """Looks one latent pixel around (3x3 conv), then 4x nearest upsampling and a 3x3 conv
    in pixel space: a receptive field well inside a quarter of an 8-pixel overlap."""

    factor = 4

    def __init__(self):
        super().__init__()
        gen = torch.Generator().manual_seed(0)
        self.a = torch.nn.Conv2d(4, 8, 3, padding=1)
        self.b = torch.nn.Conv2d(8, 3, 3, padding=1)
        for p in self.parameters():
            p.data = torch.randn(p.shape, generator=gen, dtype=torch.float64) * 0.3
        self.pieces = []

    def decode(self, z):
        self.pieces.append(tuple(z.shape))
        h = torch.tanh(self.a(z))
        return self.b(torch.nn.functional.interpolate(h, scale_factor=self.factor, mode="nearest"))


class GlobalDecoder(LocalDecoder):
    """Adds the tile's own mean: tiles differ from the whole decode (like GroupNorm)."""

    def decode(self, z):
        out = super().decode(z)
        return out + out.mean(dim=(-2, -1), keepdim=True)


def _latent(batch=2, h=40, w=52, seed=1):
    return torch.randn(batch, 4, h, w, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_tiles_cover_the_latent_with_the_stated_overlap():
    boxes = tile_grid(40, 52, 16, 8)
    covered = torch.zeros(40, 52)
    for y0, y1, x0, x1 in boxes:
        assert y1 - y0 <= 16 and x1 - x0 <= 16
        covered[y0:y1, x0:x1] += 1
    assert covered.min() >= 1
    ys = sorted({b[0] for b in boxes})
    assert all(b - a <= 16 - 8 for a, b in zip(ys, ys[1:]))
    with pytest.raises(ValueError, match="larger than overlap"):
        tile_grid(40, 52, 8, 8)


def test_local_decoder_tiled_equals_whole_in_value_and_gradient():
    dec = LocalDecoder()
    z = _latent().requires_grad_(True)
    target = torch.randn(2, 3, 160, 208, generator=torch.Generator().manual_seed(2), dtype=torch.float64)

    whole = dec.decode(z)
    (g_whole,) = torch.autograd.grad((whole * target).sum(), z)
    dec.pieces.clear()
    tiled = decode_tiled(dec.decode, z, chunk=1, tile=24, overlap=8)
    (g_tiled,) = torch.autograd.grad((tiled * target).sum(), z)

    assert torch.allclose(tiled, whole, atol=1e-12)
    assert torch.allclose(g_tiled, g_whole, atol=1e-12)
    assert max(s[-1] for s in dec.pieces) <= 24 and max(s[0] for s in dec.pieces) == 1


def test_gradient_is_exact_for_the_blended_decode_of_a_global_decoder():
    """Tiles differ from the whole decode here; the gradient must still be the exact
    gradient of what forward returned (checked against torch's numerical gradcheck)."""
    dec = GlobalDecoder()
    z = _latent(batch=1, h=20, w=20).requires_grad_(True)
    assert torch.autograd.gradcheck(lambda t: decode_tiled(dec.decode, t, 1, 12, 4), (z,), eps=1e-6, atol=1e-6,
                                    fast_mode=True)
    whole = dec.decode(z)
    tiled = decode_tiled(dec.decode, z, 1, 12, 4)
    assert not torch.allclose(whole, tiled)  # the check above is not vacuous


def test_chunks_without_tiles_match_the_whole_batch():
    dec = GlobalDecoder()
    z = _latent(batch=3, h=8, w=8).requires_grad_(True)
    whole = dec.decode(z)
    (g_whole,) = torch.autograd.grad(whole.square().sum(), z)
    chunked = decode_tiled(dec.decode, z, chunk=2, tile=None)
    (g_chunked,) = torch.autograd.grad(chunked.square().sum(), z)
    assert torch.allclose(chunked, whole, atol=1e-12) and torch.allclose(g_chunked, g_whole, atol=1e-12)


def test_plan_prefers_whole_then_chunks_then_tiles():
    bpp = 1000.0
    item = 64 * 64 * 64 * bpp  # 64x64 latent, factor 8
    assert plan_decode(4, (64, 64), 8, bpp, 4 * item).tile is None
    plan = plan_decode(4, (64, 64), 8, bpp, 2.5 * item)
    assert plan.tile is None and plan.chunk == 2
    plan = plan_decode(4, (64, 64), 8, bpp, item / 4)
    assert plan.chunk == 1 and plan.tile == 32
    assert plan_decode(1, (64, 64), 8, bpp, 1.0).tile == MIN_TILE


def test_tiles_shrink_to_the_fewest_that_cover_the_latent():
    bpp = 10200.0
    budget = 57 * 57 * 64 * bpp  # tiles of at most 57 latent px
    plan = plan_decode(1, (64, 64), 8, bpp, budget)
    assert plan.tile == 36  # two per side either way; 57 would decode 2.5x the pixels
    assert len(tile_grid(64, 64, plan.tile, plan.overlap)) == len(tile_grid(64, 64, 57, plan.overlap)) == 4
    assert plan_decode(1, (128, 128), 8, bpp, budget).tile == 48  # three per side
