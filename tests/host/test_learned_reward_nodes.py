"""Learned reward nodes in a real ComfyUI: loading, the models/rewards folder (and
extra_model_paths.yaml), validation errors, and PickScore / fairness guidance through the
LAGS Weighted Sampler with tiny models saved in the real on-disk layouts."""
import math
import os
import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1]))  # tests/: tiny reward models, stand-in

from torchvision_stand_in import ensure_torchvision  # noqa: E402

ensure_torchvision()  # before the harness boots ComfyUI (and transformers): keeps transformers on PIL

import harness  # noqa: E402
import prompts  # noqa: E402

pytestmark = pytest.mark.skipif(not harness.COMFYUI_PATH, reason=harness.SKIP_REASON)
pytest.importorskip("transformers")
pytest.importorskip("open_clip")

LEARNED = ("LAGSPickScoreReward", "LAGSHPSReward", "LAGSAestheticReward", "LAGSClassifierFairnessReward",
           "LAGSRewardEvaluate")
CLIP_FILE = "tiny-open-clip/open_clip_model.safetensors"


@pytest.fixture(scope="module")
def rewards_dir(host, tmp_path_factory):
    """Tiny models in a folder added the way users add one: an extra_model_paths.yaml entry."""
    from learned_reward_models import (make_pickscore_folder, save_aesthetic_head, save_fake_unet,
                                       save_open_clip_repo)
    import utils.extra_config

    base = tmp_path_factory.mktemp("user_models")
    root = base / "reward_models"
    make_pickscore_folder(str(root / "PickScore_v1"))
    save_open_clip_repo(str(root / "tiny-open-clip"))
    save_aesthetic_head(str(root / "aesthetic_head.safetensors"), in_features=16)
    save_fake_unet(str(root / "not_a_reward.safetensors"))
    yaml_path = base / "extra_model_paths.yaml"
    yaml_path.write_text(f"lags_test:\n  base_path: {base}\n  rewards: reward_models/\n", encoding="utf-8")
    utils.extra_config.load_extra_path_config(str(yaml_path))
    return str(root)


def _pickscore(strength=200.0, model="PickScore_v1"):
    return {"class_type": "LAGSPickScoreReward",
            "inputs": {"model": model, "prompt": "a red apple", "strength": strength, "precision": "auto"}}


def _evaluate(images, reward=("10", 0)):
    return {"class_type": "LAGSRewardEvaluate", "inputs": {"reward": list(reward), "images": list(images)}}


def test_nodes_load_with_tooltips_and_descriptions(host):
    for node_id in LEARNED:
        assert node_id in host.nodes.NODE_CLASS_MAPPINGS, node_id
        info = host.object_info(node_id)
        assert info["category"] == "sampling/lags/rewards" and info["description"].strip()
        for section in ("required", "optional"):
            for name, spec in info["input"].get(section, {}).items():
                assert spec[1].get("tooltip"), f"{node_id}.{name} has no tooltip"


def test_rewards_folder_is_registered_and_yaml_paths_are_listed(host, rewards_dir):
    import folder_paths

    paths = folder_paths.get_folder_paths("rewards")
    assert paths[0] == os.path.join(folder_paths.models_dir, "rewards") and rewards_dir in paths
    dropdown = host.object_info("LAGSPickScoreReward")["input"]["required"]["model"]
    options = dropdown[1]["options"] if dropdown[0] == "COMBO" else dropdown[0]
    assert "PickScore_v1" in options
    files = host.object_info("LAGSHPSReward")["input"]["required"]["checkpoint"]
    files = files[1]["options"] if files[0] == "COMBO" else files[0]
    assert CLIP_FILE in files and "PickScore_v1/model.safetensors" not in files


def test_missing_model_is_refused_with_folders_and_layout(host, rewards_dir):
    prompt = prompts.base_graph()
    prompt["10"] = _pickscore(model="PickScore_v9")
    prompt["40"] = {"class_type": "LAGSTest_Capture", "inputs": {"value": ["10", 0], "label": "reward"}}
    result = host.run(prompt)
    assert not result.success
    text = result.error_message
    assert "'PickScore_v9' was not found" in text and rewards_dir in text and "config.json" in text


def test_wrong_kind_of_file_is_named(host, rewards_dir):
    prompt = {"10": {"class_type": "LAGSHPSReward",
                     "inputs": {"checkpoint": "not_a_reward.safetensors", "architecture": "ViT-H-14",
                                "prompt": "a red apple", "strength": 1.0, "precision": "auto"}},
              "40": {"class_type": "LAGSTest_Capture", "inputs": {"value": ["10", 0], "label": "reward"}}}
    result = host.run(prompt)
    assert not result.success and "looks like a diffusion model" in result.error_message


