"""The reward path's memory plan is really applied: with a budget below one whole decode, the
pack's tiled path (RewardPath -> grad_log_w) peaks far below plain autograd on the same
latent (torch's CPU allocator, profiler memory events, benchmarks/memory), and its gradient
agrees with the plain one. If the path ignored its plan, both peaks would be the same."""
import torch

import tiny_models
from benchmarks.memory import measure
from benchmarks.memory.models import SdxlBaseModel

#: Latent side: room for 3 x 3 tiles of MIN_TILE latent pixels (384 px with the tiny VAE).
LATENT = 48


def test_tiled_path_bounds_the_peak_and_keeps_the_gradient(host):
    reward_path = host.pack("reward_path")
    min_tile = host.pack("reward_path.plan").MIN_TILE
    decoder = host.pack("bridge.decoders").VaeRewardDecoder(tiny_models.tiny_vae(seed=11), SdxlBaseModel())
    reward = host.pack("rewards.colour").ColourReward("#e03c28")
    x0 = torch.randn(1, 4, LATENT, LATENT, generator=torch.Generator().manual_seed(0))
    budget = min_tile**2 * decoder.factor**2 * decoder.bytes_per_pixel  # one tile of MIN_TILE
    plain_path = reward_path.RewardPath(reward, decoder, 1.0, float("inf"))
    tiled_path = reward_path.RewardPath(reward, decoder, 1.0, budget)
    assert plain_path.plan_for(x0).tile is None
    assert tiled_path.plan_for(x0).tile == min_tile

    plain = measure.reward_gradient(host, plain_path, x0)
    tiled = measure.reward_gradient(host, tiled_path, x0)

    assert tiled.peak < 0.5 * plain.peak, (tiled.peak, plain.peak)
    cosine = torch.nn.functional.cosine_similarity(tiled.grad.flatten(), plain.grad.flatten(), dim=0)
    assert cosine > 0.99, float(cosine)
    assert torch.allclose(tiled.log_w, plain.log_w, rtol=0.05, atol=1e-3)
