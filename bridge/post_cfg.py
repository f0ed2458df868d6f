"""The sampler_post_cfg_function that turns ComfyUI's denoised D into D_q."""
from __future__ import annotations

import logging

import torch

from ..guidance import AdaptiveProbe, guided_denoise
from .errors import LagsOutOfMemoryError, free_cached_memory, is_out_of_memory, reward_path_oom_message
from .inpaint import inpaint_region
from .model_family import model_family
from .probe import is_plain_cfg, make_differentiable, make_probe, normal_tensor_copies
from .reward_path import make_reward_path
from .trace import send_trace, step_position, trace_payload
from ..guidance.effect import relative_displacement


#: What a UNet stored in 8-bit floats without a manual-cast dtype computes its activations in
#: (fp8 matmuls accumulate and return 16-bit); bfloat16 is the coarser of the two.
FP8_ACTIVATION_DTYPE = torch.bfloat16


def unet_compute_dtype(base_model) -> torch.dtype:
    """The dtype the UNet computes in: its manual-cast dtype when the stored weights differ
    (fp8, or fp16 weights on a bf16-only device), else the weights' dtype, and never an 8-bit
    float (whose round-off would set a 25% finite-difference floor). A float16 UNet gets a
    float32 latent, so the finite-difference round-off floor must come from here."""
    dtype = getattr(base_model, "manual_cast_dtype", None) or base_model.get_dtype()
    return FP8_ACTIVATION_DTYPE if dtype.is_floating_point and dtype.itemsize < 2 else dtype


class SamplingRun:
    """What one sampling run (one KSampler execution) accumulates."""

    def __init__(self):
        self.reward_path = None
        self.schedule = None
        self.bound_to = None
        self.cpu_sigmas = None  # the sampler's sigma list on the CPU (trace step numbers)
        self.guarded = 0
        self.calls = 0
        self.warned_unbound = False
        self.warned_oom = False
        self.dps_weights = None  # DPS only: autograd-usable copies of the UNet weights
        self.family = None  # guidance.families row of the model being sampled
        self.guider = None  # the guider whose predict_noise is running (PREDICT_NOISE wrapper)
        self.seed = None
        self.inpaint = None  # inpaint.InpaintRegion while sampling with a noise mask
        self.pending_update = None  # non-CFG guiders: D_q - D, added after the guider combines
        self.warned_order = False
        self.restore_after_probe = False  # post-CFG patches follow LAGS in the chain
        self.probe = None  # guidance.AdaptiveProbe: whether a guided lags step probes (per run)
        self.particles = None  # particle_listener.ParticleListener while the particle sampler runs


