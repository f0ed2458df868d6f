"""Image-prompt similarity rewards on a CLIP backbone (PickScore, HPS v2).

Both score the cosine between the image embedding and the prompt embedding;
PickScore multiplies it by the model's learned logit scale (as its authors'
inference code does), HPS v2 reports the plain cosine (as hpsv2's img_score does).
"""
from __future__ import annotations

from .scored_reward import ScoredReward


class PromptSimilarityReward(ScoredReward):
    use_logit_scale = True

    def __init__(self, backbone, prompt: str, strength: float = 1.0):
        super().__init__(backbone, strength)
        prompt = (prompt or "").strip()
        if not prompt:
            raise ValueError(f"{self.score_name}: the prompt is empty; type the prompt the images should match")
        self.prompt = prompt

    def score(self, images):
        image = self.backbone.image_embeddings(images)
        text = self.backbone.text_embeddings([self.prompt])[0]
        cosine = image @ text.to(image.device)
        return self.backbone.logit_scale().to(image.device) * cosine if self.use_logit_scale else cosine

    def describe(self):
        short = self.prompt if len(self.prompt) <= 40 else self.prompt[:37] + "..."
        return f"{self.name}[{short!r}, strength={self.strength:g}]"
