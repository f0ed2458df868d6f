"""Write the learned-reward workflows (workflows/sdxl_pickscore.json, sdxl_fairness.json)
from node_specs.json, with the same builders as tests/make_workflows.py.

    python tests/make_learned_workflows.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_workflows import (NOTE_HOW, NOTE_STRENGTH, SAMPLING, Graph, decode_and_save, lags_branch,  # noqa: E402
                            sdxl_base, shared_sampling, write_workflows)

PICKSCORE_FOLDER = "PickScore_v1"
CLASSIFIER_CLIP = "CLIP-ViT-B-32-laion2B-s34B-b79K/open_clip_pytorch_model.bin"
DOCS = "docs/learned_rewards.md"


def plain_sampler(g: Graph, ckpt, pos, neg, latent, x, y, title):
    plain = g.add("KSampler", (x, y), {"seed": 42, **SAMPLING}, controls={"seed": "randomize"}, title=title,
                  size=(340, 300))
    for src, out, name in ((ckpt, "MODEL", "model"), (pos, "CONDITIONING", "positive"),
                           (neg, "CONDITIONING", "negative"), (latent, "LATENT", "latent_image")):
        g.link(src, out, plain, name)
    return plain


def share(g: Graph, shared, samplers):
    for sampler in samplers:
        for src, out, name in zip(shared, ("INT", "INT", "FLOAT"), ("seed", "steps", "cfg")):
            g.link(src, out, sampler, name)


def decoded(g: Graph, ckpt, sampler, prefix, x, y, title):
    """VAEDecode + SaveImage; returns the VAEDecode id (its IMAGE also feeds the evaluator)."""
    decode_and_save(g, ckpt, sampler, prefix, x, y, title=title)
    return len(g.nodes) - 1


def evaluate(g: Graph, reward, guided_image, plain_image, x, y, title):
    node = g.add("LAGSRewardEvaluate", (x, y), {"title": title}, size=(360, 160))
    g.link(reward, "reward", node, "reward")
    g.link(guided_image, "IMAGE", node, "images")
    g.link(plain_image, "IMAGE", node, "compare_images")
    preview = g.add("PreviewAny", (x + 400, y), title="Scores (B = guided, A = plain)", size=(760, 420))
    g.link(node, "table", preview, "source")
    return node


def pickscore_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    prompt_text = "a cozy reading nook by a rainy window, warm lamp light, detailed illustration"
    ckpt, pos, neg, latent = sdxl_base(g, prompt_text)
    text = g.add("PrimitiveStringMultiline", (-40, -260), {"value": prompt_text}, title="Prompt (shared)",
                 size=(400, 160))
    reward = g.add("LAGSPickScoreReward", (380, 640), {"model": PICKSCORE_FOLDER, "prompt": prompt_text,
                                                        "precision": "auto"}, size=(400, 260))
    g.link(text, "STRING", pos, "text")
    g.link(text, "STRING", reward, "prompt")
    shared = shared_sampling(g, 380, 940)
    plain = plain_sampler(g, ckpt, pos, neg, latent, 860, -600, "A: plain KSampler")
    lags = lags_branch(g, ckpt, pos, neg, latent, reward, x=860, y=0)
    g.nodes[lags - 1]["title"] = "B: LAGS Weighted Sampler (PickScore)"
    share(g, shared, (plain, lags))
    plain_image = decoded(g, ckpt, plain, "lags_pickscore/A_plain", 1240, -600, "A: plain")
    guided_image = decoded(g, ckpt, lags, "lags_pickscore/B_pickscore", 1240, 0, "B: LAGS + PickScore")
    evaluate(g, reward, guided_image, plain_image, 1240, 620, "PickScore: B (guided) vs A (plain), same seed")
    g.add("MarkdownNote", (-460, 0), {"text": (
        "## LAGS + PickScore (SDXL)\n\nSamples images that PickScore, a human-preference model, prefers for "
        "your prompt, without changing the checkpoint. The shared prompt feeds both the text encoder and "
        "the reward; A is a plain KSampler with the same seed, steps and CFG, so the Evaluate node's table "
        "compares guided and plain PickScores directly.\n\n"
        f"**Needs:** an SDXL checkpoint (`sd_xl_base_1.0.safetensors`) in `models/checkpoints`, and the "
        f"`{PICKSCORE_FOLDER}` folder in `models/rewards` (config.json, model.safetensors, tokenizer and "
        f"preprocessor files; see `{DOCS}`). PickScore adds about 2 GB of VRAM (fp16) plus activations for its "
        "gradient.\n\n**Default strength** pulls as hard per PickScore point as the colour reward's default "
        "does for a clear colour change; 3x pushes much harder.\n\n" + NOTE_HOW + NOTE_STRENGTH)},
        title="About this workflow", size=(440, 640))
    return g.to_json("sdxl_pickscore")


def fairness_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, "a portrait photo of a doctor in a hospital corridor, natural light")
    g.nodes[latent - 1]["widgets_values"][2] = 8  # batch of 8
    shared = shared_sampling(g, 380, 1060)
    plain = plain_sampler(g, ckpt, pos, neg, latent, 860, -600, "A: plain KSampler (calibration)")
    plain_image = decoded(g, ckpt, plain, "lags_fairness/A_plain", 1240, -600, "A: plain (calibration)")
    reward = g.add("LAGSClassifierFairnessReward", (380, 640), {
        "checkpoint": CLASSIFIER_CLIP, "architecture": "auto",
        "class_prompts": "a photo of a man\na photo of a woman", "mode": "balance", "target_proportions": "",
        "base_proportions": "", "steer_class": "0", "precision": "auto"}, size=(400, 380))
    g.link(plain_image, "IMAGE", reward, "calibration_images")
    summary = g.add("PreviewAny", (-460, 820), title="Base mix (from calibration batch)", size=(400, 300))
    g.link(reward, "summary", summary, "source")
    lags = lags_branch(g, ckpt, pos, neg, latent, reward, x=860, y=0)
    g.nodes[lags - 1]["title"] = "B: LAGS Weighted Sampler (fairness)"
    share(g, shared, (plain, lags))
    guided_image = decoded(g, ckpt, lags, "lags_fairness/B_fair", 1240, 0, "B: LAGS + fairness")
    evaluate(g, reward, guided_image, plain_image, 1240, 620, "Class frequencies: B (guided) vs A (plain)")
    g.add("MarkdownNote", (-460, 0), {"text": (
        "## LAGS classifier fairness (SDXL, batch of 8)\n\nBalances who the model draws for a prompt it "
        "skews (here: doctors) towards a target mix of classes, judged by a zero-shot CLIP classifier. "
        "Sampler A runs first without guidance; its 8 images estimate the model's own class mix (the "
        "'base'), shown on the left. Sampler B re-weights each image by target/base for its class. The "
        "Evaluate table shows the class frequencies achieved by B next to A.\n\n"
        f"**Needs:** an SDXL checkpoint (`sd_xl_base_1.0.safetensors`) in `models/checkpoints`, and an "
        f"open_clip checkpoint with its open_clip_config.json in `models/rewards` (here `{CLASSIFIER_CLIP}`, "
        f"about 0.3 GB VRAM; see `{DOCS}`).\n\n"
        "**Settings:** `target_proportions` empty = equal shares; type e.g. `0.3, 0.7` otherwise. Type "
        "`base_proportions` to skip the calibration estimate. With 8 images the achieved mix varies by "
        "chance (one image is 12.5%); judge it over several seeds. `mode` = steer pushes all images to one "
        "class.\n\n**Memory:** `decode_scale` auto decodes each image at the 224 px the classifier looks at "
        "and scores the batch in chunks that fit, so 8 images at 1024x1024 run (docs/memory.md).\n\n"
        + NOTE_HOW + NOTE_STRENGTH)}, title="About this workflow", size=(440, 760))
    return g.to_json("sdxl_fairness")


BUILDERS = {
    "sdxl_pickscore.json": pickscore_workflow,
    "sdxl_fairness.json": fairness_workflow,
}


if __name__ == "__main__":
    write_workflows(BUILDERS)
