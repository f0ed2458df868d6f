"""Frequency reward: favour or suppress detail in a radial band of the spectrum.

Statistic: the share of the image's (luminance) spectral energy that falls in the
band f_lo <= |f| < f_hi, where f is the 2-D spatial frequency in cycles per pixel
(0 = DC, 0.5 = Nyquist along an axis; only diagonal corners reach up to
sqrt(0.5) ~ 0.707). Before the FFT the mean is removed (brightness is not detail)
and a Hann window is applied, so the picture's borders do not count as a sharp
edge (without it, "suppress high" would mostly ask for matching left/right
borders). The share is in 0..1 and independent of contrast and image size.

log w = +strength * share ("favour") or -strength * share ("suppress").
Typical bands: 0.25..0.5 is fine texture/noise; 0.02..0.1 is large shapes.

Bands are always in cycles per pixel of the full-size image, and the share needs the whole
spectrum, so the reward path always decodes it at full size (in tiles where memory needs);
a forced smaller decode raises a ValueError naming the band and the scale.
"""
from __future__ import annotations

import math

import torch

from .base import PIXEL, Reward
from .image_input import check_strength, image_rgb

MODES = ("favour", "suppress")
MAX_FREQUENCY = math.sqrt(0.5)

#: Rec. 709 luma weights: detail is judged on brightness, as the eye does.
_LUMA = (0.2126, 0.7152, 0.0722)

_NAME = "Frequency Reward"


def _check_band(f_lo, f_hi) -> tuple[float, float]:
    f_lo, f_hi = float(f_lo), float(f_hi)
    if not 0.0 <= f_lo <= MAX_FREQUENCY:
        raise ValueError(f"{_NAME}: f_lo must be in [0, {MAX_FREQUENCY:.3f}], got {f_lo!r}")
    if not 0.0 <= f_hi <= MAX_FREQUENCY:
        raise ValueError(f"{_NAME}: f_hi must be in [0, {MAX_FREQUENCY:.3f}], got {f_hi!r}")
    if not f_lo < f_hi:
        raise ValueError(f"{_NAME}: f_lo must be below f_hi, got f_lo={f_lo!r}, f_hi={f_hi!r}")
    return f_lo, f_hi


def _radial_frequency(height: int, width: int, device, dtype) -> torch.Tensor:
    fy = torch.fft.fftfreq(height, device=device, dtype=dtype)
    fx = torch.fft.rfftfreq(width, device=device, dtype=dtype)
    return torch.sqrt(fy[:, None] ** 2 + fx[None, :] ** 2)  # [H, W//2+1]


def _rfft_bin_weights(width: int, device, dtype) -> torch.Tensor:
    """rfft keeps half the columns; the ones with a mirror image count twice."""
    weights = torch.full((width // 2 + 1,), 2.0, device=device, dtype=dtype)
    weights[0] = 1.0
    if width % 2 == 0:
        weights[-1] = 1.0
    return weights


class FrequencyReward(Reward):
    space = PIXEL
    name = "frequency"

    def __init__(self, f_lo: float = 0.25, f_hi: float = 0.5, mode: str = "suppress", strength: float = 1.0):
        self.f_lo, self.f_hi = _check_band(f_lo, f_hi)
        if mode not in MODES:
            raise ValueError(f"{_NAME}: mode must be one of {MODES}, got {mode!r}")
        self.mode = mode
        self.strength = check_strength(strength, _NAME)

    def band_share(self, x: torch.Tensor) -> torch.Tensor:
        """Energy share of the band per item [B], in 0..1, differentiable in the pixels."""
        rgb = image_rgb(x, _NAME)
        luma = rgb @ torch.tensor(_LUMA, device=rgb.device, dtype=rgb.dtype)  # [B, H, W]
        height, width = luma.shape[-2:]
        window = (
            torch.hann_window(height, periodic=False, device=luma.device, dtype=luma.dtype)[:, None]
            * torch.hann_window(width, periodic=False, device=luma.device, dtype=luma.dtype)[None, :]
        )
        detail = (luma - luma.mean(dim=(1, 2), keepdim=True)) * window
        spectrum = torch.fft.rfft2(detail)
        # |F|^2 as re^2 + im^2: complex abs() has an ill-defined gradient at 0.
        power = (spectrum.real.square() + spectrum.imag.square()) * _rfft_bin_weights(width, luma.device, luma.dtype)
        radius = _radial_frequency(height, width, luma.device, luma.dtype)
        # Half-open band; the top band is closed so bands can tile the whole spectrum.
        below_hi = radius < self.f_hi if self.f_hi < MAX_FREQUENCY else torch.ones_like(radius, dtype=torch.bool)
        in_band = ((radius >= self.f_lo) & below_hi).to(luma.dtype)
        band = (power * in_band).sum(dim=(1, 2))
        total = power.sum(dim=(1, 2))
        # A flat image has no detail at all: its share is 0, with a finite gradient.
        return band / (total + 1e-12 * height * width)

    def faithful_decode_scale(self, image_hw) -> float:
        # The share's denominator is the energy of the whole spectrum, which a smaller decode
        # cannot show (measured with real decoder weights: the gradient at the smallest scale
        # that still shows the band pointed elsewhere, cosine 0.05-0.38; docs/real_weights.md).
        return 1.0

    def at_decode_scale(self, scale: float) -> "FrequencyReward":
        if scale >= 1.0:
            return self
        raise ValueError(
            f"{_NAME}: the band {self.f_lo:g}-{self.f_hi:g} cycles/pixel cannot be measured at decode scale "
            f"{scale:g}: the reward is the band's share of the full-size image's whole spectrum, and that decode "
            f"shows detail only up to {0.5 * scale:g} cycles/pixel of the full size. Use decode_scale auto or 1.0 "
            "(large images are decoded in tiles, within the memory budget).")

    def log_w(self, x: torch.Tensor) -> torch.Tensor:
        sign = 1.0 if self.mode == "favour" else -1.0
        return sign * self.strength * self.band_share(x)

    def describe(self) -> str:
        return f"frequency[{self.mode} {self.f_lo:g}..{self.f_hi:g}, strength={self.strength:g}]"
