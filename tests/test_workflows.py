"""Published UI workflows: node types, links, slots and widget values against the spec snapshot."""
import copy
import json
from pathlib import Path

import pytest

from published import published_workflows, template
from workflow_check import workflow_problems
from workflow_convert import UnsupportedWorkflow, ui_to_api
from workflow_spec import CONTROL, load_specs, sockets, widget_order

WORKFLOWS = published_workflows()
EXPECTED = {"sdxl_colour_reward", "sdxl_frequency_reward", "ab_plain_vs_lags"}
SPECS = load_specs()


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_key(key: str) -> dict:
    return load(template(key).path)


def node_of(workflow, kind):
    return next(n for n in workflow["nodes"] if n["type"] == kind)


def widgets(node, specs=SPECS):
    return dict(zip(widget_order(specs[node["type"]]), node["widgets_values"]))


def test_the_three_workflows_ship():
    assert {template(key).path for key in EXPECTED} <= set(WORKFLOWS)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_workflow_matches_node_specs(path):
    assert workflow_problems(load(path), SPECS) == []


def test_snapshot_widget_order_is_derived_from_its_inputs():
    for name, spec in SPECS.items():
        assert spec["widgets"] == widget_order(spec), name
    # The frontend's legacy rule: INT seeds get a control value; KSampler's is explicit too.
    assert widget_order(SPECS["KSampler"])[:2] == ["seed", CONTROL]
    assert [e["name"] for e in sockets(SPECS["CLIPTextEncode"])] == ["clip"]


@pytest.mark.parametrize("key, reward", [("sdxl_colour_reward", "LAGSColourReward"),
                                         ("sdxl_frequency_reward", "LAGSFrequencyReward")])
def test_reward_workflows_have_the_promised_graph(key, reward):
    workflow = load_key(key)
    types = sorted(n["type"] for n in workflow["nodes"] if n["type"] != "MarkdownNote")
    assert types == sorted(["CheckpointLoaderSimple", "CLIPTextEncode", "CLIPTextEncode", "EmptyLatentImage",
                            reward, "LAGSScheduleAlpha", "LAGSWeightedSampler", "VAEDecode", "SaveImage"])
    assert widgets(node_of(workflow, "CheckpointLoaderSimple"))["ckpt_name"] == "sd_xl_base_1.0.safetensors"
    latent = widgets(node_of(workflow, "EmptyLatentImage"))
    assert (latent["width"], latent["height"]) == (1024, 1024)
    prompt = ui_to_api(workflow, SPECS)
    sampler = next(n for n in prompt.values() if n["class_type"] == "LAGSWeightedSampler")
    for name_, source in (("reward", reward), ("schedule", "LAGSScheduleAlpha"), ("vae", "CheckpointLoaderSimple")):
        assert prompt[sampler["inputs"][name_][0]]["class_type"] == source


@pytest.mark.parametrize("key, checkpoint, cfg", [("flux_dev_colour_reward", "flux1-dev-fp8.safetensors", 1.0),
                                                  ("sd35_colour_reward", "sd3.5_large_fp8_scaled.safetensors", 4.5)])
def test_flow_model_workflows(key, checkpoint, cfg):
    workflow = load_key(key)
    assert widgets(node_of(workflow, "CheckpointLoaderSimple"))["ckpt_name"] == checkpoint
    prompt = ui_to_api(workflow, SPECS)
    sampler = next(n for n in prompt.values() if n["class_type"] == "LAGSWeightedSampler")
    assert sampler["inputs"]["cfg"] == cfg
    assert prompt[sampler["inputs"]["latent_image"][0]]["class_type"] == "EmptySD3LatentImage"  # 16 channels
    positive = prompt[sampler["inputs"]["positive"][0]]["class_type"]
    assert positive == ("FluxGuidance" if "flux" in key else "CLIPTextEncode")  # Flux dev: guidance-distilled


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_notes_say_what_is_needed_once(path):
    notes = [n["widgets_values"][0] for n in load(path)["nodes"] if n["type"] == "MarkdownNote"]
    if notes:
        assert sum(note.count("**Needs:**") for note in notes) == 1
        assert "roughly" not in " ".join(notes)  # measured figures, not guesses


def test_ab_workflow_feeds_one_seed_steps_and_cfg_to_both_samplers():
    prompt = ui_to_api(load_key("ab_plain_vs_lags"), SPECS)
    plain = next(n for n in prompt.values() if n["class_type"] == "KSampler")
    lags = next(n for n in prompt.values() if n["class_type"] == "LAGSWeightedSampler")
    for name in ("seed", "steps", "cfg", "model", "positive", "negative", "latent_image"):
        assert plain["inputs"][name] == lags["inputs"][name], name
        assert isinstance(plain["inputs"][name], list), f"{name} should be linked, not a widget copy"
    for name in ("sampler_name", "scheduler", "denoise"):
        assert plain["inputs"][name] == lags["inputs"][name], name
    saves = [n for n in prompt.values() if n["class_type"] == "SaveImage"]
    assert len(saves) == 2 and len({s["inputs"]["filename_prefix"] for s in saves}) == 2


# --- the converter ----------------------------------------------------------------

@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_converted_prompt_gives_every_input_once(path):
    workflow = load(path)
    prompt = ui_to_api(workflow, SPECS)
    assert set(prompt) == {str(n["id"]) for n in workflow["nodes"] if n["type"] != "MarkdownNote"}
    for node_id, node in prompt.items():
        spec = SPECS[node["class_type"]]
        required = {e["name"] for e in spec["inputs"] if e["section"] == "required"}
        known = {e["name"] for e in spec["inputs"]}
        assert required <= set(node["inputs"]) <= known, node_id
        for value in node["inputs"].values():
            if isinstance(value, list):
                assert value[0] in prompt and isinstance(value[1], int)


