"""The text of the shipped workflows' notes (test-only, host-free).

A note opens with the template's title and description (tests/published.py), says once
what the workflow needs, and quotes costs only as measured (tests/measured_costs.py).
"""
from __future__ import annotations

from measured_costs import Costs, gib, measured_costs, particle_time_ratio, ratio
from published import Template

NEEDS_SDXL = "**Needs:** `sd_xl_base_1.0.safetensors` in `models/checkpoints` (any SDXL checkpoint works)."
HOW = (
    "**How it works:** every guided step the sampler decodes its current estimate of the final image, scores "
    "it with the reward and nudges the estimate along the reward's gradient, pushed through the model (an "
    "extra model call on most guided steps). The schedule keeps guidance off at high noise; its chart shows which steps are guided, and the "
    "sampler's chart follows the reward during the run.")
STRENGTH = (
    "**Strength** is per latent pixel, so it means the same at any image size: raise it if the effect is too "
    "weak, lower it if images degrade. `decode_scale` auto decodes only what the reward needs (a quarter-size "
    "image for a colour target), in tiles when memory is short.")


def cost(costs: Costs, clip_reward: bool = False) -> str:
    memory = (f"the reward path with a ViT-H/14 image tower peaked at {gib(costs.clip_reward_mib)}" if clip_reward
              else f"the reward path peaked at {gib(costs.pixel_reward_mib)} at 1024x1024")
    return (f"**Cost (measured with a colour reward on CPU, SD-architecture models):** "
            f"{ratio(costs.time_defaults)} the time of a plain KSampler with these defaults, "
            f"{ratio(costs.time_full_size)} with a full-size decode (docs/performance.md); {memory} with these "
            f"defaults (docs/memory.md).")


def note(template: Template, *paragraphs: str, clip_reward: bool = False, strength: str = STRENGTH,
         costs: Costs | None = None) -> str:
    """Title, description, the workflow's own paragraphs, then how it works, cost and strength."""
    costs = costs or measured_costs()
    parts = [f"## {template.title}", template.description, *paragraphs, HOW, cost(costs, clip_reward), strength]
    return "\n\n".join(parts)


def particle_cost(costs: Costs | None = None) -> str:
    costs = costs or measured_costs()
    return (f"**Particles cost (measured the same way):** {ratio(particle_time_ratio())} the time of a plain "
            f"KSampler with 4 particles and these defaults, against {ratio(costs.time_defaults)} the time for "
            "LAGS alone (docs/performance.md): every particle is a full guided trajectory. `sampler_name` must be "
            "`euler_ancestral` or `dpmpp_2m_sde`.")
