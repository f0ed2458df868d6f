"""What a user meets in the node UI, checked in ComfyUI: values outside a widget's range are
refused with a message naming the input (never clamped), search words in the display names,
tooltips in words, the trace's guidance-effect number, and the reward-file check behind the
web extension's early warning."""
import re

import pytest

import prompts

STRENGTH = prompts.TINY_STRENGTH
SAMPLER = "20"


def validation_errors(result) -> list[tuple[str, str, str]]:
    """(node id, input, message) of every validation error."""
    return [(node, e["extra_info"].get("input_name", ""), f"{e['message']} {e.get('details', '')}")
            for node, found in result.node_errors.items() for e in found["errors"]]


def run_with(host, node_id, class_type, inputs):
    prompt = prompts.sampler_prompt(strength=STRENGTH, steps=3, capture_image=False, lags={"schedule": ("50", 0)})
    prompt["50"] = {"class_type": "LAGSScheduleStart", "inputs": {"start_percent": 50.0}}
    prompt[node_id] = {"class_type": class_type, "inputs": {**prompt.get(node_id, {}).get("inputs", {}), **inputs}}
    return host.run(prompt)


@pytest.mark.parametrize("node_id, class_type, inputs, name, words", [
    ("50", "LAGSScheduleAlpha", {"c": -5.0}, "c", "smaller than min of 0"),
    ("50", "LAGSScheduleStart", {"start_percent": 150.0}, "start_percent", "bigger than max of 100"),
    ("50", "LAGSScheduleHardGate", {"mode": "c", "mode.c": -5.0}, "mode.c", "smaller than min of 0"),
    ("50", "LAGSScheduleHardGate", {"mode": "fraction of steps", "mode.fraction": 2.0}, "mode.fraction",
     "bigger than max of 1"),
    ("50", "LAGSScheduleConstant", {"alpha": 1.5}, "alpha", "bigger than max of 1"),
    (SAMPLER, "LAGSWeightedSampler", {"epsilon": 0.0}, "epsilon", "smaller than min of 0.0001"),
    ("10", "LAGSColourReward", {"colour": "#f00", "palette": "", "strength": 1e9}, "strength",
     "strength must be a finite number from 0 to 1000; got 1000000000.0"),
    ("10", "LAGSFrequencyReward", {"f_lo": 0.25, "f_hi": 0.9, "mode": "favour", "strength": 1.0}, "f_hi",
     "bigger than max of 0.707"),
])
def test_out_of_range_values_are_refused_with_a_message_naming_the_input(host, node_id, class_type, inputs, name,
                                                                         words):
    result = run_with(host, node_id, class_type, inputs)
    assert not result.success
    errors = validation_errors(result)
    assert any(node == node_id and input_name == name and words in message for node, input_name, message in errors), errors


def test_in_range_values_run(host):
    result = run_with(host, "50", "LAGSScheduleHardGate", {"mode": "sigma", "mode.sigma_max": 0.5})
    assert result.success, result.error_message


#: Words the node search (name and display name in ComfyUI 0.8's frontend) must find.
SEARCH = {
    "reward guidance": ["LAGSWeightedSampler", "LAGSGuidance"],
    "colour": ["LAGSColourReward"],
    "preference": ["LAGSPickScoreReward", "LAGSHPSReward"],
    "fairness": ["LAGSClassifierFairnessReward"],
}


@pytest.mark.parametrize("words", sorted(SEARCH))
def test_display_names_carry_the_search_words(host, words):
    for node_id in SEARCH[words]:
        if node_id not in host.nodes.NODE_CLASS_MAPPINGS:
            pytest.skip(f"{node_id} is not loaded here (optional dependency)")
        name = host.object_info(node_id)["display_name"].lower()
        assert all(word in name for word in words.split()), (node_id, name)


#: Formula markers that have no place in a tooltip or description.
FORMULA = re.compile(r"\^|sum_|cos\(|p\(y|log w\s*=|=\s*1\s*/|\bx0\b|sigma\^|\bq\(x\)")
PLAIN_NODES = ["LAGSWeightedSampler", "LAGSGuidance", "LAGSScheduleStart", "LAGSScheduleAlpha", "LAGSScheduleHardGate",
               "LAGSScheduleConstant", "LAGSColourReward", "LAGSFrequencyReward", "LAGSRewardCombine",
               "LAGSPickScoreReward", "LAGSHPSReward", "LAGSAestheticReward", "LAGSClassifierFairnessReward"]


