"""LAGS Weighted Sampler: KSampler with LAGS guidance towards a reward."""
from __future__ import annotations

from comfy_api.latest import io

from ..bridge.errors import LagsInputError
from ..bridge.ksampler import lags_ksampler
from ..bridge.particle_sampler import lags_particle_ksampler
from .guidance_inputs import CATEGORY, guidance_inputs, settings_from
from .search import search_aliases
from .particles_input import particles_error, particles_inputs, uses_particles


def _ksampler_inputs() -> list:
    """The core KSampler inputs, same names, defaults and ranges."""
    import comfy.samplers

    return [
        io.Model.Input("model", tooltip="The model used for denoising the input latent."),
        io.Int.Input("seed", default=0, min=0, max=0xFFFFFFFFFFFFFFFF, control_after_generate=True,
                     tooltip="The random seed used for creating the noise."),
        io.Int.Input("steps", default=20, min=1, max=10000, tooltip="The number of steps used in the denoising process."),
        io.Float.Input("cfg", default=8.0, min=0.0, max=100.0, step=0.1, round=0.01,
                       tooltip="Classifier-free guidance scale (as in KSampler). LAGS guides the CFG result."),
        io.Combo.Input("sampler_name", options=list(comfy.samplers.KSampler.SAMPLERS),
                       tooltip="The sampling algorithm; every KSampler sampler works with LAGS."),
        io.Combo.Input("scheduler", options=list(comfy.samplers.KSampler.SCHEDULERS),
                       tooltip="The noise schedule; every KSampler scheduler works with LAGS."),
        io.Conditioning.Input("positive", tooltip="The conditioning describing what to include in the image."),
        io.Conditioning.Input("negative", tooltip="The conditioning describing what to exclude from the image."),
        io.Latent.Input("latent_image", tooltip="The latent image to denoise (noise masks are honoured)."),
        io.Float.Input("denoise", default=1.0, min=0.0, max=1.0, step=0.01,
                       tooltip="The amount of denoising applied; lower keeps more of the input latent."),
    ]


class LAGSWeightedSampler(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSWeightedSampler",
            display_name="LAGS Weighted Sampler (reward guidance)",
            category=CATEGORY,
            description=("KSampler that steers the picture towards a reward (a colour, human preference, an "
                         "aesthetic score, a fairness target) with your own checkpoint, without training. Each "
                         "guided step nudges the model's current guess of the final picture towards what the reward "
                         "favours (one extra model call). The chart shows, per step, how strongly it guided and how "
                         "much the picture changed; method and epsilon are under Show Advanced (node menu)."),
            **search_aliases("reward guidance", "weighted sampling", "ksampler reward"),
            inputs=_ksampler_inputs() + guidance_inputs() + particles_inputs(),  # last: saved workflows keep their widget order
            outputs=[io.Latent.Output(tooltip="The denoised latent.")],
            hidden=[io.Hidden.unique_id],
        )

    @classmethod
    def validate_inputs(cls, particles=1, particles_compete="each image"):
        # A linked input is None here (known only when the graph runs: execute checks it then);
        # the sampler's fit with particles is checked in execute, so ComfyUI keeps checking sampler_name.
        return particles_error(particles, None, particles_compete) or True

    @classmethod
    def execute(cls, model, seed, steps, cfg, sampler_name, scheduler, positive, negative, latent_image,
                denoise=1.0, particles=1, reward=None, vae=None, schedule=None, method="lags", epsilon=None,
                decode_scale="auto", decoder="vae", probe_threshold=None,
                particles_compete="each image") -> io.NodeOutput:
        settings = settings_from(reward, vae=vae, schedule=schedule, method=method, epsilon=epsilon,
                                 decode_scale=decode_scale, decoder=decoder, node_id=cls.hidden.unique_id,
                                 probe_threshold=probe_threshold,
                                 particles=uses_particles(particles, particles_compete))
        problem = particles_error(particles, sampler_name, particles_compete)
        if problem:
            raise LagsInputError(problem)
        if uses_particles(particles, particles_compete):
            (latent,) = lags_particle_ksampler(model, settings, seed, steps, cfg, sampler_name, scheduler, positive,
                                               negative, latent_image, denoise=denoise, particles=particles,
                                               whole_batch=particles_compete == "whole batch")
        else:
            (latent,) = lags_ksampler(model, settings, seed, steps, cfg, sampler_name, scheduler, positive,
                                      negative, latent_image, denoise=denoise)
        return io.NodeOutput(latent)


NODES = [LAGSWeightedSampler]
