"""Write the learned-reward workflows (PickScore, classifier fairness) into example_workflows/
from the node specs, with the same builders as tests/make_workflows.py.

    python tests/make_learned_workflows.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_workflows import (PARTICLES, Graph, decode_and_save, lags_branch, plain_sampler, sdxl_base, share,  # noqa: E402
                            shared_sampling, write_workflows)
from published import template  # noqa: E402
from workflow_notes import note, particle_cost  # noqa: E402

PICKSCORE_FOLDER = "PickScore_v1"
CLASSIFIER_CLIP = "CLIP-ViT-B-32-laion2B-s34B-b79K/open_clip_pytorch_model.bin"
DOCS = "docs/learned_rewards.md"


def evaluate(g: Graph, reward, guided_image, plain_image, title):
    """Reward Evaluate below the decoders, its table beside it under the images."""
    for column in ("decode", "save"):
        g.columns.start_at(column, max(g.columns.next_title["decode"], g.columns.next_title["save"]))
    node = g.add("LAGSRewardEvaluate", "decode", {"title": title}, size=(300, 0))
    g.link(reward, "reward", node, "reward")
    g.link(guided_image, "IMAGE", node, "images")
    g.link(plain_image, "IMAGE", node, "compare_images")
    preview = g.add("PreviewAny", "save", title="Scores (B = guided, A = plain)", size=(760, 420))
    g.link(node, "table", preview, "source")
    return node


def pickscore_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    prompt_text = "a cozy reading nook by a rainy window, warm lamp light, detailed illustration"
    text = g.add("PrimitiveStringMultiline", "inputs", {"value": prompt_text}, title="Prompt (shared)",
                 size=(400, 160))
    ckpt, pos, neg, latent = sdxl_base(g, prompt_text)
    reward = g.add("LAGSPickScoreReward", "inputs", {"model": PICKSCORE_FOLDER, "prompt": prompt_text,
                                                      "precision": "auto"}, size=(400, 0))
    g.link(text, "STRING", pos, "text")
    g.link(text, "STRING", reward, "prompt")
    shared = shared_sampling(g)
    plain = plain_sampler(g, ckpt, pos, neg, latent, "A: plain KSampler")
    plain_image = decode_and_save(g, ckpt, plain, "lags_pickscore/A_plain", title="A: plain")
    g.columns.start_at("samplers", g.columns.next_title["save"])
    lags = lags_branch(g, ckpt, pos, neg, latent, reward, title="B: LAGS Weighted Sampler (PickScore)")
    share(g, shared, (plain, lags))
    guided_image = decode_and_save(g, ckpt, lags, "lags_pickscore/B_pickscore", title="B: LAGS + PickScore")
    evaluate(g, reward, guided_image, plain_image, "PickScore: B (guided) vs A (plain), same seed")
    g.add_note(note(template("sdxl_pickscore"), (
        "The shared prompt feeds both the text encoder and the reward; A is a plain KSampler with the same "
        "seed, steps and CFG, so the Evaluate node's table compares guided and plain PickScores directly."), (
        "**Needs:** an SDXL checkpoint (`sd_xl_base_1.0.safetensors`) in `models/checkpoints`, and the "
        f"`{PICKSCORE_FOLDER}` folder in `models/rewards` (config.json, model.safetensors, tokenizer and "
        f"preprocessor files; see `{DOCS}`). PickScore's weights take about 2 GB in fp16."),
        "**Default strength** pulls as hard per PickScore point as the colour reward's default does for a clear "
        "colour change; 3x pushes much harder.", clip_reward=True), size=(440, 760))
    return g.to_json("sdxl_pickscore")


def fairness_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, "a portrait photo of a doctor in a hospital corridor, natural light")
    g.nodes[latent - 1]["widgets_values"][2] = 8  # batch of 8
    shared = shared_sampling(g)
    plain = plain_sampler(g, ckpt, pos, neg, latent, "A: plain KSampler (calibration)")
    plain_image = decode_and_save(g, ckpt, plain, "lags_fairness/A_plain", title="A: plain (calibration)")
    reward = g.add("LAGSClassifierFairnessReward", "inputs", {
        "checkpoint": CLASSIFIER_CLIP, "architecture": "auto",
        "class_prompts": "a photo of a man\na photo of a woman", "mode": "balance", "target_proportions": "",
        "base_proportions": "", "steer_class": "0", "precision": "auto"}, size=(400, 0))
    g.link(plain_image, "IMAGE", reward, "calibration_images")
    g.columns.start_at("samplers", g.columns.next_title["save"])
    lags = lags_branch(g, ckpt, pos, neg, latent, reward, title="B: LAGS Weighted Sampler (fairness)",
                       particles={**PARTICLES, "particles_compete": "whole batch"})
    share(g, shared, (plain, lags))
    guided_image = decode_and_save(g, ckpt, lags, "lags_fairness/B_fair", title="B: LAGS + fairness")
    evaluate(g, reward, guided_image, plain_image, "Class frequencies: B (guided) vs A (plain)")
    g.add_note(note(template("sdxl_fairness"), (
        "Here the prompt is one the model skews (doctors). Sampler A runs first without guidance; its 8 images "
        "estimate the model's own class mix (the 'base', shown below this note). Sampler B re-weights each "
        "image by target/base for its class. The Evaluate table shows the class frequencies achieved by B next "
        "to A."), (
        "**Needs:** an SDXL checkpoint (`sd_xl_base_1.0.safetensors`) in `models/checkpoints`, and an "
        f"open_clip checkpoint with its open_clip_config.json in `models/rewards` (here `{CLASSIFIER_CLIP}`, "
        f"whose weights take about 0.3 GB in fp16; see `{DOCS}`)."), (
        "**Settings:** `target_proportions` empty = equal shares; type e.g. `0.3, 0.7` otherwise. Type "
        "`base_proportions` to skip the calibration estimate. With 8 images the achieved mix varies by "
        "chance (one image is 12.5%); judge it over several seeds. `mode` = steer pushes all images to one "
        "class. `decode_scale` auto decodes each image at the 224 px the classifier looks at and scores the "
        "batch in chunks that fit."), particle_cost(), clip_reward=True, strength=(
        "**Strength** is per image for this reward: 1 is the exact re-weighting towards the target mix. Guidance "
        "alone moves the mix only a little, so sampler B runs 4 particles per image with `particles_compete` = "
        "whole batch: the batch's 32 particles compete together and the 8 images are drawn from them at once, "
        "which keeps the batch close to the target mix (docs/fairness_particles.md).")), size=(440, 1000))
    summary = g.add("PreviewAny", "note", title="Base mix (from calibration batch)", size=(420, 300))
    g.link(reward, "summary", summary, "source")
    return g.to_json("sdxl_fairness")


BUILDERS = {
    "sdxl_pickscore": pickscore_workflow,
    "sdxl_fairness": fairness_workflow,
}


if __name__ == "__main__":
    write_workflows(BUILDERS)
