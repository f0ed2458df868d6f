"""ComfyUI loads the pack as a V3 extension and lists every node with its inputs."""
import logging
import sys

import pytest

LAGS_NODES = {
    "LAGSWeightedSampler": ["model", "seed", "steps", "cfg", "sampler_name", "scheduler", "positive", "negative",
                            "latent_image", "denoise", "vae", "reward", "schedule", "method", "epsilon",
                            "decode_scale", "decoder", "probe_threshold", "particles", "particles_compete"],
    "LAGSGuidance": ["model", "vae", "reward", "schedule", "method", "epsilon", "decode_scale", "decoder",
                     "probe_threshold"],
    "LAGSScheduleAlpha": ["c"],
    "LAGSScheduleStart": ["start_percent"],
    "LAGSScheduleHardGate": ["mode"],  # a DynamicCombo: each mode brings its own input (c, sigma_max, fraction)
    "LAGSScheduleConstant": ["alpha"],
    "LAGSRewardCombine": ["reward_1", "strength_1", "reward_2", "strength_2", "reward_3", "strength_3",
                          "reward_4", "strength_4"],
}


def test_pack_loads_as_v3_extension(host):
    pack = host.pack()
    assert hasattr(pack, "comfy_entrypoint") and not hasattr(pack, "NODE_CLASS_MAPPINGS")
    assert pack.WEB_DIRECTORY == "./web"
    assert any(path.endswith("comfyui-lags") for path in host.nodes.LOADED_MODULE_DIRS.values())
    for node_id in LAGS_NODES:
        assert node_id in host.nodes.NODE_CLASS_MAPPINGS, node_id


@pytest.mark.parametrize("node_id", sorted(LAGS_NODES))
def test_node_schema_lists_inputs_with_tooltips(host, node_id):
    cls = host.nodes.NODE_CLASS_MAPPINGS[node_id]
    schema = cls.GET_SCHEMA()
    assert [i.id for i in schema.inputs] == LAGS_NODES[node_id]
    assert schema.description and schema.category.startswith("sampling/lags")
    assert all(i.tooltip for i in schema.inputs), [i.id for i in schema.inputs if not i.tooltip]
    info = host.object_info(node_id)  # what /object_info sends to the frontend
    listed = info["input_order"]["required"] + info["input_order"].get("optional", [])
    assert sorted(listed) == sorted(LAGS_NODES[node_id])


def test_sampler_widgets_match_ksampler(host):
    ours = host.object_info("LAGSWeightedSampler")["input"]["required"]
    core = host.nodes.NODE_CLASS_MAPPINGS["KSampler"].INPUT_TYPES()["required"]
    for name in ("seed", "steps", "cfg", "denoise"):
        for key in ("default", "min", "max"):
            assert ours[name][1].get(key) == core[name][1].get(key), (name, key)
    assert ours["seed"][1]["control_after_generate"] is True
    assert ours["sampler_name"][1]["options"] == list(core["sampler_name"][0])
    assert ours["scheduler"][1]["options"] == list(core["scheduler"][0])
    optional = host.object_info("LAGSWeightedSampler")["input"]["optional"]
    assert set(optional) == {"vae", "schedule", "probe_threshold", "particles", "particles_compete"}
    guidance = host.pack("guidance")
    assert ours["epsilon"][1]["default"] == guidance.DEFAULT_EPSILON and ours["epsilon"][1]["min"] > 0
    assert ours["method"][1]["options"] == ["lags", "tweedie", "dps"] and ours["method"][1]["default"] == "lags"
    assert ours["decoder"][1]["options"] == ["vae", "taesd"]
    assert ours["decode_scale"][1]["options"] == ["auto", "1.0", "0.5", "0.25"]
    assert ours["decode_scale"][1]["default"] == "auto"


def test_broken_node_module_is_skipped_with_warning(host, monkeypatch, caplog):
    extension = host.pack("nodes.extension")
    real_import = extension.importlib.import_module

    def flaky_import(name, package=None):
        if name == ".combine_nodes":
            raise RuntimeError("simulated broken module")
        return real_import(name, package)

    monkeypatch.setattr(extension.importlib, "import_module", flaky_import)
    with caplog.at_level(logging.WARNING):
        nodes = extension.collect_nodes(("sampler_nodes", "combine_nodes", "no_such_module"))
    ids = [n.GET_SCHEMA().node_id for n in nodes]
    assert ids == ["LAGSWeightedSampler"]
    assert "combine_nodes" in caplog.text and "simulated broken module" in caplog.text
    assert "no_such_module" in caplog.text


def test_comfyui_nodes_module_is_not_shadowed(host):
    assert sys.modules["nodes"] is host.nodes and hasattr(host.nodes, "common_ksampler")
