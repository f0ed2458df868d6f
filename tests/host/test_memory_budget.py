"""The reward path's memory plan is really applied: with a budget below one whole decode, the
pack's tiled path (RewardPath -> grad_log_w) peaks far below plain autograd on the same
latent (torch's CPU allocator, profiler memory events, benchmarks/memory), and its gradient
agrees with the plain one. If the path ignored its plan, both peaks would be the same.

The reward is the frequency reward: its pixel gradient varies over the image. For an
image-mean reward (colour mean) the tiled gradient is exact for the tiled decode but that
decode normalises each tile on its own (GroupNorm), so its direction differs more from the
whole decode's (docs/memory.md)."""
import torch

import tiny_models
from benchmarks.memory import measure
from benchmarks.memory.models import SdxlBaseModel

#: Latent side (512 px with the tiny VAE) and the tile side the budget allows: 2 x 2 tiles.
LATENT = 64
TILE = 40


def test_tiled_path_bounds_the_peak_and_keeps_the_gradient(host):
    reward_path = host.pack("reward_path")
    decoder = host.pack("bridge.decoders").VaeRewardDecoder(tiny_models.tiny_vae(seed=11), SdxlBaseModel())
    reward = host.pack("rewards.frequency").FrequencyReward(0.25, 0.5, "suppress")
    x0 = torch.randn(1, 4, LATENT, LATENT, generator=torch.Generator().manual_seed(0))
    budget = (TILE + 0.5) ** 2 * decoder.factor**2 * decoder.bytes_per_pixel
    plain_path = reward_path.RewardPath(reward, decoder, 1.0, float("inf"))
    tiled_path = reward_path.RewardPath(reward, decoder, 1.0, budget)
    assert plain_path.plan_for(x0).tile is None
    assert tiled_path.plan_for(x0).tile == TILE

    plain = measure.reward_gradient(host, plain_path, x0)
    tiled = measure.reward_gradient(host, tiled_path, x0)

    assert tiled.peak < 0.5 * plain.peak, (tiled.peak, plain.peak)
    cosine = torch.nn.functional.cosine_similarity(tiled.grad.flatten(), plain.grad.flatten(), dim=0)
    assert cosine > 0.99, float(cosine)
    assert torch.allclose(tiled.log_w, plain.log_w, rtol=0.05)
