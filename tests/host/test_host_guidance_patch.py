"""LAGS Guidance (MODEL patch) with core KSamplerAdvanced / SamplerCustomAdvanced, and
every sampler and scheduler ComfyUI offers."""
import torch

import prompts

STRENGTH = prompts.TINY_STRENGTH


def guidance_node(**lags):
    return {"class_type": "LAGSGuidance", "inputs": {"model": ["1", 0], **prompts.lags_inputs(**lags)}}


def weighted_sampler_latent(host, steps=5):
    result = host.run(prompts.sampler_prompt(strength=STRENGTH, steps=steps, capture_image=False))
    assert result.success, result.error_message
    return result.captures["latent"]["samples"]


def test_guidance_patch_with_ksampler_advanced_equals_weighted_sampler(host):
    prompt = prompts.sampler_prompt(guided=False, strength=STRENGTH, steps=5, capture_image=False)
    prompt["15"] = guidance_node()
    inputs = prompt["20"]["inputs"]
    prompt["20"] = {"class_type": "KSamplerAdvanced", "inputs": {
        "model": ["15", 0], "add_noise": "enable", "noise_seed": inputs["seed"], "steps": 5, "cfg": inputs["cfg"],
        "sampler_name": inputs["sampler_name"], "scheduler": inputs["scheduler"], "positive": ["2", 0],
        "negative": ["3", 0], "latent_image": ["4", 0], "start_at_step": 0, "end_at_step": 10000,
        "return_with_leftover_noise": "disable"}}
    result = host.run(prompt)
    assert result.success, result.error_message
    assert torch.allclose(result.captures["latent"]["samples"], weighted_sampler_latent(host), atol=1e-5)
    assert [t["step"] for t in result.traces("15")] == [1, 2, 3, 4, 5]  # traced under the patch node's id


def test_guidance_patch_with_sampler_custom_advanced(host):
    prompt = prompts.sampler_prompt(guided=False, strength=STRENGTH, steps=5, capture_image=False)
    inputs = prompt["20"]["inputs"]
    prompt["15"] = guidance_node()
    prompt.update({
        "16": {"class_type": "CFGGuider", "inputs": {"model": ["15", 0], "positive": ["2", 0], "negative": ["3", 0],
                                                     "cfg": inputs["cfg"]}},
        "17": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": inputs["sampler_name"]}},
        "18": {"class_type": "BasicScheduler", "inputs": {"model": ["1", 0], "scheduler": inputs["scheduler"],
                                                          "steps": 5, "denoise": 1.0}},
        "19": {"class_type": "RandomNoise", "inputs": {"noise_seed": inputs["seed"]}},
        "20": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["19", 0], "guider": ["16", 0],
                                                                 "sampler": ["17", 0], "sigmas": ["18", 0],
                                                                 "latent_image": ["4", 0]}},
    })
    result = host.run(prompt)
    assert result.success, result.error_message
    assert torch.allclose(result.captures["latent"]["samples"], weighted_sampler_latent(host), atol=1e-5)


def test_patch_leaves_the_input_model_alone(host):
    import fixture_nodes

    prompt = prompts.sampler_prompt(guided=False, strength=STRENGTH, steps=2, capture_image=False)
    prompt["15"] = guidance_node()
    prompt["91"] = {"class_type": "LAGSTest_Capture", "inputs": {"value": ["15", 0], "label": "patched"}}
    prompt["92"] = {"class_type": "LAGSTest_Capture", "inputs": {"value": ["1", 0], "label": "original"}}
    result = host.run(prompt)
    assert result.success, result.error_message
    original, patched = result.captures["original"], result.captures["patched"]
    assert patched is not original and patched.model is original.model
    assert not original.model_options.get("sampler_post_cfg_function")
    assert len(patched.model_options["sampler_post_cfg_function"]) == 1
    assert not patched.model_options.get("disable_cfg1_optimization")  # cfg 1 evaluates no uncond
    assert {k for k, v in patched.wrappers.items() if "lags" in v} == {"outer_sample", "predict_noise", "sampler_sample"}
    assert not any("lags" in v for v in original.wrappers.values())
    assert fixture_nodes.CAPTURES is not None


def _all(kind):
    import comfy.samplers

    return list(getattr(comfy.samplers.KSampler, kind))


def test_every_sampler_runs_guided(host):
    failures = []
    for name in _all("SAMPLERS"):
        result = host.run(prompts.sampler_prompt(strength=STRENGTH, steps=3, sampler_name=name, capture_image=False))
        ok = result.success and torch.isfinite(result.captures["latent"]["samples"]).all()
        if not ok or not any(t["guided"] for t in result.traces("20")):
            failures.append((name, result.error_message[:200]))
    assert not failures


def test_every_scheduler_runs_guided(host):
    failures = []
    for name in _all("SCHEDULERS"):
        result = host.run(prompts.sampler_prompt(strength=STRENGTH, steps=4, scheduler=name, capture_image=False))
        ok = result.success and torch.isfinite(result.captures["latent"]["samples"]).all()
        traces = result.traces("20")
        if not ok or [t["step"] for t in traces] != [1, 2, 3, 4]:
            failures.append((name, result.error_message[:200], [t["step"] for t in traces]))
    assert not failures


def test_a_downstream_clone_shares_the_hook_and_its_run_boundaries(host, monkeypatch):
    """A node that clones the guided model (here RescaleCFG) must not deep-copy the hook: the
    copy would carry the reward and VAE and miss the OUTER_SAMPLE start/finish of each run."""
    post_cfg = host.pack("bridge.post_cfg")
    called, finished = [], []
    real_call, real_finish = post_cfg.LagsPostCfg.__call__, post_cfg.LagsPostCfg.finish_run

    def call(self, args):
        called.append((self, self.run is not None))
        return real_call(self, args)

    def finish(self):
        finished.append(self)
        return real_finish(self)

    monkeypatch.setattr(post_cfg.LagsPostCfg, "__call__", call)
    monkeypatch.setattr(post_cfg.LagsPostCfg, "finish_run", finish)
    prompt = prompts.sampler_prompt(guided=False, strength=STRENGTH, steps=3, capture_image=False)
    prompt["15"] = guidance_node()
    prompt["16"] = {"class_type": "RescaleCFG", "inputs": {"model": ["15", 0], "multiplier": 0.0}}
    prompt["20"]["inputs"]["model"] = ["16", 0]
    result = host.run(prompt)
    assert result.success, result.error_message
    assert called and all(in_run for _, in_run in called)  # every call inside a wrapper-started run
    assert {id(hook) for hook, _ in called} == {id(hook) for hook in finished}


def test_fp8_unet_round_off_floor_comes_from_its_compute_dtype(host):
    """fp8-stored weights: manual-cast dtype when ComfyUI sets one, never float8 itself."""
    unet_compute_dtype = host.pack("bridge.post_cfg").unet_compute_dtype

    class Model:
        def __init__(self, stored, manual_cast):
            self.stored, self.manual_cast_dtype = stored, manual_cast

        def get_dtype(self):
            return self.stored

    assert unet_compute_dtype(Model(torch.float8_e4m3fn, None)) == torch.bfloat16
    assert unet_compute_dtype(Model(torch.float8_e5m2, None)) == torch.bfloat16
    assert unet_compute_dtype(Model(torch.float8_e4m3fn, torch.float16)) == torch.float16
    assert unet_compute_dtype(Model(torch.float16, None)) == torch.float16
