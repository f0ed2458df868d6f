"""TEST-ONLY builders of API-format prompts around the tiny models."""
from __future__ import annotations

#: Strength at which the tiny random models visibly respond. Strength is per latent pixel
#: (the prompts' latents are 8x8): 3000 in the reward's own units, as before that unit.
TINY_STRENGTH = 3000.0 / 64


def base_graph(kind: str = "sdxl", width: int = 64, height: int = 64, batch: int = 1, model_seed: int = 0) -> dict:
    """Nodes 1-4: tiny checkpoint, positive/negative text, empty latent."""
    return {
        "1": {"class_type": "LAGSTest_TinyCheckpoint", "inputs": {"kind": kind, "seed": model_seed}},
        "2": {"class_type": "LAGSTest_TextEncode", "inputs": {"text": "a red apple", "clip": ["1", 1]}},
        "3": {"class_type": "LAGSTest_TextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
        "4": {"class_type": "EmptyLatentImage", "inputs": {"width": width, "height": height, "batch_size": batch}},
    }


def ksampler_inputs(seed=7, steps=4, cfg=4.0, sampler_name="euler", scheduler="karras", denoise=1.0,
                    latent=("4", 0), model=("1", 0)) -> dict:
    return {"model": list(model), "seed": seed, "steps": steps, "cfg": cfg, "sampler_name": sampler_name,
            "scheduler": scheduler, "positive": ["2", 0], "negative": ["3", 0], "latent_image": list(latent),
            "denoise": denoise}


def lags_inputs(reward=("10", 0), vae=("1", 2), schedule=None, method="lags", epsilon=0.1, decode_scale="1.0",
                decoder="vae") -> dict:
    inputs = {"reward": list(reward), "method": method, "epsilon": epsilon, "decode_scale": decode_scale,
              "decoder": decoder}
    if vae is not None:
        inputs["vae"] = list(vae)
    if schedule is not None:
        inputs["schedule"] = list(schedule)
    return inputs


def sampler_prompt(kind="sdxl", batch=1, strength=50.0, guided=True, lags=None, capture_image=True,
                   width=64, height=64, **ksampler) -> dict:
    """Tiny model -> (LAGS Weighted Sampler | KSampler) -> capture latent (and decoded image).

    Node "10" is the test redness reward, "20" the sampler, "30" VAEDecode."""
    prompt = base_graph(kind, width, height, batch)
    prompt["10"] = {"class_type": "LAGSTest_Redness", "inputs": {"strength": strength}}
    if guided:
        prompt["20"] = {"class_type": "LAGSWeightedSampler", "inputs": {**ksampler_inputs(**ksampler), **lags_inputs(**(lags or {}))}}
    else:
        prompt["20"] = {"class_type": "KSampler", "inputs": ksampler_inputs(**ksampler)}
    prompt["90"] = {"class_type": "LAGSTest_Capture", "inputs": {"value": ["20", 0], "label": "latent"}}
    if capture_image:
        prompt["30"] = {"class_type": "VAEDecode", "inputs": {"samples": ["20", 0], "vae": ["1", 2]}}
        prompt["91"] = {"class_type": "LAGSTest_Capture", "inputs": {"value": ["30", 0], "label": "image"}}
    return prompt


#: Core nodes that give the tiny SDXL (EPS) checkpoint another model family, the way users do.
FAMILY_NODES = {
    "eps": None,
    "v_prediction": {"class_type": "ModelSamplingDiscrete", "inputs": {"sampling": "v_prediction", "zsnr": False}},
    "flow": {"class_type": "ModelSamplingSD3", "inputs": {"shift": 3.0}},
}


def family_prompt(family: str = "eps", **kwargs) -> dict:
    """sampler_prompt on the tiny SDXL, its MODEL first patched by the core node of FAMILY_NODES
    (node "5") when the family is not EPS."""
    node = FAMILY_NODES[family]
    prompt = sampler_prompt(kind="sdxl", model=("5", 0) if node else ("1", 0), **kwargs)
    if node:
        prompt["5"] = {"class_type": node["class_type"], "inputs": {"model": ["1", 0], **node["inputs"]}}
    return prompt


def custom_sampler_nodes(guider: dict, steps: int = 5, seed: int = 7, sampler_name: str = "euler",
                         scheduler: str = "karras", model=("1", 0)) -> dict:
    """Nodes "16"-"20" and "90": guider (node "16", given) -> SamplerCustomAdvanced "20" -> capture."""
    return {
        "16": guider,
        "17": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": sampler_name}},
        "18": {"class_type": "BasicScheduler", "inputs": {"model": list(model), "scheduler": scheduler, "steps": steps,
                                                          "denoise": 1.0}},
        "19": {"class_type": "RandomNoise", "inputs": {"noise_seed": seed}},
        "20": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["19", 0], "guider": ["16", 0],
                                                                 "sampler": ["17", 0], "sigmas": ["18", 0],
                                                                 "latent_image": ["4", 0]}},
        "90": {"class_type": "LAGSTest_Capture", "inputs": {"value": ["20", 0], "label": "latent"}},
    }


