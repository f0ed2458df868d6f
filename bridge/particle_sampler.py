"""LAGS with particles in ComfyUI: K particles per output image, SMC with LAGS-guided proposals.

The batch of B latents becomes B groups of K particles. Each group samples on its own (its
particles are resampled among themselves, never across groups), so the B returned images are
independent draws, each the group's final draw with probability ~ its weight. With
`whole_batch` the B x K particles form one group and the B images are systematic draws from it:
the batch as a whole follows the weights (a class mix, for fairness), at the price of
independence between its images. Noise and resampling follow the seed: same seed, same images.
"""
from __future__ import annotations

import logging

import torch

from ..particles import DEFAULT_ESS_THRESHOLD, smc_sample, stepper_for
from .errors import LagsInputError
from .model_family import model_family
from .particle_chunks import call_in_chunks, chunk_size
from .particle_listener import ParticleListener
from .ksampler import guided_model_for
from .patch import lags_hook
from .trace import send_trace

PARTICLES_EVENT = "lags.particles"
#: The resampling and step noise draw from seed + this (ComfyUI's own noise samplers use seed + 1).
SMC_SEED_OFFSET = 0x9E3779B97F4A7C15


class _SmcRun:
    """The KSAMPLER function: ComfyUI hands it the wrapped model, the scaled noise and the sigmas."""

    def __init__(self, hook, patcher, family, stepper, group: int, outputs: int, seed: int, node_id,
                 per_image_conditioning: bool = False):
        self.hook, self.patcher, self.family, self.stepper = hook, patcher, family, stepper
        self.group, self.outputs, self.seed, self.node_id = group, outputs, seed, node_id
        self.per_image_conditioning = per_image_conditioning
        self.warned_dead = False

    def __call__(self, model, x, sigmas, extra_args=None, callback=None, disable=None):
        extra_args = extra_args or {}
        listener = ParticleListener()
        self.hook.run.particles = listener
        last_noisy = float(sigmas[-2]) if len(sigmas) > 1 else 0.0
        region = self.hook.run.inpaint  # the noise mask, as the SAMPLER_SAMPLE wrapper captured it
        # inpainting state (the mask, the known latent) and per-image conditioning are held for the
        # whole batch: no chunks then
        whole = region is not None or self.per_image_conditioning
        chunk = x.shape[0] if whole else chunk_size(self.patcher, x.shape)

        def one_call(x_part, sigma_part):
            out = model(x_part, sigma_part, **extra_args)
            update, log_w, alpha, evaluated = listener.take()
            return out, torch.zeros_like(out) if update is None else update, log_w, alpha, evaluated

        def guided_model(x_now, sigma):
            listener.evaluate_all = float(sigma[0]) <= last_noisy
            out, update, log_w, alpha, evaluated = (torch.cat(parts) for parts in
                                                    zip(*call_in_chunks(one_call, x_now, sigma, chunk)))
            if region is not None:  # outside the mask the known image replaces D and D_q alike; the mask
                # as the sampler applies it at this sigma (differential diffusion changes it per step)
                update = update * region.mask_at(sigma, model.inner_model).to(update)
            return out, update, log_w, alpha, evaluated

        def step_done(i, denoised, x_next):
            if callback is not None:
                callback({"i": i, "denoised": denoised, "x": x_next, "sigma": sigmas[i], "sigma_hat": sigmas[i]})

        # not the seed itself: that stream already drew the initial noise (comfy.sample.prepare_noise)
        generator = torch.Generator().manual_seed((int(self.seed) + SMC_SEED_OFFSET) & 0xFFFFFFFFFFFFFFFF)
        return smc_sample(guided_model, x, sigmas, particles=self.group, outputs=self.outputs, stepper=self.stepper,
                          family=self.family, generator=generator, ess_threshold=DEFAULT_ESS_THRESHOLD,
                          callback=step_done, report=self._report)

    def _report(self, report) -> None:
        send_trace({"node": str(self.node_id or ""), "step": report.step, "steps": report.steps,
                    "ess": report.ess, "particles": report.particles, "resampled": report.resampled,
                    "zero_weight": report.zero_weight, "fallback_groups": report.fallback_groups},
                   event=PARTICLES_EVENT)
        if report.step == report.steps and report.zero_weight:
            logging.warning("LAGS particles: %d particle-step(s) had a non-finite reward weight and were given "
                            "weight 0.", report.zero_weight)
        if report.fallback_groups and not self.warned_dead:
            self.warned_dead = True
            logging.warning("LAGS particles: at step %d every particle of a group had weight 0 (the reward's log w "
                            "was -inf or not finite for all of them); such groups are resampled without weights "
                            "instead (%d so far). Check the reward and its strength.", report.step,
                            report.fallback_groups)


