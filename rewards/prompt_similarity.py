"""Image-prompt similarity rewards on a CLIP backbone (PickScore, HPS v2).

Both score the cosine between the image embedding and the prompt embedding;
PickScore multiplies it by the model's learned logit scale (as its authors'
inference code does); HPS v2 is the plain cosine (hpsv2's img_score), reported
here times 100 as in the HPSv2 benchmark table (27.86 = 0.2786).
"""
from __future__ import annotations

from .scored_reward import ScoredReward


class PromptSimilarityReward(ScoredReward):
    use_logit_scale = True
    scale = 1.0  # fixed factor on the score (HPS: 100)

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
        if self.use_logit_scale:
            cosine = self.backbone.logit_scale().to(image.device) * cosine
        return self.scale * cosine

    def describe(self):
        short = self.prompt if len(self.prompt) <= 40 else self.prompt[:37] + "..."
        return f"{self.name}[{short!r}, strength={self.strength:g}]"
