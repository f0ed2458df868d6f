"""Zero-shot image classifier from any CLIP backbone and one prompt per class:
p(y|x) = softmax_y(logit_scale * cos(image, prompt_y)), differentiable in the pixels."""
from __future__ import annotations

import torch


class ZeroShotClassifier:
    def __init__(self, backbone, class_prompts):
        self.backbone = backbone
        self.class_names = list(class_prompts)

    def log_probs(self, images: torch.Tensor) -> torch.Tensor:
        image = self.backbone.image_embeddings(images)
        texts = self.backbone.text_embeddings(self.class_names).to(image.device)
        logits = self.backbone.logit_scale().to(image.device) * image @ texts.T
        return torch.log_softmax(logits, dim=-1)

    def prepare(self, device):
        self.backbone.prepare(device)
        return self
