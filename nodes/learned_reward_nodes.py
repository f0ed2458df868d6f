"""ComfyUI adapters for the learned rewards (the models and maths live in rewards/).

Weights come from ComfyUI's models/rewards folder (and `rewards:` entries of
extra_model_paths.yaml); nothing is downloaded. Loaded models are shared by file
between nodes and prompts (rewards/model_cache.py) and managed by ComfyUI's model
management (nodes/reward_model_management.py).
"""
from __future__ import annotations

import torch
from comfy_api.latest import io, ui

from ..rewards.aesthetic import AESTHETIC_ARCH, AestheticReward, load_aesthetic_backbone, load_aesthetic_head
from ..rewards.fairness import (BALANCE, MODES, STEER, ClassifierFairnessReward, class_frequency_table,
                                estimate_base_distribution, parse_class_prompts)
from ..rewards.hps import HPS_ARCH, HPSReward, load_hps
from ..rewards.model_cache import cached_load
from ..rewards.model_placement import PRECISIONS
from ..rewards.open_clip_backbone import AUTO_ARCH, load_open_clip
from ..rewards.pickscore import PickScoreReward, load_pickscore
from ..rewards.zero_shot import ZeroShotClassifier
from .guidance_inputs import REWARD, REWARD_CATEGORY as CATEGORY
from .search import search_aliases
from .strength_input import FAIRNESS_STRENGTH, LEARNED_STRENGTH, PER_IMAGE_SENTENCE, strength_error, strength_input
from .reward_model_management import (ComfyPlacer, checkpoint_choices, compute_device, file_problem,
                                      pickscore_choices, resolve_file, resolve_folder, resolve_precision)


def _reward_output():
    return REWARD.Output(display_name="reward",
                              tooltip="Connect to LAGS Weighted Sampler, LAGS Guidance, Reward Combine or Reward Evaluate.")


def _precision() -> io.Combo.Input:
    return io.Combo.Input("precision", options=list(PRECISIONS), default="auto",
                          tooltip="Weights dtype. auto = what ComfyUI uses for its own models on this device "
                                  "(fp16 on most GPUs, fp32 on CPU). Use fp32 if scores look wrong (NaN).")


def _checkpoint(name: str, tooltip: str) -> io.Combo.Input:
    return io.Combo.Input(name, options=checkpoint_choices(), tooltip=tooltip)


def _architecture(default: str, tooltip: str) -> io.String.Input:
    # Free text, not a dropdown: open_clip's list of names differs between its versions.
    return io.String.Input("architecture", default=default,
                           tooltip=tooltip + " Any open_clip model name (e.g. ViT-B-32, ViT-L-14, ViT-H-14, "
                                             "ViT-bigG-14); 'auto' reads open_clip_config.json next to the file.")


def _prompt(tooltip: str) -> io.String.Input:
    return io.String.Input("prompt", multiline=True, default="", tooltip=tooltip)


def _open_clip(kind: str, name: str, arch: str, precision: str, loader):
    path = resolve_file(name, kind)
    arch, precision = arch.strip() or AUTO_ARCH, resolve_precision(precision)
    return cached_load("open_clip", path, (arch, precision),
                       lambda: loader(path, arch, precision=precision, placer=ComfyPlacer()))


class LAGSPickScoreReward(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSPickScoreReward",
            display_name="LAGS PickScore Reward (human preference)",
            category=CATEGORY,
            description=(
                "Steers towards pictures people prefer for the prompt (PickScore, trained on human choices in "
                "Pick-a-Pic). Needs the PickScore_v1 folder in models/rewards, from "
                "huggingface.co/yuvalkirstain/PickScore_v1 (about 2 GB VRAM in fp16); the node warns when it "
                "is missing."
            ),
            **search_aliases("preference", "pickscore", "human preference"),
            inputs=[
                io.Combo.Input("model", options=pickscore_choices(),
                               tooltip="A folder in models/rewards with the PickScore_v1 files (config.json, "
                                       "model.safetensors, tokenizer and preprocessor files)."),
                _prompt("The prompt the images should match: usually your positive prompt (connect a String node "
                        "to share it with CLIP Text Encode)."),
                strength_input(LEARNED_STRENGTH, "towards pictures people prefer for the prompt"),
                _precision(),
            ],
            outputs=[_reward_output()],
        )

    @classmethod
    def validate_inputs(cls, model: str, strength: float):
        return file_problem(model, "pickscore", want_dir=True) or strength_error(strength) or True

    @classmethod
    def execute(cls, model: str, prompt: str, strength: float, precision: str) -> io.NodeOutput:
        folder, precision = resolve_folder(model, "pickscore"), resolve_precision(precision)
        backbone = cached_load("pickscore", folder, (precision,),
                               lambda: load_pickscore(folder, precision=precision, placer=ComfyPlacer()))
        return io.NodeOutput(PickScoreReward(backbone, prompt, strength))


