"""How far a cheaper reward path turns the reward gradient: cosine similarity of
v = grad log w(x0_bar) (in the latent) against the full-resolution VAE decode, on the same
x0_bar (those the full-resolution lags run scored). Host side except `cosine`."""
from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass

import torch


def cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-item cosine similarity of two [B, ...] tensors (0 where either is zero)."""
    a, b = a.flatten(1).double(), b.flatten(1).double()
    denom = a.norm(dim=1) * b.norm(dim=1)
    return torch.where(denom > 0, (a * b).sum(1) / denom.clamp_min(1e-300), torch.zeros_like(denom))


@contextlib.contextmanager
def capture_x0(host, store: list):
    """Keep a copy of every x0_bar the engine differentiates the reward at."""
    engine = host.pack("guidance.engine")
    saved = engine.grad_log_w

    @functools.wraps(saved)
    def capturing(log_w, x0, *args, **kwargs):
        store.append(x0.detach().clone())
        return saved(log_w, x0, *args, **kwargs)

    engine.grad_log_w = capturing
    try:
        yield store
    finally:
        engine.grad_log_w = saved


@dataclass
class Fidelity:
    label: str
    cosines: list  # one per x0_bar, in sampling order

    @property
    def mean(self) -> float:
        return sum(self.cosines) / len(self.cosines)

    @property
    def worst(self) -> float:
        return min(self.cosines)


def reward_gradient(host, reward, base_model, x0, vae=None, decode_scale=1.0, decoder="vae"):
    settings = host.pack("bridge.settings").LagsSettings(reward=reward, vae=vae, decode_scale=decode_scale,
                                                         decoder=decoder)
    path = host.pack("bridge.reward_path").make_reward_path(settings, base_model, x0.device)
    _, v = host.pack("guidance.reward_gradient").grad_log_w(path, x0)
    return v


def compare(host, reward, base_model, vae, x0s, paths: dict) -> list:
    """paths: label -> kwargs of reward_gradient (decode_scale/decoder/vae); one Fidelity each."""
    reference = [reward_gradient(host, reward, base_model, x0, vae=vae) for x0 in x0s]
    out = []
    for label, kwargs in paths.items():
        kwargs = {"vae": vae, **kwargs}
        cos = [float(cosine(reward_gradient(host, reward, base_model, x0, **kwargs), ref).mean())
               for x0, ref in zip(x0s, reference)]
        out.append(Fidelity(label, cos))
    return out