def test_converter_refuses_what_it_cannot_translate():
    workflow = load_key("sdxl_colour_reward")
    bypassed = copy.deepcopy(workflow)
    node_of(bypassed, "LAGSScheduleAlpha")["mode"] = 4
    with pytest.raises(UnsupportedWorkflow):
        ui_to_api(bypassed, SPECS)


# --- the checker can fail ---------------------------------------------------------

def _swap_two_widgets(w):
    values = node_of(w, "LAGSWeightedSampler")["widgets_values"]
    values[2], values[3] = values[3], values[2]  # steps <-> cfg: 7.0 is not an integer


def _drop_control_value(w):
    node_of(w, "LAGSWeightedSampler")["widgets_values"].pop(1)


def _wrong_link_type(w):
    link = next(link for link in w["links"] if link[5] == "LAGS_REWARD")
    link[5] = "LAGS_SCHEDULE"


def _dangling_link(w):
    w["links"][0][3] = 999


def _input_slot_mismatch(w):
    sampler = node_of(w, "LAGSWeightedSampler")
    sampler["inputs"][1], sampler["inputs"][2] = sampler["inputs"][2], sampler["inputs"][1]


def _value_out_of_range(w):
    node_of(w, "EmptyLatentImage")["widgets_values"][0] = 8


def _bad_combo_choice(w):
    values = node_of(w, "LAGSWeightedSampler")["widgets_values"]
    values[widget_order(SPECS["LAGSWeightedSampler"]).index("sampler_name")] = "euler_fancy"


def _unknown_node(w):
    node_of(w, "LAGSScheduleAlpha")["type"] = "LAGSScheduleAlphaOld"


def _duplicate_node_id(w):
    w["nodes"][1]["id"] = w["nodes"][0]["id"]


def _required_input_unlinked(w):
    sampler = node_of(w, "LAGSWeightedSampler")
    link_id = next(i["link"] for i in sampler["inputs"] if i["name"] == "reward")
    w["links"] = [link for link in w["links"] if link[0] != link_id]
    next(i for i in sampler["inputs"] if i["name"] == "reward")["link"] = None
    for node in w["nodes"]:
        for out in node["outputs"]:
            out["links"] = [i for i in out["links"] if i != link_id]


def _no_output_node(w):
    w["nodes"] = [n for n in w["nodes"] if n["type"] != "SaveImage"]
    w["links"] = [link for link in w["links"] if link[3] in {n["id"] for n in w["nodes"]}]
    for node in w["nodes"]:
        for out in node["outputs"]:
            out["links"] = [i for i in out["links"] if i in {link[0] for link in w["links"]}]


def _cycle(w):
    decode, sampler = node_of(w, "VAEDecode"), node_of(w, "LAGSWeightedSampler")
    decode["outputs"][0]["links"].append(99)
    slot = next(i for i, s in enumerate(sampler["inputs"]) if s["name"] == "latent_image")
    old = sampler["inputs"][slot]["link"]
    w["links"] = [link for link in w["links"] if link[0] != old] + [[99, decode["id"], 0, sampler["id"], slot, "IMAGE"]]
    sampler["inputs"][slot].update(link=99, type="IMAGE")


BREAKAGES = {
    "swapped widgets": (_swap_two_widgets, "expected an integer"),
    "missing control value": (_drop_control_value, "widgets_values has"),
    "wrong link type": (_wrong_link_type, "types differ"),
    "dangling link": (_dangling_link, "does not exist"),
    "input slots reordered": (_input_slot_mismatch, "input slot 1"),
    "value out of range": (_value_out_of_range, "below the minimum"),
    "bad combo choice": (_bad_combo_choice, "'euler_fancy' is not one of"),
    "unknown node type": (_unknown_node, "unknown node type"),
    "duplicate node id": (_duplicate_node_id, "used 2 times"),
    "required input unlinked": (_required_input_unlinked, "required input 'reward' is not connected"),
    "no output node": (_no_output_node, "no output node"),
    "cycle": (_cycle, "cycle"),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_copy_fails(breakage):
    mutate, expected = BREAKAGES[breakage]
    workflow = copy.deepcopy(load_key("sdxl_colour_reward"))
    mutate(workflow)
    problems = workflow_problems(workflow, SPECS)
    assert any(expected in p for p in problems), problems


# --- against the frontend's own files ----------------------------------------------

def _core_template(name):
    templates = pytest.importorskip("comfyui_workflow_templates_media_image", reason="workflow templates not installed")
    path = Path(templates.__file__).parent / "templates" / name
    if not path.exists():
        pytest.skip(f"{name} not in this templates version")
    return load(path)


def test_checker_and_converter_agree_with_a_frontend_saved_template():
    """default.json was saved by the real frontend: positional widgets incl. the seed control."""
    workflow = _core_template("default.json")
    assert workflow_problems(workflow, SPECS) == []
    prompt = ui_to_api(workflow, SPECS)
    sampler = next(n for n in prompt.values() if n["class_type"] == "KSampler")
    expected = node_of(workflow, "KSampler")["widgets_values"]
    assert expected[1] in ("randomize", "fixed", "increment", "decrement")
    assert [sampler["inputs"][k] for k in ("seed", "steps", "cfg", "sampler_name", "scheduler", "denoise")] == [
        expected[0], *expected[2:]]
    assert isinstance(sampler["inputs"]["model"], list)