class LAGSHPSReward(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSHPSReward",
            display_name="LAGS HPS v2 Reward (human preference)",
            category=CATEGORY,
            description=(
                "Steers towards pictures people prefer for the prompt (Human Preference Score v2 / v2.1). "
                "Needs HPS_v2_compressed.pt or HPS_v2.1_compressed.pt in models/rewards, from "
                "huggingface.co/xswu/HPSv2 (about 2 GB VRAM in fp16); the node warns when it is missing."
            ),
            **search_aliases("preference", "hps", "human preference score"),
            inputs=[
                _checkpoint("checkpoint", "HPS_v2_compressed.pt or HPS_v2.1_compressed.pt (or a .safetensors "
                                          "conversion) from models/rewards."),
                _architecture(HPS_ARCH, "open_clip architecture of the checkpoint: ViT-H-14 for HPS v2 and v2.1."),
                _prompt("The prompt the images should match: usually your positive prompt."),
                strength_input(LEARNED_STRENGTH, "towards pictures people prefer for the prompt"),
                _precision(),
            ],
            outputs=[_reward_output()],
        )

    @classmethod
    def validate_inputs(cls, checkpoint: str, strength: float):
        return file_problem(checkpoint, "hps") or strength_error(strength) or True

    @classmethod
    def execute(cls, checkpoint: str, architecture: str, prompt: str, strength: float,
                precision: str) -> io.NodeOutput:
        backbone = _open_clip("hps", checkpoint, architecture, precision, load_hps)
        return io.NodeOutput(HPSReward(backbone, prompt, strength))


class LAGSAestheticReward(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSAestheticReward",
            display_name="LAGS LAION Aesthetic Reward",
            category=CATEGORY,
            description=(
                "Steers towards pictures the LAION aesthetic predictor rates as beautiful (a 1-10 rating "
                "learned from people's ratings; no prompt). Needs the OpenAI CLIP ViT-L/14 weights in open_clip "
                "format and the rating head (sac+logos+ava1-l14-linearMSE.pth) in models/rewards (about 0.9 GB "
                "VRAM in fp16); the node warns when they are missing and says where to get them."
            ),
            **search_aliases("aesthetic", "beauty", "preference"),
            inputs=[
                _checkpoint("clip_checkpoint", "OpenAI CLIP ViT-L/14 in open_clip format (e.g. "
                                               "open_clip_model.safetensors of timm/vit_large_patch14_clip_224.openai)."),
                _architecture(AESTHETIC_ARCH, "open_clip architecture of the CLIP file: ViT-L-14-quickgelu for "
                                              "the OpenAI weights (QuickGELU activations)."),
                _checkpoint("head", "The aesthetic MLP head (sac+logos+ava1-l14-linearMSE.pth or .safetensors)."),
                strength_input(LEARNED_STRENGTH, "towards a higher aesthetic rating"),
                _precision(),
            ],
            outputs=[_reward_output()],
        )

    @classmethod
    def validate_inputs(cls, clip_checkpoint: str, head: str, strength: float):
        return (file_problem(clip_checkpoint, "open_clip") or file_problem(head, "aesthetic_head")
                or strength_error(strength) or True)

    @classmethod
    def execute(cls, clip_checkpoint: str, architecture: str, head: str, strength: float,
                precision: str) -> io.NodeOutput:
        backbone = _open_clip("open_clip", clip_checkpoint, architecture, precision, load_aesthetic_backbone)
        head_path = resolve_file(head, "aesthetic_head")
        mlp = cached_load("aesthetic_head", head_path, (), lambda: load_aesthetic_head(head_path))
        return io.NodeOutput(AestheticReward(backbone, mlp, strength))


