"""Classifier fairness: the weights on a synthetic classifier with known probabilities,
the re-weighted class mix, calibration, steering, and the open_clip zero-shot path."""
import math

import pytest
import torch

from rewards.fairness import (BALANCE, STEER, ClassifierFairnessReward, class_frequency_table,
                              estimate_base_distribution, fairness_log_weight, parse_class_prompts,
                              parse_proportions)


class SyntheticClassifier:
    """p(y|x) = softmax(sharpness * logits), logits = the image's mean RGB (3 classes: R, G, B)."""

    class_names = ["red", "green", "blue"]

    def __init__(self, sharpness=1.0):
        self.sharpness = sharpness

    def log_probs(self, images):
        return torch.log_softmax(self.sharpness * images.mean(dim=(1, 2)), dim=-1)

    def prepare(self, device):
        return self


def _solid(colours, size=4):
    return torch.tensor(colours, dtype=torch.float32).view(-1, 1, 1, 3).expand(-1, size, size, 3).contiguous()


def test_weights_match_the_formula_on_known_probabilities():
    images = _solid([[0.9, 0.1, 0.2], [0.2, 0.7, 0.1], [0.3, 0.3, 0.8], [0.5, 0.5, 0.5]])
    classifier = SyntheticClassifier(sharpness=3.0)
    target, base = [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]
    reward = ClassifierFairnessReward(classifier, target=target, base=base, strength=1.0)
    probs = torch.softmax(3.0 * images.mean(dim=(1, 2)).double(), dim=-1)  # known p(y|x)
    expected = [math.log(sum(float(probs[i, y]) * target[y] / base[y] for y in range(3))) for i in range(4)]
    assert torch.allclose(reward.log_w(images).double(), torch.tensor(expected, dtype=torch.float64), atol=1e-5)
    # strength tempers the exact weight: log w = strength * log sum_y ...
    strong = ClassifierFairnessReward(classifier, target=target, base=base, strength=2.5)
    assert torch.allclose(strong.log_w(images), 2.5 * reward.log_w(images), atol=1e-5)


def test_reweighting_turns_the_base_mix_into_the_target_mix():
    # A population with class mix 70/20/10 and a confident classifier: self-normalised
    # importance weights w(x) must give the target mix (uniform) back.
    counts = {0: 70, 1: 20, 2: 10}
    colours = [[1.0 if c == k else 0.0 for c in range(3)] for k, n in counts.items() for _ in range(n)]
    images = _solid(colours)
    classifier = SyntheticClassifier(sharpness=60.0)  # p(y|x) ~ one-hot
    reward = ClassifierFairnessReward(classifier, base=[0.7, 0.2, 0.1])
    w = reward.log_w(images).double().exp()
    labels = torch.tensor([k for k, n in counts.items() for _ in range(n)])
    mix = torch.stack([w[labels == k].sum() for k in range(3)]) / w.sum()
    assert torch.allclose(mix, torch.full((3,), 1 / 3, dtype=torch.float64), atol=1e-3)


def test_calibration_estimates_the_base_mix():
    colours = [[1, 0, 0]] * 6 + [[0, 1, 0]] * 3 + [[0, 0, 1]] * 1
    probs = SyntheticClassifier(sharpness=60.0).log_probs(_solid(colours)).exp()
    base = estimate_base_distribution(probs, pseudo_count=0.0)
    assert torch.allclose(base, torch.tensor([0.6, 0.3, 0.1], dtype=torch.float64), atol=1e-6)
    smoothed = estimate_base_distribution(probs[:6])  # only red seen: the others stay > 0
    assert bool((smoothed > 0).all()) and smoothed[0] > 0.8