def test_pickscore_guides_the_weighted_sampler_and_evaluates(host, rewards_dir):
    prompt = prompts.sampler_prompt(steps=4)
    prompt["10"] = _pickscore()
    prompt["40"] = _evaluate(("30", 0))
    prompt["92"] = {"class_type": "LAGSTest_Capture", "inputs": {"value": ["40", 0], "label": "scores"}}
    result = host.run(prompt)
    assert result.success, result.error_message
    guided = [t for t in result.traces("20") if t["guided"]]
    assert guided and all(math.isfinite(t["log_w"]) and t["grad_norm"] > 0 for t in guided)
    assert math.isfinite(result.captures["scores"])  # a FLOAT list output: one value per image
    table = result.outputs["40"]["text"][0]
    assert "PickScore" in table and "log w" in table


def test_reward_model_is_held_by_comfy_model_management(host, rewards_dir):
    import comfy.model_management as mm
    import torch

    node = host.nodes.NODE_CLASS_MAPPINGS["LAGSPickScoreReward"]
    reward = node.execute(model="PickScore_v1", prompt="a red apple", strength=1.0, precision="auto").args[0]
    reward.prepare(mm.get_torch_device(), torch.float32)

    def managed():
        return [m for m in mm.current_loaded_models if type(getattr(m.model, "model", None)).__name__ == "_Managed"]

    assert len(managed()) == 1 and managed()[0].model.model.inner is reward.backbone.module
    mm.unload_all_models()  # what "Unload models" / POST /free does
    assert managed() == []
    images = torch.rand(1, 64, 64, 3)
    assert torch.isfinite(reward.log_w(images)).all()  # loaded again on use
    assert len(managed()) == 1
    del reward, node
    import gc

    gc.collect()
    mm.cleanup_models()
    assert managed() == []  # released once no reward holds it


def test_pickscore_combines_with_a_pixel_reward(host, rewards_dir):
    prompt = prompts.sampler_prompt(steps=3, lags={"reward": ("12", 0)})
    prompt["10"] = _pickscore()
    prompt["11"] = {"class_type": "LAGSColourReward", "inputs": {"colour": "#ff0000", "palette": "", "strength": 10.0}}
    prompt["12"] = {"class_type": "LAGSRewardCombine",
                    "inputs": {"reward_1": ["10", 0], "strength_1": 1.0, "reward_2": ["11", 0], "strength_2": 1.0,
                               "strength_3": 1.0, "strength_4": 1.0}}
    prompt["40"] = _evaluate(("30", 0), reward=("12", 0))
    result = host.run(prompt)
    assert result.success, result.error_message
    table = result.outputs["40"]["text"][0]
    assert "PickScore" in table and "colour" in table


def test_fairness_with_calibration_batch_reports_class_frequencies(host, rewards_dir):
    prompt = prompts.sampler_prompt(batch=2, steps=3, lags={"reward": ("15", 0)})
    # Calibration: the same tiny model sampled without guidance, decoded.
    prompt["50"] = {"class_type": "KSampler", "inputs": prompts.ksampler_inputs(seed=3, steps=3)}
    prompt["51"] = {"class_type": "VAEDecode", "inputs": {"samples": ["50", 0], "vae": ["1", 2]}}
    prompt["15"] = {"class_type": "LAGSClassifierFairnessReward",
                    "inputs": {"checkpoint": CLIP_FILE, "architecture": "auto",
                               "class_prompts": "a photo of a man\na photo of a woman", "mode": "balance",
                               "target_proportions": "", "base_proportions": "", "steer_class": "0",
                               "strength": 1.0, "precision": "auto", "calibration_images": ["51", 0]}}
    prompt["40"] = _evaluate(("30", 0), reward=("15", 0))
    prompt["93"] = {"class_type": "LAGSTest_Capture", "inputs": {"value": ["15", 1], "label": "summary"}}
    result = host.run(prompt)
    assert result.success, result.error_message
    assert "estimated from 2 calibration image(s)" in result.captures["summary"]
    table = result.outputs["40"]["text"][0]
    assert "Class frequencies on 2 image(s)" in table and "a photo of a woman" in table
    assert [t for t in result.traces("20") if t["guided"]]
