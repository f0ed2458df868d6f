"""The learned-reward workflows: the graphs the README promises (host-free, on the spec snapshot)."""
import json

from published import template
from workflow_convert import ui_to_api
from workflow_spec import load_specs

SPECS = load_specs()


def api(key):
    return ui_to_api(json.loads(template(key).path.read_text(encoding="utf-8")), SPECS)


def only(prompt, kind):
    found = [(i, n) for i, n in prompt.items() if n["class_type"] == kind]
    assert len(found) == 1, (kind, found)
    return found[0]


def source(prompt, link):
    return prompt[link[0]]["class_type"]


def default(kind, name):
    return next(e for e in SPECS[kind]["inputs"] if e["name"] == name)["default"]


def test_pickscore_workflow_guides_with_the_shared_prompt_and_compares():
    prompt = api("sdxl_pickscore")
    _, reward = only(prompt, "LAGSPickScoreReward")
    assert reward["inputs"]["model"] == "PickScore_v1"
    assert reward["inputs"]["strength"] == default("LAGSPickScoreReward", "strength")  # the calibrated default
    positive = prompt[only(prompt, "LAGSWeightedSampler")[1]["inputs"]["positive"][0]]
    assert positive["inputs"]["text"] == reward["inputs"]["prompt"]  # one primitive feeds both
    assert source(prompt, reward["inputs"]["prompt"]) == "PrimitiveStringMultiline"
    _, evaluate = only(prompt, "LAGSRewardEvaluate")
    guided = prompt[evaluate["inputs"]["images"][0]]["inputs"]["samples"]
    plain = prompt[evaluate["inputs"]["compare_images"][0]]["inputs"]["samples"]
    assert (source(prompt, guided), source(prompt, plain)) == ("LAGSWeightedSampler", "KSampler")
    assert source(prompt, only(prompt, "PreviewAny")[1]["inputs"]["source"]) == "LAGSRewardEvaluate"


def test_fairness_workflow_batch_of_eight_with_calibration_and_frequencies():
    prompt = api("sdxl_fairness")
    assert only(prompt, "EmptyLatentImage")[1]["inputs"]["batch_size"] == 8
    _, reward = only(prompt, "LAGSClassifierFairnessReward")
    assert reward["inputs"]["mode"] == "balance" and reward["inputs"]["base_proportions"] == ""
    assert reward["inputs"]["class_prompts"].splitlines() == ["a photo of a man", "a photo of a woman"]
    calibration = prompt[reward["inputs"]["calibration_images"][0]]
    assert source(prompt, calibration["inputs"]["samples"]) == "KSampler"  # unguided samples
    _, evaluate = only(prompt, "LAGSRewardEvaluate")
    assert source(prompt, evaluate["inputs"]["reward"]) == "LAGSClassifierFairnessReward"
    previews = [n for n in prompt.values() if n["class_type"] == "PreviewAny"]
    assert sorted(source(prompt, p["inputs"]["source"]) for p in previews) == [
        "LAGSClassifierFairnessReward", "LAGSRewardEvaluate"]
