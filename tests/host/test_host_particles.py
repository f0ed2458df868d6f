"""Particles (LAGS Weighted Sampler, particles > 1) through ComfyUI's real executor and samplers.

1. The exact test bed: a 2-mode Gaussian mixture (0.8 / 0.2) in a 4x2x2 latent with a Gaussian
   w that moves q's mass to the rarer mode (q: 0.83). Rows as in the 2-D benchmark: base, LAGS
   alpha(t), exact guidance (alpha = 1: q's own denoiser; alpha(t): D + alpha (D_q - D)), particles.
   Host-free runs of the same set-up (N = 512, 20 steps) gave shares base 0.18, LAGS 0.34,
   exact alpha(t) 0.25, exact alpha = 1 0.80, 8 particles 0.63.
2. The tiny SDXL architecture with K = 4 for each supported sampler, cfg 1 and cfg 4: the batch
   asked for comes back, the seed decides the images, the ESS goes on the trace.
3. Bad input is refused when the prompt is validated.
"""
import math

import pytest
import torch

import prompts
import tiny_models
from test_host_exact import LatentGaussianReward  # the exact w, per-pixel unit undone

D_SHAPE = (4, 2, 2)
N, STEPS, SEED, K = 512, 20, 5, 8
MU, S, B, TAU = 1.0, 0.3, 0.5, 0.5


@pytest.fixture(scope="module")
def problem(host):
    mixture = host.pack("guidance.mixture")
    u = torch.ones(D_SHAPE, dtype=torch.float64).flatten() / 4.0
    p = mixture.GaussianMixture([0.8, 0.2], torch.stack([-MU * u, MU * u]), torch.tensor([S**2, S**2]))
    return {"u": u, "p": p, "q": p.weighted_by_gaussian(B * u, TAU), "log_w": mixture.gaussian_log_weight(B * u, TAU)}


class ExactUnderAlpha:
    """Exact guidance under a schedule: D + alpha(sigma) (D_q - D), D_q = q's own denoiser."""

    def __init__(self, p, q, schedule):
        self.p, self.q, self.schedule = p, q, schedule

    def denoise(self, x, sigma):
        d = self.p.denoise(x, sigma)
        alpha = self.schedule(torch.as_tensor(sigma, dtype=torch.float64).flatten().expand(x.shape[0]))
        return d + alpha.view(-1, *([1] * (x.dim() - 1))).to(d) * (self.q.denoise(x, sigma) - d)


def run_prompt(host, model, reward=None, sampler="euler", particles=1):
    key = host.put(f"particles_model_{id(model)}", model)
    reward_key = None if reward is None else host.put("particles_reward", reward)
    prompt = prompts.exact_sampler_prompt(key, N, STEPS, SEED, reward_key=reward_key)
    prompt["20"]["inputs"]["sampler_name"] = sampler
    if reward is not None:
        del prompt["11"], prompt["20"]["inputs"]["schedule"]  # the default schedule (particles: c = 1000)
        prompt["20"]["inputs"]["particles"] = particles
    result = host.run(prompt)
    assert result.success, result.error_message
    return result.captures["latent"]["samples"].double().flatten(1), result


@pytest.fixture(scope="module")
def shares(host, problem):
    p, q = problem["p"], problem["q"]
    paper = host.pack("schedulers").PaperAlpha(10.0)
    reward = LatentGaussianReward(problem["log_w"])
    runs = {
        "base": run_prompt(host, tiny_models.exact_model(p)),
        "lags": run_prompt(host, tiny_models.exact_model(p), reward),
        "exact, alpha = 1": run_prompt(host, tiny_models.exact_model(q)),
        "exact, alpha(t)": run_prompt(host, tiny_models.exact_model(ExactUnderAlpha(p, q, paper))),
        "particles": run_prompt(host, tiny_models.exact_model(p), reward, "euler_ancestral", K),
    }
    share = {name: float(((x @ problem["u"]) > 0).double().mean()) for name, (x, _) in runs.items()}
    share["q"] = float(q.weights[1])
    share["events"] = runs["particles"][1].messages
    return share


def gap_closed(shares, name):
    """Share of the base -> exact-limit gap in the rarer mode's mass that `name` closes."""
    error = {k: abs(shares[k] - shares["q"]) for k in ("base", name, "exact, alpha = 1")}
    return (error["base"] - error[name]) / (error["base"] - error["exact, alpha = 1"])


def test_exact_guidance_reaches_q_only_without_the_schedule(shares):
    assert abs(shares["exact, alpha = 1"] - shares["q"]) < 0.06, shares
    assert gap_closed(shares, "exact, alpha(t)") < 0.5, shares  # alpha(t) is ~0 where the mode is chosen