def test_steer_mode_is_log_probability_of_the_class():
    images = _solid([[0.9, 0.1, 0.2], [0.2, 0.7, 0.1]])
    classifier = SyntheticClassifier(sharpness=2.0)
    reward = ClassifierFairnessReward(classifier, mode=STEER, steer_class="green", strength=1.0)
    assert torch.allclose(reward.log_w(images), classifier.log_probs(images)[:, 1], atol=1e-6)
    assert ClassifierFairnessReward(classifier, mode=STEER, steer_class="2").steer_index == 2


def test_gradients_flow_to_pixels():
    images = _solid([[0.6, 0.3, 0.2], [0.2, 0.5, 0.4]]).requires_grad_(True)
    reward = ClassifierFairnessReward(SyntheticClassifier(4.0), base=[0.5, 0.3, 0.2])
    reward.log_w(images).sum().backward()
    assert torch.isfinite(images.grad).all() and images.grad.abs().sum() > 0


def test_report_counts_achieved_class_frequencies():
    images = _solid([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    reward = ClassifierFairnessReward(SyntheticClassifier(30.0), base=[0.5, 0.25, 0.25], base_source="typed")
    text = reward.report(images)
    rows = {line.split()[0]: line.split() for line in text.splitlines()[2:5]}
    assert rows["red"][1:3] == ["2", "50.0%"] and rows["green"][1:3] == ["1", "25.0%"]
    assert "33.3%" in rows["blue"][3] and "(base mix: typed)" in text
    table = class_frequency_table(torch.tensor([[0.2, 0.8]]), ["a", "b"])
    assert "1 image(s)" in table


def test_input_errors_are_clear():
    c = SyntheticClassifier()
    with pytest.raises(ValueError, match="base model's class mix"):
        ClassifierFairnessReward(c, mode=BALANCE)
    with pytest.raises(ValueError, match="has 2 values but there are 3 classes"):
        ClassifierFairnessReward(c, base="0.5, 0.5")
    with pytest.raises(ValueError, match="must all be > 0"):
        ClassifierFairnessReward(c, base="1, 0, 0")
    with pytest.raises(ValueError, match="not one of"):
        ClassifierFairnessReward(c, mode=STEER, steer_class="purple")
    with pytest.raises(ValueError, match="at least two class prompts"):
        parse_class_prompts("a photo of a cat\n\n")
    assert parse_proportions("", 3, "target") is None
    assert torch.allclose(parse_proportions("5:3:2", 3, "target"), torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64))


def test_log_weight_is_stable_for_extreme_ratios():
    log_probs = torch.log_softmax(torch.tensor([[200.0, 0.0], [0.0, 200.0]]), dim=-1)
    value = fairness_log_weight(log_probs, torch.tensor([0.5, 0.5]), torch.tensor([1e-6, 1 - 1e-6]))
    assert torch.isfinite(value).all()
    assert value[0].item() == pytest.approx(math.log(0.5 / 1e-6), rel=1e-4)


def test_open_clip_zero_shot_classifier_end_to_end(tmp_path):
    from torchvision_stand_in import ensure_torchvision

    ensure_torchvision()
    pytest.importorskip("open_clip")
    from learned_reward_models import sample_images, save_open_clip_repo
    from rewards.open_clip_backbone import load_open_clip
    from rewards.zero_shot import ZeroShotClassifier

    checkpoint = save_open_clip_repo(str(tmp_path / "clf"), seed=2)
    names = parse_class_prompts("a photo of a man\na photo of a woman\n")
    with torch.inference_mode():
        classifier = ZeroShotClassifier(load_open_clip(checkpoint, "auto"), names)
    images = sample_images(4, 80, 80, seed=7)
    calibration = classifier.log_probs(images).exp().detach()
    assert torch.allclose(calibration.sum(-1), torch.ones(4), atol=1e-5)
    reward = ClassifierFairnessReward(classifier, base=estimate_base_distribution(calibration),
                                      base_source="estimated from 4 calibration images")
    x = images.clone().requires_grad_(True)
    with torch.inference_mode(False), torch.enable_grad():
        reward.log_w(x).sum().backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0
    assert "a photo of a man" in reward.report(images)
