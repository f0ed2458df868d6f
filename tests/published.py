"""What the pack publishes in ComfyUI's Templates browser (test-only, host-free).

ComfyUI serves every `*.json` in a pack's `example_workflows/` folder (also `workflows/`,
`examples/`, ... ; `example_workflows` is the one the frontend and the Registry expect) at
`/api/workflow_templates/<pack folder>/<name>.json`, and the frontend (1.35) shows
`<name>.jpg` from the same folder as the card's thumbnail. The card's title is the file
name itself and its description that name with `-`/`_` read as spaces, so each file is
named by its title. The longer description opens the workflow's note.

Only workflows live in that folder: anything else there (the node-spec snapshot once)
is listed as a template too and fails to load.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "example_workflows"
THUMBNAIL_SUFFIX = ".jpg"  # the only extension the frontend asks a pack for


@dataclass(frozen=True)
class Template:
    key: str  # short name used by the generators and tests
    title: str  # the file name (without .json): what the Templates browser shows
    description: str  # one sentence, first paragraph of the workflow's note

    @property
    def path(self) -> Path:
        return EXAMPLES / f"{self.title}.json"

    @property
    def thumbnail(self) -> Path:
        return EXAMPLES / f"{self.title}{THUMBNAIL_SUFFIX}"


TEMPLATES = {t.key: t for t in (
    Template("sdxl_colour_reward", "LAGS Colour Reward (SDXL)",
             "Pull SDXL images towards a target colour or palette with LAGS reward guidance, without "
             "fine-tuning the checkpoint."),
    Template("sdxl_frequency_reward", "LAGS Frequency Reward (SDXL)",
             "Favour fine detail in SDXL images, or smooth it away, by guiding the energy share of a "
             "frequency band."),
    Template("sdxl_colour_particles", "LAGS Particles Colour Reward (SDXL)",
             "Reach a whole-scene colour that guidance alone misses: four guided particles per image, re-drawn "
             "towards the reward while the scene is decided."),
    Template("ab_plain_vs_lags", "LAGS vs Plain KSampler (SDXL)",
             "Compare a plain KSampler with LAGS colour guidance side by side: same model, prompts, seed, "
             "steps and CFG."),
    Template("flux_dev_colour_reward", "LAGS Colour Reward (Flux.1 Dev)",
             "Guide Flux.1 Dev (cfg 1 with FluxGuidance) towards a target colour with LAGS reward guidance."),
    Template("sd35_colour_reward", "LAGS Colour Reward (SD3.5 Large)",
             "Guide SD3.5 Large towards a target colour with LAGS reward guidance, without fine-tuning the "
             "checkpoint."),
    Template("sdxl_pickscore", "LAGS PickScore Preference (SDXL)",
             "Sample SDXL images that the PickScore preference model rates higher for your prompt, scored "
             "against a plain run with the same seed."),
    Template("sdxl_fairness", "LAGS Classifier Fairness (SDXL)",
             "Balance the classes a zero-shot CLIP classifier sees in a batch of eight SDXL images, "
             "calibrated on a plain batch."),
)}


def template(key: str) -> Template:
    return TEMPLATES[key]


def published_files() -> list[Path]:
    """Every file ComfyUI would publish from the folder, workflows or not."""
    return sorted(p for p in EXAMPLES.iterdir() if p.is_file()) if EXAMPLES.is_dir() else []


def published_workflows() -> list[Path]:
    return [p for p in published_files() if p.suffix == ".json"]