def test_particles_close_more_of_the_gap_than_lags_or_any_guidance_under_alpha(shares):
    smc, lags = gap_closed(shares, "particles"), gap_closed(shares, "lags")
    print({k: v for k, v in shares.items() if k != "events"}, "gap closed: particles", smc, "lags", lags,
          "exact alpha(t)", gap_closed(shares, "exact, alpha(t)"))
    assert smc > 2 * lags and smc > gap_closed(shares, "exact, alpha(t)"), (smc, lags, shares)
    assert smc > 0.5, (smc, shares)


def test_particle_trace_reports_the_effective_sample_size(shares):
    events = [d for e, d in shares["events"] if e == "lags.particles"]
    assert [e["step"] for e in events] == list(range(1, STEPS + 1))
    assert all(1.0 <= e["ess"] <= K and e["particles"] == K for e in events)
    assert any(e["resampled"] for e in events[:-1]) and events[-1]["resampled"]


def tiny_prompt(sampler, cfg, particles=4, seed=7, batch=2):
    prompt = prompts.sampler_prompt(kind="sdxl", batch=batch, sampler_name=sampler, cfg=cfg, seed=seed, steps=4,
                                    capture_image=False)
    prompt["20"]["inputs"]["particles"] = particles
    return prompt


@pytest.mark.parametrize("cfg", [1.0, 4.0])
@pytest.mark.parametrize("sampler", ["euler_ancestral", "dpmpp_2m_sde"])
def test_tiny_sdxl_runs_with_four_particles(host, sampler, cfg):
    result = host.run(tiny_prompt(sampler, cfg))
    assert result.success, result.error_message
    out = result.captures["latent"]["samples"]
    assert out.shape[0] == 2 and torch.isfinite(out).all()
    events = [d for e, d in result.messages if e == "lags.particles" and d["node"] == "20"]
    assert len(events) == 4 and all(1.0 <= e["ess"] <= 4.0 for e in events)
    assert result.traces("20"), "the guidance trace runs too"


def test_same_seed_same_images_other_seed_other_images(host):
    first = host.run(tiny_prompt("euler_ancestral", 4.0)).captures["latent"]["samples"]
    again = host.run(tiny_prompt("euler_ancestral", 4.0)).captures["latent"]["samples"]
    other = host.run(tiny_prompt("euler_ancestral", 4.0, seed=8)).captures["latent"]["samples"]
    assert torch.equal(first, again) and not torch.equal(first, other)


@pytest.mark.parametrize("particles, sampler, compete, words, stage", [
    (0, "euler_ancestral", "each image", "from 1 to 64", "validation"),
    (65, "euler_ancestral", "each image", "from 1 to 64", "validation"),
    (4, "euler_ancestral", "all of them", "particles_compete", "validation"),
    # the sampler is checked when the node runs (ComfyUI keeps validating sampler_name itself), before sampling
    (4, "euler", "each image", "euler_ancestral", "execution"),
    (1, "dpmpp_2m", "whole batch", "euler_ancestral", "execution"),
])
def test_bad_particles_are_refused_before_sampling(host, particles, sampler, compete, words, stage):
    prompt = tiny_prompt(sampler, 4.0, particles=particles)
    prompt["20"]["inputs"]["particles_compete"] = compete
    result = host.run(prompt)
    assert not result.success and "particles" in result.error_message and words in result.error_message
    assert (result.validation_error is not None) == (stage == "validation")
    assert not result.traces("20")  # nothing was sampled


def test_a_linked_particle_count_is_judged_when_the_graph_runs(host):
    prompt = tiny_prompt("euler_ancestral", 4.0)
    prompt["21"] = {"class_type": "PrimitiveInt", "inputs": {"value": 2}}
    prompt["20"]["inputs"]["particles"] = ["21", 0]
    result = host.run(prompt)
    assert result.success, result.error_message
    assert all(d["particles"] == 2 for e, d in result.messages if e == "lags.particles")


def test_whole_batch_at_one_particle_resamples_the_batch_itself(host):
    """particles = 1 with the whole batch competing: the batch's own images are the particles."""
    prompt = tiny_prompt("euler_ancestral", 4.0, particles=1, batch=4)
    prompt["20"]["inputs"]["particles_compete"] = "whole batch"
    result = host.run(prompt)
    assert result.success, result.error_message
    assert result.captures["latent"]["samples"].shape[0] == 4
    events = [d for e, d in result.messages if e == "lags.particles" and d["node"] == "20"]
    assert len(events) == 4 and all(e["particles"] == 4 for e in events)


