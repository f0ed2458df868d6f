"""Write tests/js/fixtures/*.json: reference values for the web extension's maths.

sigmas.json comes from ComfyUI's own scheduler code (needs COMFYUI_PATH, a ComfyUI
checkout); alpha.json comes from this pack's schedulers/ (host-free). Only the numbers
are committed, never ComfyUI code. Run from the repo root:

    COMFYUI_PATH=/work/ComfyUI python tests/js/make_fixtures.py
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = HERE / "fixtures"

# (scheduler, steps, denoise, sampler_name): a few of each kind, including the
# paths that change the list (denoise < 1, samplers that drop the penultimate sigma).
SIGMA_CASES = [
    ("karras", 30, 1.0, "euler"),
    ("normal", 20, 1.0, "euler"),
    ("normal", 7, 1.0, "euler"),
    ("simple", 20, 1.0, "euler"),
    ("simple", 33, 1.0, "euler"),
    ("sgm_uniform", 25, 1.0, "euler"),
    ("exponential", 12, 1.0, "euler"),
    ("ddim_uniform", 20, 1.0, "euler"),
    ("ddim_uniform", 7, 1.0, "euler"),
    ("beta", 20, 1.0, "euler"),
    ("beta", 9, 1.0, "euler"),
    ("beta", 200, 1.0, "euler"),
    ("linear_quadratic", 20, 1.0, "euler"),
    ("kl_optimal", 15, 1.0, "euler"),
    ("karras", 1, 1.0, "euler"),
    ("karras", 20, 0.6, "euler"),
    ("normal", 10, 0.35, "euler"),
    ("karras", 10, 1.0, "dpm_2"),
    ("simple", 10, 0.5, "uni_pc"),
]


def comfy_sigma_cases():
    root = os.environ.get("COMFYUI_PATH")
    if not root:
        sys.exit("set COMFYUI_PATH to a ComfyUI checkout")
    sys.path.insert(0, root)
    try:
        import torchvision  # noqa: F401  (ComfyUI imports it; a real one wins)
    except Exception:
        sys.path.insert(0, str(REPO / "tests" / "host" / "stubs"))
    import comfy.cli_args

    comfy.cli_args.args.cpu = True  # before anything imports comfy.model_management
    import comfy.model_sampling
    import comfy.samplers

    class _ModelStub:
        """Just enough of a ModelPatcher for KSampler.set_steps."""

        def __init__(self):
            self.ms = comfy.model_sampling.ModelSamplingDiscrete()  # SD1.x/SDXL defaults

        def get_model_object(self, name):
            assert name == "model_sampling"
            return self.ms

    model = _ModelStub()
    out = {
        "sigma_min": float(model.ms.sigma_min),
        "sigma_max": float(model.ms.sigma_max),
        "table_every_100": [float(s) for s in model.ms.sigmas[::100]],
        "cases": [],
    }
    for scheduler, steps, denoise, sampler in SIGMA_CASES:
        ks = comfy.samplers.KSampler(model, steps, "cpu", sampler=sampler, scheduler=scheduler, denoise=denoise)
        out["cases"].append({
            "scheduler": scheduler, "steps": steps, "denoise": denoise, "sampler_name": sampler,
            "sigmas": [float(s) for s in ks.sigmas],
        })
    return out


def alpha_cases(sigmas):
    sys.path.insert(0, str(REPO))
    from schedulers import ConstantAlpha, HardGate, PaperAlpha, SigmaGate, StepFractionGate

    s = torch.tensor(sigmas, dtype=torch.float64)
    made = [
        ({"kind": "alpha", "c": 10.0}, PaperAlpha(10.0)),
        ({"kind": "alpha", "c": 0.5}, PaperAlpha(0.5)),
        ({"kind": "alpha", "c": 0.0}, PaperAlpha(0.0)),
        ({"kind": "gate", "mode": "c", "c": 10.0}, HardGate(10.0)),
        ({"kind": "gate", "mode": "c", "c": 0.01}, HardGate(0.01)),
        ({"kind": "gate", "mode": "sigma", "sigma_max": 2.0}, SigmaGate(2.0)),
    ]
    for fraction in (0.0, 0.25, 0.5, 0.3, 1.0):
        made.append(({"kind": "gate", "mode": "fraction of steps", "fraction": fraction},
                     StepFractionGate(fraction).bind(s)))
    made.append(({"kind": "constant", "alpha": 0.3}, ConstantAlpha(0.3)))
    return {
        "sigmas": sigmas,
        "cases": [dict(spec, values=[float(a) for a in sched(s)]) for spec, sched in made],
    }


def main():
    torch.set_num_threads(1)
    FIXTURES.mkdir(exist_ok=True)
    sig = comfy_sigma_cases()
    (FIXTURES / "sigmas.json").write_text(json.dumps(sig, indent=1) + "\n")
    # 10 steps (odd fractions round half-to-even in Python) on the karras list.
    karras10 = next(c["sigmas"] for c in sig["cases"] if c["scheduler"] == "karras" and c["steps"] == 10
                    and c["sampler_name"] == "dpm_2")
    (FIXTURES / "alpha.json").write_text(json.dumps(alpha_cases(karras10), indent=1) + "\n")
    print("wrote", sorted(p.name for p in FIXTURES.glob("*.json")))


if __name__ == "__main__":
    main()
