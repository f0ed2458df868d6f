"""HPS v2 / v2.1 (Wu et al. 2023): cos(image, prompt) with an open_clip ViT-H-14
fine-tuned on human preferences, reported x100 (the units of the HPSv2 benchmark
table). The hpsv2 package is not needed: the checkpoint is a plain open_clip state dict."""
from __future__ import annotations

from .open_clip_backbone import load_open_clip
from .prompt_similarity import PromptSimilarityReward

HPS_ARCH = "ViT-H-14"


class HPSReward(PromptSimilarityReward):
    name = "hps"
    score_name = "HPS"
    score_label = "HPS (x100)"
    use_logit_scale = False
    scale = 100.0


def load_hps(checkpoint: str, arch: str = HPS_ARCH, precision: str = "auto", placer=None):
    return load_open_clip(checkpoint, arch, what="HPS checkpoint", precision=precision, placer=placer)
