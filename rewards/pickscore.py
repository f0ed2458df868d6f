"""PickScore (Kirstain et al. 2023): logit_scale * cos(image, prompt) with the
PickScore_v1 CLIP-H weights from a local transformers folder."""
from __future__ import annotations

from .hf_clip import load_hf_clip
from .prompt_similarity import PromptSimilarityReward


class PickScoreReward(PromptSimilarityReward):
    name = "pickscore"
    score_name = "PickScore"
    use_logit_scale = True


def load_pickscore(folder: str, precision: str = "auto", placer=None):
    """The CLIP backbone of a PickScore_v1-layout folder (see reward_files.LAYOUTS)."""
    return load_hf_clip(folder, precision=precision, placer=placer)
