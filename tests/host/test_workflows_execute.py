"""Every published workflow, converted to API format, runs in a real ComfyUI (tiny models).

The checkpoint loader and text encoders are swapped for the harness's tiny SDXL (SD3, Flux)
stand-ins, the latent is shrunk to 64x64 pixels and steps to 3; everything else
(LAGS nodes, schedule, VAEDecode, SaveImage, shared primitives) runs as shipped.
"""
import copy
import json
import math
import sys
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1]))  # tests/: the workflow helpers

import harness  # noqa: E402
from tiny_reward_models import provide_reward_files  # noqa: E402
from published import published_workflows, template  # noqa: E402
from workflow_convert import ui_to_api  # noqa: E402
from workflow_spec import load_specs  # noqa: E402

pytestmark = pytest.mark.skipif(not harness.COMFYUI_PATH, reason=harness.SKIP_REASON)

WORKFLOWS = published_workflows()
TINY_PIXELS, TINY_STEPS = 64, 3


def shrink(prompt: dict) -> dict:
    """Small latent and few steps, wherever the value lives (widget or shared primitive)."""
    prompt = copy.deepcopy(prompt)
    for node in prompt.values():
        inputs = node["inputs"]
        if node["class_type"] in ("EmptyLatentImage", "EmptySD3LatentImage"):
            inputs.update(width=TINY_PIXELS, height=TINY_PIXELS)
        if "steps" in inputs:
            if isinstance(inputs["steps"], list):
                prompt[inputs["steps"][0]]["inputs"]["value"] = TINY_STEPS
            else:
                inputs["steps"] = TINY_STEPS
    return prompt


def tiny_kind(workflow: dict) -> str:
    """The tiny stand-in architecture for a workflow's checkpoint (named by its file)."""
    name = next(n["widgets_values"][0] for n in workflow["nodes"] if n["type"] == "CheckpointLoaderSimple")
    return "flux" if name.startswith("flux") else "sd3" if name.startswith("sd3") else "sdxl"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_shipped_workflow_executes(path):
    workflow = json.loads(path.read_text(encoding="utf-8"))
    harness.boot()  # before the reward files: they go into ComfyUI's model folders
    prompt = provide_reward_files(shrink(ui_to_api(workflow, load_specs())))  # tiny reward models, if any
    result = harness.run_api_prompt(prompt, kind=tiny_kind(workflow))
    assert result.success, result.error_message
    saves = [node_id for node_id, node in prompt.items() if node["class_type"] == "SaveImage"]
    assert saves and all(result.outputs.get(node_id, {}).get("images") for node_id in saves), result.outputs
    # The reward really guided the LAGS sampler (the schedule leaves the noisiest steps alone).
    for node_id, node in prompt.items():
        if node["class_type"] == "LAGSWeightedSampler":
            guided = [t for t in result.traces(node_id) if t["guided"]]
            assert guided and all(math.isfinite(t["log_w"]) and t["grad_norm"] > 0 for t in guided), result.traces(node_id)


def test_a_broken_prompt_is_reported_not_passed():
    """The harness must be able to fail: a reward with an impossible band is refused."""
    workflow = json.loads(template("sdxl_frequency_reward").path.read_text(encoding="utf-8"))
    prompt = shrink(ui_to_api(workflow, load_specs()))
    reward = next(n for n in prompt.values() if n["class_type"] == "LAGSFrequencyReward")
    reward["inputs"].update(f_lo=0.4, f_hi=0.3)
    result = harness.run_api_prompt(prompt, kind=tiny_kind(workflow))
    assert not result.success
    assert "f_lo must be below f_hi" in result.error_message
