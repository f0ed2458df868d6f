"""bytes = slope * pixels + intercept (+ a known term) by least squares, with residuals
(host-free)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


def _none(pixels: float) -> float:
    return 0.0


@dataclass(frozen=True)
class LinearFit:
    slope: float  # bytes per decoded pixel
    intercept: float  # bytes
    points: tuple  # ((pixels, bytes), ...)
    known: Callable = _none  # a term fixed in advance (bytes as a function of pixels)

    def predict(self, pixels: float) -> float:
        return self.slope * pixels + self.intercept + self.known(pixels)

    def residuals(self) -> list:
        """(pixels, measured, measured - fit) per point."""
        return [(px, b, b - self.predict(px)) for px, b in self.points]

    def max_relative_residual(self) -> float:
        return max(abs(r) / b for _, b, r in self.residuals())


def fit_linear(points, known: Callable = _none) -> LinearFit:
    """Least squares of (bytes - known(pixels)) against pixels."""
    points = tuple((float(px), float(b)) for px, b in points)
    if len(points) < 2:
        raise ValueError("a linear fit needs at least two points")
    n = len(points)
    ys = [b - known(px) for px, b in points]
    mx = sum(px for px, _ in points) / n
    my = sum(ys) / n
    sxx = sum((px - mx) ** 2 for px, _ in points)
    slope = sum((px - mx) * (y - my) for (px, _), y in zip(points, ys)) / sxx
    return LinearFit(slope, my - slope * mx, points, known)