def _tooltips(spec):
    for section in ("required", "optional"):
        for name, entry in spec["input"].get(section, {}).items():
            options = entry[1] if len(entry) > 1 else {}
            yield name, options.get("tooltip", "")
            for option in options.get("options", []) if isinstance(options.get("options"), list) else []:
                if isinstance(option, dict):  # DynamicCombo: each mode's own inputs
                    yield from _tooltips({"input": option["inputs"]})


@pytest.mark.parametrize("node_id", PLAIN_NODES)
def test_descriptions_and_tooltips_are_words_not_formulas(host, node_id):
    if node_id not in host.nodes.NODE_CLASS_MAPPINGS:
        pytest.skip(f"{node_id} is not loaded here (optional dependency)")
    spec = host.object_info(node_id)
    assert not FORMULA.search(spec["description"]), spec["description"]
    for name, tooltip in _tooltips(spec):
        if name == "probe_threshold":  # another change's input
            continue
        assert tooltip and not FORMULA.search(tooltip), (name, tooltip)


def test_method_and_epsilon_are_advanced_and_show_their_decimals(host):
    spec = host.object_info("LAGSWeightedSampler")["input"]["required"]
    assert spec["method"][1]["advanced"] is True and spec["epsilon"][1]["advanced"] is True
    assert not spec["decode_scale"][1].get("advanced")
    # The frontend rounds a float to its `round`: it must resolve the minimum (0.0001), or a value at the
    # minimum would be stored as 0.0001 and shown as 0.00.
    assert spec["epsilon"][1]["round"] <= spec["epsilon"][1]["min"]


def test_every_float_widget_rounds_finely_enough_for_its_range(host):
    """min, max and default are multiples of the widget's rounding (else the frontend shows and
    stores something else than the value)."""
    for node_id in PLAIN_NODES:
        if node_id not in host.nodes.NODE_CLASS_MAPPINGS:
            continue
        spec = host.object_info(node_id)["input"]
        entries = [(n, e) for s in ("required", "optional") for n, e in spec.get(s, {}).items()]
        for option in spec.get("required", {}).get("mode", [None, {}])[1].get("options", []):
            if isinstance(option, dict):
                entries += list(option["inputs"]["required"].items())
        for name, entry in entries:
            if entry[0] != "FLOAT" or name in ("cfg", "denoise", "probe_threshold"):  # core KSampler's / another change's
                continue
            options = entry[1]
            step = options.get("round") or 10 ** -max(0, -int(f"{options['step']:e}".split("e")[1]))
            for key in ("min", "max", "default"):
                ratio = options[key] / step
                assert abs(ratio - round(ratio)) < 1e-6, (node_id, name, key, options[key], step)


def test_trace_reports_how_much_guidance_moved_the_denoised_image(host):
    def displacements(strength):
        prompt = prompts.sampler_prompt(strength=strength, steps=5, capture_image=False)
        result = host.run(prompt)
        assert result.success, result.error_message
        return [t["displacement"] for t in result.traces(SAMPLER)], [t["guided"] for t in result.traces(SAMPLER)]

    small, guided = displacements(STRENGTH)
    double, _ = displacements(2 * STRENGTH)
    assert any(guided) and not all(guided)
    assert all((d is None) == (not g) for d, g in zip(small, guided)), (small, guided)
    first = guided.index(True)
    # The first guided step starts from the same x: twice the strength moves D twice as far.
    assert double[first] == pytest.approx(2 * small[first], rel=1e-3)
    assert 0 < small[first] < 10


def test_reward_file_check_names_folders_and_where_to_get_files(host, tmp_path):
    route = host.pack("nodes.reward_files_route")
    problems = route.reward_file_problems([
        {"id": "3", "type": "LAGSPickScoreReward", "values": {"model": "PickScore_v1"}},
        {"id": "4", "type": "LAGSAestheticReward", "values": {"clip_checkpoint": "", "head": "nope.pth"}},
        {"id": "5", "type": "LAGSColourReward", "values": {"colour": "#f00"}},
        "junk", {"id": "6"},
    ])
    assert sorted(problems) == ["3", "4"]
    pick = problems["3"][0]
    assert pick["input"] == "model"
    assert "'PickScore_v1' was not found" in pick["message"] and "Folders searched:" in pick["message"]
    assert "models" in pick["message"] and "https://huggingface.co/yuvalkirstain/PickScore_v1" in pick["message"]
    inputs = {p["input"]: p["message"] for p in problems["4"]}
    assert "none is installed" in inputs["clip_checkpoint"] and "timm/vit_large_patch14_clip_224.openai" in inputs["clip_checkpoint"]
    assert "improved-aesthetic-predictor" in inputs["head"]
    assert route.reward_file_problems("not a list") == {}