class LAGSClassifierFairnessReward(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSClassifierFairnessReward",
            display_name="LAGS Classifier Fairness Reward",
            category=CATEGORY,
            description=(
                "Fairness: changes how often each kind of subject appears in a batch (e.g. men and women for "
                "'a photo of a doctor') towards the proportions you ask for, judged by a CLIP classifier with "
                "one caption per class. The model's own mix is typed or estimated from calibration images (a "
                "batch sampled without guidance). 'steer' pushes every image towards one class instead. LAGS "
                "Reward Evaluate shows the class frequencies achieved."
            ),
            **search_aliases("fairness", "balance", "diversity", "classifier"),
            inputs=[
                _checkpoint("checkpoint", "Any open_clip checkpoint in models/rewards (e.g. the "
                                          "open_clip_model.safetensors of an open_clip repository)."),
                _architecture(AUTO_ARCH, "open_clip architecture of the checkpoint."),
                io.String.Input("class_prompts", multiline=True, default="a photo of a man\na photo of a woman",
                                tooltip="One class per line, written as a caption, e.g. 'a photo of a woman'."),
                io.Combo.Input("mode", options=list(MODES), default=BALANCE,
                               tooltip="balance: move the class mix to the target proportions. steer: push every "
                                       "image towards one class (steer_class)."),
                io.String.Input("target_proportions", default="",
                                tooltip="Target mix, one number per class, e.g. '0.5, 0.5' or '1:1'. Empty = uniform."),
                io.String.Input("base_proportions", default="",
                                tooltip="The model's own class mix for this prompt, e.g. '0.8, 0.2'. Empty = estimate "
                                        "it from calibration_images."),
                io.String.Input("steer_class", default="0",
                                tooltip="steer mode: the class to push towards, as its line number (0 = first) or "
                                        "its exact text."),
                strength_input(FAIRNESS_STRENGTH, "towards the target mix of classes (steer: towards the class)",
                               PER_IMAGE_SENTENCE),
                _precision(),
                io.Image.Input("calibration_images", optional=True,
                               tooltip="Optional: images sampled WITHOUT guidance (same prompt, e.g. a batch of "
                                       "16-32); their average class probabilities estimate the base mix."),
            ],
            outputs=[_reward_output(),
                     io.String.Output(display_name="summary",
                                      tooltip="Classes, target mix and base mix (with the calibration batch's "
                                              "class frequencies when given).")],
        )

    @classmethod
    def validate_inputs(cls, checkpoint: str, strength: float):
        return file_problem(checkpoint, "open_clip") or strength_error(strength) or True

    @classmethod
    def execute(cls, checkpoint: str, architecture: str, class_prompts: str, mode: str, target_proportions: str,
                base_proportions: str, steer_class: str, strength: float, precision: str,
                calibration_images=None) -> io.NodeOutput:
        names = parse_class_prompts(class_prompts)
        backbone = _open_clip("open_clip", checkpoint, architecture, precision, load_open_clip)
        classifier = ZeroShotClassifier(backbone, names)
        base, source, calibration = base_proportions, "typed", None
        if mode == BALANCE and not base_proportions.strip() and calibration_images is not None:
            classifier.prepare(compute_device())
            calibration = _calibration_probabilities(classifier, calibration_images)
            base = estimate_base_distribution(calibration)
            source = f"estimated from {calibration.shape[0]} calibration image(s)"
        reward = ClassifierFairnessReward(classifier, target=target_proportions or None, base=base, mode=mode,
                                          steer_class=steer_class if mode == STEER else 0, strength=strength,
                                          base_source=source)
        summary = reward.describe()
        if calibration is not None:
            summary += "\n\nCalibration batch:\n" + class_frequency_table(calibration, names, reward.target,
                                                                          reward.base, source)
        return io.NodeOutput(reward, summary, ui=ui.PreviewText(summary))


def _calibration_probabilities(classifier, images):
    with torch.no_grad():
        return torch.cat([classifier.log_probs(images[i:i + 16]).float().exp().cpu()
                          for i in range(0, images.shape[0], 16)])


NODES = [LAGSPickScoreReward, LAGSHPSReward, LAGSAestheticReward, LAGSClassifierFairnessReward]
