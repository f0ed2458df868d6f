"""The benchmark's tables, row by row, in the order they are measured (host side)."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .bench import NO_BUDGET, MemoryBench, Result
from .config import MAX_PIECES, TRUNCATE_AFTER
from .fit import LinearFit, fit_linear
from .models import split_attention_bytes
from .rewards import COLOUR

COLOUR_MEAN = f"colour mean {COLOUR}"
FREQUENCY = "frequency suppress 0.25-0.5"

#: (decoder, label, the constant the pack plans with)
FIT_DECODERS = (
    ("vae", "VAE fp32", "VAE_BYTES_PER_PIXEL_FP32"),
    ("vae_bf16", "VAE bf16", "VAE_BYTES_PER_PIXEL_16BIT"),
    ("taesd", "TAESD fp32", "TAESD_BYTES_PER_PIXEL_FP32"),
)


@dataclass
class FitRows:
    decoder: str
    label: str
    results: list
    fit: LinearFit | None
    attention_fit: LinearFit | None  # with ComfyUI's CPU split-attention matrix as a known term (VAE)
    targets: list  # Results extrapolated to the target size by each fit
    constant: float  # bytes_per_pixel the pack's plan assumes for this decoder
    constant_name: str


@dataclass
class Tables:
    fits: list = field(default_factory=list)
    timing: list = field(default_factory=list)  # [plain, tiled]
    timing_cosine: float | None = None
    defaults: list = field(default_factory=list)
    references: list = field(default_factory=list)  # plain autograd at a tiled default row's scale
    scales: list = field(default_factory=list)
    batch: list = field(default_factory=list)


def _attention_term(decoder):
    """The split-attention matrix as a function of decoded pixels, for decoders with a mid-block
    attention (the VAE; not TAESD)."""
    dtype = getattr(decoder, "dtype", None)
    if getattr(decoder, "kind", None) != "vae" or dtype is None:
        return None
    size = torch.finfo(dtype).bits // 8
    return lambda pixels: split_attention_bytes(pixels, size, decoder.factor)


def fits(bench: MemoryBench) -> list:
    out = []
    config = bench.config
    side = config.target_side
    for decoder, label, constant_name in FIT_DECODERS:
        results = [bench.run(label, COLOUR_MEAN, decoder, s, 1.0, NO_BUDGET) for s in config.fit_sides]
        points = [(r.decoded_pixels, r.peak) for r in results if r.peak is not None]
        fit = fit_linear(points) if len(points) >= 2 else None
        term = _attention_term(bench.decoders[decoder])
        attention_fit = fit_linear(points, term) if fit and term else None
        targets = [Result(label, COLOUR_MEAN, decoder, side, 1, f"{side}x{side}", "whole", f.predict(side * side),
                          source=source, decoded_pixels=side * side)
                   for f, source in ((fit, "extrapolated: linear fit"),
                                     (attention_fit, "extrapolated: linear fit + split-attention term"))
                   if f is not None]
        out.append(FitRows(decoder, label, results, fit, attention_fit, targets,
                           bench.decoders[decoder].bytes_per_pixel, constant_name))
    return out


def cosine(a: Result, b: Result) -> float | None:
    if a.grad is None or b.grad is None:
        return None
    return float(torch.nn.functional.cosine_similarity(a.grad.flatten(), b.grad.flatten(), dim=0))


def timing(bench: MemoryBench) -> tuple:
    """Frequency reward at time_side: plain autograd vs the default (tiled) path, same latent."""
    side = bench.config.time_side
    plain = bench.run("plain autograd (decode_scale 1, no budget)", FREQUENCY, "vae", side, 1.0, NO_BUDGET)
    tiled = bench.run("default path (auto, default budget)", FREQUENCY, "vae", side)
    return [plain, tiled], cosine(plain, tiled)


def reference(bench: MemoryBench, row: Result) -> Result:
    """Plain autograd at the tiled row's decode scale: how far tiling moved the gradient."""
    ref = bench.run(f"decode_scale {row.scale:g}, plain reference", row.reward, "vae", row.side, row.scale,
                    NO_BUDGET, row.batch)
    row.cosine = cosine(row, ref)
    return ref


def defaults(bench: MemoryBench) -> tuple:
    """Every shipped pixel reward at the target with the new defaults (auto, default budget),
    and a plain reference for each tiled row that ran to the end. Without --full, a plan of
    more than MAX_PIECES pieces decodes only its first TRUNCATE_AFTER (measure.FirstPieces)."""
    config = bench.config
    out, references = [], []
    for reward in bench.rewards:
        row = bench.run("defaults", reward, "vae", config.target_side, measure_new=False)
        if row.peak is None:
            cut = None if config.full or row.pieces <= MAX_PIECES else TRUNCATE_AFTER
            row = bench.run("defaults", reward, "vae", config.target_side, backward_pieces=cut)
        if "tiles" in row.plan and row.grad is not None:
            references.append(reference(bench, row))
        out.append(row)
    return out, references


def scales(bench: MemoryBench, fit_rows: list) -> list:
    """Fixed decode scales at the target, fp32, no budget (plain autograd). Without --full, a
    scale whose decode the fit already measured at that size is taken from there."""
    config = bench.config
    measured = {r.decoded: r for r in fit_rows[0].results if r.peak is not None}
    out = []
    for scale in config.scales:
        label = f"decode_scale {scale:g}"
        row = bench.run(label, COLOUR_MEAN, "vae", config.target_side, scale, NO_BUDGET, measure_new=False)
        same = measured.get(row.decoded)
        if row.peak is None and not config.full and same is not None:
            row.peak, row.seconds = same.peak, same.seconds
            row.source = (f"the {same.decoded} point of '{same.label}' (the same decode; the area downscale of "
                          "the latent is a few KiB); measured directly with --full")
        elif row.peak is None:
            row = bench.run(label, COLOUR_MEAN, "vae", config.target_side, scale, NO_BUDGET)
        out.append(row)
    return out


def batch(bench: MemoryBench) -> list:
    config = bench.config
    rewards = (COLOUR_MEAN, FREQUENCY) if config.full else (COLOUR_MEAN,)
    return [bench.run(f"batch {config.batch}, defaults", reward, "vae", config.target_side, batch=config.batch)
            for reward in rewards]


def all_tables(bench: MemoryBench) -> Tables:
    """In an order that lets later rows reuse earlier measurements."""
    tables = Tables()
    tables.fits = fits(bench)
    tables.timing, tables.timing_cosine = timing(bench)
    tables.defaults, tables.references = defaults(bench)
    tables.scales = scales(bench, tables.fits)
    tables.batch = batch(bench)
    return tables
