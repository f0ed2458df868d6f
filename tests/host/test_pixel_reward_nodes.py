"""LAGSColourReward / LAGSFrequencyReward as ComfyUI loads them: schema and behaviour."""
import pytest
import torch

import harness

pytestmark = pytest.mark.skipif(not harness.COMFYUI_PATH, reason=harness.SKIP_REASON)

NODE_TYPES = ("LAGSColourReward", "LAGSFrequencyReward")


@pytest.fixture(scope="module")
def host():
    return harness.boot()


@pytest.mark.parametrize("node_type", NODE_TYPES)
def test_schema_is_documented_and_filed_under_rewards(host, node_type):
    info = host.nodes.NODE_CLASS_MAPPINGS[node_type].GET_NODE_INFO_V1()
    assert info["category"] == "sampling/lags/rewards"
    assert info["description"].strip()
    assert info["output"] == ["LAGS_REWARD"]
    for section in ("required", "optional"):
        for name, spec in info["input"].get(section, {}).items():
            assert spec[1].get("tooltip", "").strip(), f"{node_type}.{name} has no tooltip"


def _reward_from(host, node_type, **inputs):
    prompt = {"1": {"class_type": node_type, "inputs": inputs},
              "2": {"class_type": "LAGSTest_Capture", "inputs": {"value": ["1", 0], "label": "reward"}}}
    return host.run(prompt)


def test_colour_node_builds_a_working_reward(host):
    result = _reward_from(host, "LAGSColourReward", colour="#e03c28", palette="", strength=10.0)
    assert result.success, result.error_message
    reward = result.captures["reward"]
    red = torch.tensor([0.88, 0.24, 0.16]).expand(1, 8, 8, 3)
    blue = torch.tensor([0.1, 0.2, 0.9]).expand(1, 8, 8, 3)
    assert reward.space == "pixel" and reward.log_w(red) > reward.log_w(blue)


def test_palette_overrides_the_single_colour(host):
    result = _reward_from(host, "LAGSColourReward", colour="#e03c28", palette="#0000ff, #00ff00", strength=1.0)
    assert result.success, result.error_message
    assert result.captures["reward"].mode == "palette"


def test_frequency_node_builds_a_working_reward(host):
    result = _reward_from(host, "LAGSFrequencyReward", f_lo=0.25, f_hi=0.5, mode="suppress", strength=5.0)
    assert result.success, result.error_message
    reward = result.captures["reward"]
    gen = torch.Generator().manual_seed(0)
    noisy, flat = torch.rand(1, 32, 32, 3, generator=gen), torch.full((1, 32, 32, 3), 0.5)
    assert reward.log_w(flat) > reward.log_w(noisy)


@pytest.mark.parametrize("node_type, inputs, message", [
    ("LAGSColourReward", {"colour": "reddish", "palette": "", "strength": 1.0}, "colour"),
    ("LAGSColourReward", {"colour": "#e03c28", "palette": "#00ff00, nope", "strength": 1.0}, "palette"),
])
def test_bad_text_is_reported_with_the_widget_name(host, node_type, inputs, message):
    result = _reward_from(host, node_type, **inputs)
    assert not result.success
    assert message in result.error_message


@pytest.mark.parametrize("node_type, inputs", [
    ("LAGSColourReward", {"colour": "#e03c28", "palette": ""}),
    ("LAGSFrequencyReward", {"f_lo": 0.25, "f_hi": 0.5, "mode": "suppress"}),
])
@pytest.mark.parametrize("strength", [float("nan"), float("inf"), -1.0, 1e6])
def test_bad_strength_fails_validation_naming_it(host, node_type, inputs, strength):
    result = _reward_from(host, node_type, **inputs, strength=strength)
    assert not result.success and result.validation_error is not None
    assert "strength" in result.error_message and "finite number from 0" in result.error_message


def test_default_strength_is_per_latent_pixel_and_documented(host):
    for node_type in NODE_TYPES:
        spec = host.nodes.NODE_CLASS_MAPPINGS[node_type].GET_NODE_INFO_V1()["input"]["required"]["strength"][1]
        assert "same visible change at any image size" in spec["tooltip"]
        assert 0 < spec["default"] < spec["max"] <= 1000


def test_frequency_band_above_the_forced_decode_scale_is_refused_before_sampling(host):
    import prompts

    prompt = prompts.sampler_prompt(steps=3, lags={"decode_scale": "0.5"})
    prompt["10"] = {"class_type": "LAGSFrequencyReward",
                    "inputs": {"f_lo": 0.25, "f_hi": 0.5, "mode": "suppress", "strength": 1.0}}
    result = host.run(prompt)
    assert not result.success and result.error["node_id"] == "20"
    assert "decode_scale" in result.error_message and "0.25-0.5" in result.error_message
    assert not result.traces("20")  # nothing was sampled
    prompt["20"]["inputs"]["decode_scale"] = "auto"  # full size, the only scale a band share allows: runs
    assert host.run(prompt).success
