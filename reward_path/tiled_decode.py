"""Decode with a reward gradient in bounded memory: tiles (and batch chunks) whose
activations are recomputed one at a time in backward.

Forward decodes every piece without autograd and blends overlapping tiles with linear
ramps (a partition of unity, like ComfyUI's tiled VAE decode). Backward re-decodes one
piece at a time with autograd and pulls the matching, equally weighted slice of the image
gradient through it. The gradient is exact for the blended decode, and peak memory is that
of one piece, whatever the image size or batch.
"""
from __future__ import annotations

import math

import torch


def _starts(length: int, tile: int, overlap: int) -> list:
    if length <= tile:
        return [0]
    count = math.ceil((length - overlap) / (tile - overlap))
    return [round(k * (length - tile) / (count - 1)) for k in range(count)]


def tile_grid(height: int, width: int, tile: int, overlap: int) -> list:
    """(y0, y1, x0, x1) latent boxes of at most tile x tile covering height x width, each
    overlapping its neighbours by at least `overlap`."""
    if tile <= overlap:
        raise ValueError(f"tile ({tile}) must be larger than overlap ({overlap})")
    return [(y, min(y + tile, height), x, min(x + tile, width))
            for y in _starts(height, tile, overlap) for x in _starts(width, tile, overlap)]


def _ramp(size: int, ramp: int, rise: bool, fall: bool, like: torch.Tensor) -> torch.Tensor:
    w = torch.ones(size, dtype=like.dtype, device=like.device)
    if ramp > 0:
        # 0 on the outer quarter of the overlap (pixels that saw the tile's zero padding),
        # linear over the middle half, so a decoder that looks less than a quarter of the
        # overlap away decodes tiled exactly as whole.
        position = torch.arange(min(ramp, size), dtype=like.dtype, device=like.device) + 0.5
        edge = ((position - ramp / 4) / (ramp / 2)).clamp(0.0, 1.0)
        if rise:
            w[: edge.numel()] = torch.minimum(w[: edge.numel()], edge)
        if fall:
            w[size - edge.numel():] = torch.minimum(w[size - edge.numel():], edge.flip(0))
    return w


def _blend_weight(box, shape, factor, overlap, like) -> torch.Tensor:
    """[1, 1, h, w] pixel weight of one tile: 1 inside, ramping down to 0 across the overlap
    on the sides that have a neighbour."""
    y0, y1, x0, x1 = box
    height, width = shape
    ramp = overlap * factor
    wy = _ramp((y1 - y0) * factor, ramp, y0 > 0, y1 < height, like)
    wx = _ramp((x1 - x0) * factor, ramp, x0 > 0, x1 < width, like)
    return (wy[:, None] * wx[None, :])[None, None]


class _Pieces:
    """The (item range, box) pieces of one decode and their blend weights."""

    def __init__(self, z, chunk, tile, overlap):
        height, width = z.shape[-2:]
        self.boxes = tile_grid(height, width, tile, overlap) if tile else [(0, height, 0, width)]
        self.chunks = [(i, min(i + chunk, z.shape[0])) for i in range(0, z.shape[0], chunk)]
        self.shape = (height, width)
        self.overlap = overlap if len(self.boxes) > 1 else 0
        self.factor = None
        self.total = None  # sum of blend weights per pixel

    def weight(self, box, like):
        return _blend_weight(box, self.shape, self.factor, self.overlap, like)

    def pixels(self, box):
        y0, y1, x0, x1 = box
        f = self.factor
        return slice(y0 * f, y1 * f), slice(x0 * f, x1 * f)


class _TiledDecode(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, decode, pieces):
        out = None
        for i0, i1 in pieces.chunks:
            for box in pieces.boxes:
                y0, y1, x0, x1 = box
                piece = decode(z[i0:i1, :, y0:y1, x0:x1])
                if out is None:
                    pieces.factor = piece.shape[-1] // (x1 - x0)
                    h, w = pieces.shape
                    out = piece.new_zeros(z.shape[0], piece.shape[1], h * pieces.factor, w * pieces.factor)
                    pieces.total = piece.new_zeros(1, 1, *out.shape[-2:])
                ys, xs = pieces.pixels(box)
                weight = pieces.weight(box, piece)
                out[i0:i1, :, ys, xs] += piece * weight
                if i0 == 0:
                    pieces.total[:, :, ys, xs] += weight
        ctx.save_for_backward(z)
        ctx.decode, ctx.pieces = decode, pieces
        return out / pieces.total

    @staticmethod
    def backward(ctx, grad_out):
        (z,) = ctx.saved_tensors
        pieces, decode = ctx.pieces, ctx.decode
        grad_z = torch.zeros_like(z)
        for i0, i1 in pieces.chunks:
            for box in pieces.boxes:
                y0, y1, x0, x1 = box
                ys, xs = pieces.pixels(box)
                share = grad_out[i0:i1, :, ys, xs] * (pieces.weight(box, grad_out) / pieces.total[:, :, ys, xs])
                with torch.enable_grad():
                    z_piece = z[i0:i1, :, y0:y1, x0:x1].detach().requires_grad_(True)
                    decoded = decode(z_piece)
                    (grad_piece,) = torch.autograd.grad(decoded, z_piece, share.to(decoded.dtype))
                grad_z[i0:i1, :, y0:y1, x0:x1] += grad_piece
                del decoded, grad_piece
        return grad_z, None, None


def decode_tiled(decode, z: torch.Tensor, chunk: int, tile: int | None, overlap: int = 8) -> torch.Tensor:
    """decode(z) [B,C,h,w] -> [B,3,H,W], in pieces of `chunk` items and `tile` x `tile`
    latent pixels (None: whole). One piece covering everything is a plain autograd decode."""
    pieces = _Pieces(z, max(1, int(chunk)), tile, overlap)
    if len(pieces.boxes) == 1 and len(pieces.chunks) == 1:
        return decode(z)
    return _TiledDecode.apply(z, decode, pieces)
