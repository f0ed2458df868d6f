"""The API-format prompt both benchmarks run (perf on CPU, gpu on CUDA): KSampler, or LAGS Weighted
Sampler with one variant's settings, on objects handed over by key (host-free)."""
from __future__ import annotations

#: Prompt nodes that hand a VAE / CONDITIONING object to the graph by key (registered by
#: runner.register_object_nodes, like the harness's LAGSTest_Model).
OBJECT_TYPES = {"LAGSPerf_VAE": "VAE", "LAGSPerf_Conditioning": "CONDITIONING"}


def sampler_prompt(keys: dict, variant, *, size: int, steps: int, cfg: float, sampler: str, scheduler: str,
                   seed: int, epsilon: float) -> dict:
    """keys: object keys "model", "vae", "positive", "negative" and one per reward (variant.reward).
    Sampler "20"; its latent captured as "latent"."""
    inputs = {"model": ["1", 0], "seed": seed, "steps": steps, "cfg": cfg, "sampler_name": sampler,
              "scheduler": scheduler, "positive": ["3", 0], "negative": ["4", 0], "latent_image": ["5", 0],
              "denoise": 1.0}
    prompt = {
        "1": {"class_type": "LAGSTest_Model", "inputs": {"key": keys["model"]}},
        "2": {"class_type": "LAGSPerf_VAE", "inputs": {"key": keys["vae"]}},
        "3": {"class_type": "LAGSPerf_Conditioning", "inputs": {"key": keys["positive"]}},
        "4": {"class_type": "LAGSPerf_Conditioning", "inputs": {"key": keys["negative"]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": size, "height": size, "batch_size": 1}},
        "20": {"class_type": "KSampler", "inputs": inputs},
        "90": {"class_type": "LAGSTest_Capture", "inputs": {"value": ["20", 0], "label": "latent"}},
    }
    if not variant.plain:
        prompt["10"] = {"class_type": "LAGSTest_Reward", "inputs": {"key": keys[variant.reward]}}
        lags = dict(inputs, reward=["10", 0], vae=["2", 0], method=variant.method, epsilon=epsilon,
                    decode_scale=variant.decode_scale, decoder=variant.decoder)
        if variant.probe_threshold is not None:
            lags["probe_threshold"] = variant.probe_threshold
        if variant.particles > 1:
            lags["particles"] = variant.particles
        if variant.sampler is not None:
            lags["sampler_name"] = variant.sampler
        prompt["20"] = {"class_type": "LAGSWeightedSampler", "inputs": lags}
    return prompt