def per_image_conditioning(conditioning) -> bool:
    """Any tensor in the conditioning (the embedding, a concat latent, a ControlNet image) with a
    batch of more than one: entries meant image by image."""
    for entry in conditioning or []:
        tensors = [entry[0]] + [v for v in entry[1].values() if isinstance(v, torch.Tensor)]
        control = entry[1].get("control")
        hint = getattr(control, "cond_hint_original", None)
        tensors += [hint] if isinstance(hint, torch.Tensor) else []
        if any(t.dim() > 0 and t.shape[0] > 1 for t in tensors):
            return True
    return False


def lags_particle_ksampler(model, settings, seed, steps, cfg, sampler_name, scheduler, positive, negative,
                           latent_image, denoise=1.0, particles=2, whole_batch=False):
    """KSampler with LAGS guidance and `particles` particles per output image (same outputs as KSampler)."""
    import comfy.sample
    import comfy.samplers
    import comfy.utils
    import latent_preview

    stepper = stepper_for(sampler_name)
    patched, latent = guided_model_for(model, settings, latent_image)
    batch = latent.shape[0]
    sigmas = comfy.samplers.KSampler(patched, steps=steps, device=patched.load_device, sampler=sampler_name,
                                     scheduler=scheduler, denoise=denoise, model_options=patched.model_options).sigmas
    out = latent_image.copy()
    if sigmas.shape[-1] <= 1:  # denoise 0: nothing to sample, as core KSampler
        out["samples"] = latent
        return (out,)
    expanded = latent.repeat_interleave(particles, 0)
    batch_index = latent_image.get("batch_index")
    if batch_index is not None:
        batch_index = [i * particles + k for i in batch_index for k in range(particles)]
    noise = comfy.sample.prepare_noise(expanded, seed, batch_index)
    mask = latent_image.get("noise_mask")
    if mask is not None and mask.shape[0] == batch and batch > 1:
        mask = mask.repeat_interleave(particles, 0)
    per_image = per_image_conditioning(positive) or per_image_conditioning(negative)
    if per_image and batch > 1 and particles > 1:
        raise LagsInputError(
            "particles: the conditioning carries one entry per image (a conditioning or ControlNet batch), and "
            "ComfyUI repeats such batches image after image, not particle after particle, so particles would get "
            "another image's conditioning. Use batch 1 (or particles 1) with per-image conditioning.")
    group, outputs = (batch * particles, batch) if whole_batch else (particles, 1)
    sampler = comfy.samplers.KSAMPLER(_SmcRun(lags_hook(patched), patched, model_family(patched), stepper, group,
                                              outputs, seed, settings.node_id, per_image))
    samples = comfy.sample.sample_custom(patched, noise, cfg, sampler, sigmas, positive, negative, expanded,
                                         noise_mask=mask, callback=latent_preview.prepare_callback(patched, steps),
                                         disable_pbar=not comfy.utils.PROGRESS_BAR_ENABLED, seed=seed)
    out["samples"] = samples.view(-1, group, *samples.shape[1:])[:, :outputs].reshape(latent.shape)
    return (out,)
