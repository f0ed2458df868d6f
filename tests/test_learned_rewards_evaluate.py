"""Reward Evaluate maths: per-image scores in the model's units, total log w, A/B table."""
import pytest
import torch

from learned_reward_models import make_pickscore_folder, sample_images
from rewards import CombinedReward
from rewards.colour import ColourReward
from rewards.evaluation import evaluate, format_table
from rewards.fairness import ClassifierFairnessReward

pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def pickscore(tmp_path_factory):
    from rewards.pickscore import PickScoreReward, load_pickscore

    folder = make_pickscore_folder(str(tmp_path_factory.mktemp("eval") / "PickScore_v1"))
    return PickScoreReward(load_pickscore(folder), "a red apple", strength=2.0)


def test_single_learned_reward_reports_its_score(pickscore):
    images = sample_images(3, 64, 64, seed=1)
    result = evaluate(pickscore, images, device="cpu")
    assert result.columns == ["PickScore", "log w"]
    expected = pickscore.score(images)
    assert torch.allclose(torch.tensor(result.primary), expected, atol=1e-5)
    assert torch.allclose(torch.tensor(result.total), 2.0 * expected, atol=1e-4)


def test_combined_reward_columns_and_total(pickscore):
    images = sample_images(2, 64, 64, seed=2)
    colour = ColourReward(colour="#ff0000", strength=5.0)
    combined = CombinedReward([(pickscore, 0.5), (colour, 3.0)])
    result = evaluate(combined, images)
    assert result.columns == ["PickScore (x0.5)", "colour log w (x3)", "log w"]
    assert torch.allclose(torch.tensor(result.total), combined.log_w(images), atol=1e-4)
    assert result.primary == result.total  # several terms: compare on log w
    row = result.rows[0]
    assert row[0] == pytest.approx(float(pickscore.score(images)[0]), abs=1e-4)
    assert row[1] == pytest.approx(float(3.0 * colour.log_w(images)[0]), abs=1e-4)


def test_ab_table_has_both_batches_and_the_mean_difference(pickscore):
    a, b = sample_images(2, 64, 64, seed=3), sample_images(3, 64, 64, seed=4)
    ra, rb = evaluate(pickscore, a), evaluate(pickscore, b)
    text = format_table(ra, title="guided vs plain", compare=rb, labels=("guided", "plain"))
    assert text.startswith("guided vs plain") and "[guided] 2 image(s)" in text and "[plain] 3 image(s)" in text
    diff = sum(ra.primary) / 2 - sum(rb.primary) / 3
    assert f"PickScore: {diff:+.4f}" in text


def test_fairness_report_is_appended_and_each_image_is_classified_once():
    class Fixed:
        class_names = ["cat", "dog"]
        classified = 0

        def log_probs(self, images):
            self.classified += images.shape[0]
            return torch.log_softmax(torch.stack([images.mean((1, 2, 3)), 1 - images.mean((1, 2, 3))], -1) * 20, -1)

        def prepare(self, device):
            return self

    images = torch.cat([torch.ones(2, 8, 8, 3), torch.zeros(1, 8, 8, 3)])
    classifier = Fixed()
    reward = ClassifierFairnessReward(classifier, base="0.5, 0.5")
    result = evaluate(reward, images)
    assert classifier.classified == 3
    assert result.columns == ["log w"] and len(result.notes) == 1
    assert torch.allclose(torch.tensor(result.total), reward.log_w(images), atol=1e-6)
    text = format_table(result)
    assert "Class frequencies on 3 image(s)" in text and " 66.7%" in text


def test_a_learned_score_is_computed_once_per_image(pickscore, monkeypatch):
    calls = []
    score = type(pickscore).score
    monkeypatch.setattr(type(pickscore), "score", lambda self, x: calls.append(x.shape[0]) or score(self, x))
    evaluate(pickscore, sample_images(3, 64, 64, seed=5))
    assert calls == [3]
