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