def test_particles_go_through_the_unet_in_chunks_when_memory_is_short(host, monkeypatch):
    """With room for 3 particles per call, 2 x 4 particles take 3 calls per step, same images.
    (The adaptive probe decides per model call, so it is held at 'always probe' here.)"""
    def prompt():
        p = tiny_prompt("euler_ancestral", 4.0)
        p["20"]["inputs"]["probe_threshold"] = 0.0
        return p

    chunks = host.pack("bridge.particle_chunks")
    whole = host.run(prompt()).captures["latent"]["samples"]
    monkeypatch.setattr(chunks, "chunk_size", lambda patcher, shape, conds=2: 3)
    sampler = host.pack("bridge.particle_sampler")
    monkeypatch.setattr(sampler, "chunk_size", lambda patcher, shape, conds=2: 3)
    result = host.run(prompt())
    assert result.success, result.error_message
    assert len(result.traces("20")) == 3 * 4  # three model calls per step, each traced
    got = result.captures["latent"]["samples"]
    print("chunked vs whole: max abs diff", float((got - whole).abs().max()), "scale", float(whole.abs().max()))
    assert torch.allclose(got, whole, atol=1e-4)


def test_chunk_size_follows_the_unet_memory_estimate(host, monkeypatch):
    import comfy.model_management

    chunks = host.pack("bridge.particle_chunks")

    class Patcher:
        load_device = "cpu"

        class model:
            @staticmethod
            def memory_required(shape):
                return shape[0] * 100.0

    monkeypatch.setattr(comfy.model_management, "get_free_memory", lambda device=None: 1000.0)
    assert chunks.chunk_size(Patcher, (8, 4, 8, 8)) == 3  # 2 x 3 x 100 x 1.5 = 900 < 1000
    monkeypatch.setattr(comfy.model_management, "get_free_memory", lambda device=None: 10.0)
    assert chunks.chunk_size(Patcher, (8, 4, 8, 8)) == 1


# -- what any sampler node does: progress, previews, Cancel (tests/host/test_host_ux.py's hook) ---------
from test_host_ux import CountingModel, InterruptingReward, server_hook, set_preview_method  # noqa: E402,F401


def test_particles_report_progress_and_previews_per_step(host, server_hook, monkeypatch):
    from comfy.cli_args import LatentPreviewMethod

    set_preview_method(monkeypatch, LatentPreviewMethod.Latent2RGB)
    result = host.run(tiny_prompt("euler_ancestral", 4.0))
    assert result.success, result.error_message
    updates = server_hook.of("20")
    assert [value for value, _, _ in updates] == [1, 2, 3, 4] and all(total == 4 for _, total, _ in updates)
    assert all(preview is not None for _, _, preview in updates)


def test_cancel_stops_particles_within_one_step(host, server_hook):
    import comfy.model_management

    counter = CountingModel()
    reward = InterruptingReward(prompts.TINY_STRENGTH, interrupt_at=2, counter=counter)
    prompt = tiny_prompt("euler_ancestral", 4.0)
    prompt["20"]["inputs"]["model"] = ["41", 0]
    prompt["41"] = {"class_type": "LAGSTest_Model", "inputs": {"key": host.put("counted_particles", counter.model)}}
    prompt["10"] = {"class_type": "LAGSTest_Reward", "inputs": {"key": host.put("interrupting_particles", reward)}}
    try:
        result = host.run(prompt)
    finally:
        comfy.model_management.interrupt_current_processing(False)
    assert reward.model_calls_at_interrupt is not None
    assert not result.success and result.error is None, result.error_message  # a Cancel, not an error
    assert [d["node_id"] for e, d in result.messages if e == "execution_interrupted"] == ["20"]
    assert counter.calls - reward.model_calls_at_interrupt <= 1


def test_per_image_conditioning_is_recognised(host):
    """Per-image conditioning (a batch in the embedding, a concat latent or a ControlNet image) cannot
    follow the particles' layout: the sampler refuses it for batch > 1 with particles."""
    check = host.pack("bridge.particle_sampler").per_image_conditioning

    class Control:
        cond_hint_original = torch.zeros(2, 3, 8, 8)

    assert not check([[torch.zeros(1, 77, 8), {"pooled_output": torch.zeros(1, 8)}]])
    assert check([[torch.zeros(2, 77, 8), {}]])
    assert check([[torch.zeros(1, 77, 8), {"concat_latent_image": torch.zeros(2, 4, 8, 8)}]])
    assert check([[torch.zeros(1, 77, 8), {"control": Control()}]])