class LagsPostCfg:
    """Called by comfy.samplers.cfg_function once per model evaluation with
    {"denoised", "cond", "uncond", "cond_scale", "model", "sigma", "model_options", "input", ...};
    returns the guided denoised."""

    def __init__(self, settings):
        self.settings = settings
        self.run = None

    def __deepcopy__(self, memo):
        # ModelPatcher.clone() deep-copies model_options, so any node that clones the guided
        # model (a LoRA or CFG patch after LAGS Guidance) would copy the reward and the VAE
        # with it, and the copy would never see the OUTER_SAMPLE wrapper (bound to this
        # instance) start and finish its runs. Clones share the hook, as they share ComfyUI's
        # own function-based patches.
        memo[id(self)] = self
        return self

    # -- run boundaries (an OUTER_SAMPLE wrapper calls these) -----------------------------
    def start_run(self) -> SamplingRun:
        self.run = SamplingRun()
        return self.run

    def finish_run(self) -> None:
        run, self.run = self.run, None
        if run is not None and run.guarded:
            logging.warning(
                "LAGS: guidance was not finite for %d item-step(s) in this run; those items took the "
                "unguided step there (reward %s). If this happens often, lower the reward strength or "
                "epsilon, or use a schedule that starts later.", run.guarded, self.settings.reward_name)

    def outer_sample_wrapper(self, executor, *args, **kwargs):
        self.start_run()
        try:
            return executor(*args, **kwargs)
        finally:
            self.finish_run()

    def sampler_sample_wrapper(self, executor, guider, sigmas, extra_args, callback, noise, latent_image=None,
                               denoise_mask=None, disable_pbar=False):
        """Notes the inpainting mask and known latent (model space, as the sampler uses them)."""
        run = self.run if self.run is not None else self.start_run()
        run.inpaint = inpaint_region(sigmas, extra_args, latent_image, denoise_mask)
        return executor(guider, sigmas, extra_args, callback, noise, latent_image, denoise_mask, disable_pbar)

    def predict_noise_wrapper(self, executor, x, timestep, model_options={}, seed=None):
        """Notes which guider is predicting, so the probe can repeat exactly its prediction.
        Guiders other than plain CFG may combine further after the post-CFG chain (nested
        DualCFG scales it by cfg2), so their guidance update is added to their final output here."""
        run = self.run if self.run is not None else self.start_run()
        run.guider, run.seed, run.pending_update = executor.class_obj, seed, None
        out = executor(x, timestep, model_options, seed)
        if run.pending_update is not None:
            out = out + run.pending_update.to(out.dtype)
            run.pending_update = None
        return out

    # -- one model evaluation -------------------------------------------------------------
    def __call__(self, args: dict) -> torch.Tensor:
        run = self.run if self.run is not None else self.start_run()
        run.calls += 1
        denoised, x, sigma = args["denoised"], args["input"], args["sigma"]
        base_model = args["model"]
        if run.family is None:
            run.family = model_family(base_model)
            self._note_later_patches(run, args["model_options"])
        sample_sigmas = args["model_options"].get("transformer_options", {}).get("sample_sigmas")
        schedule = self._schedule(run, sample_sigmas)
        if run.probe is None:
            run.probe = AdaptiveProbe(self.settings.probe_threshold)
        if run.reward_path is None:
            run.reward_path = make_reward_path(self.settings, base_model, x.device)
            self.settings.reward.prepare(x.device, torch.float32)

        denoiser = make_probe(args, self, run.guider, run.seed)
        if self.settings.method == "dps":
            if run.dps_weights is None:
                run.dps_weights = normal_tensor_copies(base_model)
            denoiser = make_differentiable(denoiser, base_model, run.dps_weights)
        # CFGGuider hands this hook its final prediction; other guiders (PerpNeg, DualCFG...)
        # may combine further after it, so their reference point D(x) comes from the probe.
        plain = is_plain_cfg(run.guider)
        log_w = run.reward_path if run.inpaint is None else run.inpaint.composite(run.reward_path, sigma, base_model)
        result = self._guided(run, denoiser, log_w, x, sigma, schedule, denoised if plain else None, base_model)
        if run.restore_after_probe and self.settings.method == "lags" and bool(result.diagnostics.probed.any()):
            with torch.no_grad():
                denoiser(x, sigma)  # the last model call is the step's own again (see _note_later_patches)

        if run.particles is not None:
            run.particles.record(result, log_w)
        diagnostics = result.diagnostics
        run.guarded += diagnostics.num_guarded
        step, steps = step_position(float(diagnostics.sigma.max()), run.cpu_sigmas if sample_sigmas is not None else None)
        payload = trace_payload(self.settings.node_id, step or run.calls, steps, diagnostics)
        # ||D_q - D|| / ||D||: how much guidance moved this step's denoised image (guidance/effect.py)
        payload["displacement"] = relative_displacement(result.update, result.denoised,
                                                        diagnostics.guided & ~diagnostics.guarded)
        if payload["log_w"] is not None:  # the reward's own units, comparable across resolutions
            payload["log_w"] /= run.reward_path.unit(x)
        send_trace(payload)
        if plain:
            return result.denoised
        run.pending_update = result.update  # added to the guider's final output (predict_noise_wrapper)
        return denoised

    def _note_later_patches(self, run, model_options) -> None:
        """Post-CFG patches after LAGS (Self-Attention Guidance...) may use state recorded during
        the model call; LAGS's probe is a model call too, so the step's own call is repeated after
        it (restore_after_probe). Said once, with the cheaper order."""
        chain = list(model_options.get("sampler_post_cfg_function", []))
        later = chain[chain.index(self) + 1:] if self in chain else []
        run.restore_after_probe = bool(later)
        if later and not run.warned_order:
            run.warned_order = True
            names = ", ".join(sorted({getattr(fn, "__qualname__", type(fn).__name__) for fn in later}))
            logging.warning("LAGS: %d post-CFG patch(es) run after LAGS (%s). So that a patch which records "
                            "something during the model call (Self-Attention Guidance records attention) sees "
                            "the step's own call and not LAGS's probe, LAGS repeats that call after probing: one "
                            "more model call per guided step. Apply such patches to the model before LAGS "
                            "Guidance to save it.", len(later), names)

    def _guided(self, run, denoiser, log_w, x, sigma, schedule, denoised, base_model):
        """guided_denoise; out of memory on the way steps the reward path down to a cheaper
        plan and retries the step, until it fits (warning once, naming what worked) or nothing
        cheaper is left."""
        cheaper = None
        while True:
            try:
                result = guided_denoise(denoiser, log_w, x, sigma, schedule, method=self.settings.method,
                                        epsilon=self.settings.epsilon, denoised=denoised,
                                        denoiser_dtype=unet_compute_dtype(base_model), family=run.family,
                                        need_denoised=denoised is not None, probe_policy=run.probe)
            except Exception as exc:
                if not is_out_of_memory(exc) or isinstance(exc, LagsOutOfMemoryError):
                    raise
                cheaper = run.reward_path.cheaper(x.shape[-2:])
                if cheaper is None:
                    raise LagsOutOfMemoryError(reward_path_oom_message(self.settings, exc)) from exc
                free_cached_memory()
                continue
            if cheaper is not None and not run.warned_oom:
                run.warned_oom = True
                logging.warning("LAGS: out of memory on the reward path (%s); this step and the later ones run "
                                "with %s.", self.settings.reward_name, cheaper)
            return result

    def _schedule(self, run: SamplingRun, sample_sigmas):
        """The schedule bound to this run's sigmas (StepFractionGate needs them)."""
        if sample_sigmas is None:
            if getattr(self.settings.schedule, "needs_sigmas", False) and not run.warned_unbound:
                run.warned_unbound = True
                logging.warning("LAGS: this sampler does not expose its sigma list, so the schedule '%s' cannot "
                                "tell the steps apart; %s.", self.settings.schedule.describe(),
                                self.settings.schedule.unbound_behaviour)
            run.schedule = run.schedule or self.settings.schedule
            return run.schedule
        if run.bound_to is not sample_sigmas:
            # Schedules see the family's noise level (sigma/(1-sigma) for flow models), as alpha does.
            run.cpu_sigmas = torch.as_tensor(sample_sigmas).detach().double().cpu()  # once, not per model call
            run.schedule = self.settings.schedule.bind(run.family.noise_level(run.cpu_sigmas))
            run.bound_to = sample_sigmas
        return run.schedule