def exact_sampler_prompt(model_key: str, batch: int, steps: int, seed: int, scheduler: str = "karras",
                         reward_key: str | None = None, alpha: float = 1.0, epsilon: float = 0.05) -> dict:
    """An injected model (LAGSTest_Model `model_key`, e.g. tiny_models.exact_model) sampled at cfg 1
    with euler on a 16x16-pixel (2x2 latent) empty latent: KSampler, or LAGS Weighted Sampler with
    the injected reward `reward_key` and a constant alpha. Sampler "20", latent captured as "latent"."""
    prompt = {
        "1": {"class_type": "LAGSTest_Model", "inputs": {"key": model_key}},
        "2": {"class_type": "LAGSTest_TinyCheckpoint", "inputs": {"kind": "sd15", "seed": 0}},
        "3": {"class_type": "LAGSTest_TextEncode", "inputs": {"text": "", "clip": ["2", 1]}},
        "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 16, "height": 16, "batch_size": batch}},
        "20": {"class_type": "KSampler", "inputs": {
            "model": ["1", 0], "seed": seed, "steps": steps, "cfg": 1.0, "sampler_name": "euler",
            "scheduler": scheduler, "positive": ["3", 0], "negative": ["3", 0], "latent_image": ["4", 0],
            "denoise": 1.0}},
        "90": {"class_type": "LAGSTest_Capture", "inputs": {"value": ["20", 0], "label": "latent"}},
    }
    if reward_key is not None:
        prompt["10"] = {"class_type": "LAGSTest_Reward", "inputs": {"key": reward_key}}
        prompt["11"] = {"class_type": "LAGSScheduleConstant", "inputs": {"alpha": alpha}}
        prompt["20"]["class_type"] = "LAGSWeightedSampler"
        prompt["20"]["inputs"].update(lags_inputs(reward=("10", 0), vae=None, schedule=("11", 0), epsilon=epsilon))
    return prompt


#: The tiny flow architectures as their workflows run them: SD3 with CFG, Flux.1 [dev] at cfg 1
#: with its distilled guidance from the FluxGuidance node (node "7").
ARCH_CFG = {"sd3": 4.0, "flux": 1.0}


def arch_prompt(kind: str, scheduler: str = "simple", **kwargs) -> dict:
    """sampler_prompt for the tiny "sd3" or "flux" checkpoint, wired as that model is used."""
    prompt = sampler_prompt(kind=kind, cfg=ARCH_CFG[kind], scheduler=scheduler, **kwargs)
    if kind == "flux":
        prompt["7"] = {"class_type": "FluxGuidance", "inputs": {"conditioning": ["2", 0], "guidance": 3.5}}
        prompt["20"]["inputs"]["positive"] = ["7", 0]
    return prompt
