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

#: Latent side (512 px with the tiny VAE).
LATENT = 64


def _setup(host, tile: int):
    """(tiny VAE decoder, frequency reward, latent, a budget whose plan has tiles of `tile`)."""
    decoder = host.pack("bridge.decoders").VaeRewardDecoder(tiny_models.tiny_vae(seed=11), SdxlBaseModel())
    reward = host.pack("rewards.frequency").FrequencyReward(0.25, 0.5, "suppress")
    x0 = torch.randn(1, 4, LATENT, LATENT, generator=torch.Generator().manual_seed(0))
    budget = (tile + 0.5) ** 2 * decoder.factor**2 * decoder.bytes_per_pixel
    return decoder, reward, x0, budget


def test_tiled_path_bounds_the_peak_and_keeps_the_gradient(host):
    reward_path = host.pack("reward_path")
    decoder, reward, x0, budget = _setup(host, tile=40)  # 2 x 2 tiles, shrunk to the 36 that cover 64
    plain_path = reward_path.RewardPath(reward, decoder, 1.0, float("inf"))
    tiled_path = reward_path.RewardPath(reward, decoder, 1.0, budget)
    assert plain_path.plan_for(x0).tile is None
    assert tiled_path.plan_for(x0).tile == 36

    plain = measure.reward_gradient(host, plain_path, x0)
    tiled = measure.reward_gradient(host, tiled_path, x0)

    assert tiled.peak < 0.5 * plain.peak, (tiled.peak, plain.peak)
    cosine = torch.nn.functional.cosine_similarity(tiled.grad.flatten(), plain.grad.flatten(), dim=0)
    assert cosine > 0.99, float(cosine)
    assert torch.allclose(tiled.log_w, plain.log_w, rtol=0.05)


def test_first_pieces_reach_the_peak_of_the_whole_tiled_evaluation(host):
    """The benchmark's shortcut for long tiled plans (measure.FirstPieces) measures the same peak."""
    reward_path = host.pack("reward_path")
    decoder, reward, x0, budget = _setup(host, tile=32)
    path = reward_path.RewardPath(reward, decoder, 1.0, budget)
    plan = path.plan_for(x0)
    assert len(reward_path.tile_grid(LATENT, LATENT, plan.tile, plan.overlap)) == 9

    whole = measure.reward_gradient(host, path, x0)
    first = measure.reward_gradient(host, reward_path.RewardPath(reward, measure.FirstPieces(decoder, 2), 1.0,
                                                                 budget), x0)

    assert whole.grad is not None and first.grad is None  # the shortcut did stop early
    assert abs(first.peak - whole.peak) <= 0.01 * whole.peak, (first.peak, whole.peak)
