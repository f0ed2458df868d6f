"""What the GPU benchmark runs: SDXL's exact UNet and VAE (random weights) at 1024^2, 30 steps,
cfg 5, fp16; plain KSampler, the LAGS node defaults and each option (host-free)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..perf.config import PLAIN, Variant

COLOUR, CLIP = "colour", "clip"

VARIANTS = (
    PLAIN,
    Variant("defaults, colour reward (decode_scale auto = 1/4, adaptive probe)", "lags", "auto", reward=COLOUR),
    Variant("colour, probe every step (probe_threshold 0)", "lags", "auto", probe_threshold=0.0, reward=COLOUR),
    Variant("colour, decode_scale 1.0", "lags", "1.0", reward=COLOUR),
    Variant("colour, decode_scale 0.5", "lags", "0.5", reward=COLOUR),
    Variant("colour, decoder taesd", "lags", "auto", decoder="taesd", reward=COLOUR),
    Variant("colour, method tweedie", "tweedie", "auto", reward=COLOUR),
    Variant("colour, method dps", "dps", "auto", reward=COLOUR),
    Variant("defaults, CLIP-H-sized reward (decode 224 px, adaptive probe)", "lags", "auto", reward=CLIP),
    Variant("CLIP-H-sized reward, probe every step", "lags", "auto", probe_threshold=0.0, reward=CLIP),
    Variant("defaults, colour, 4 particles (euler_ancestral)", "lags", "auto", reward=COLOUR, particles=4,
            sampler="euler_ancestral"),
)

#: SDXL's UNet layout at 1/10 width and depth 1 per transformer level: the command's CPU check
#: (same code path, minutes instead of hours on a CPU).
SMALL_UNET = {"model_channels": 32, "transformer_depth": [0, 0, 1, 1, 1, 1], "transformer_depth_middle": 1,
              "transformer_depth_output": [0, 0, 0, 1, 1, 1, 1, 1, 1], "num_head_channels": 16}
SMALL_VAE = {"ch": 32}
SMALL_CLIP = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 2,
              "projection_dim": 32}


@dataclass(frozen=True)
class GpuConfig:
    image_size: int = 1024
    steps: int = 30
    cfg: float = 5.0
    sampler: str = "euler"
    scheduler: str = "karras"
    seed: int = 7
    dtype: str = "fp16"  # the UNet's weights and compute
    warmup_steps: int = 2  # one untimed short run of every variant first (model loading, decoder copies)
    rounds: int = 1  # timed rounds; the fastest run of each variant is kept
    small: bool = False  # SMALL_* sizes (the CPU check of the command)
    variants: tuple = field(default=VARIANTS)

    def describe(self) -> str:
        arch = "SDXL's UNet / VAE / a ViT-H/14 tower" if not self.small else "SDXL's layouts at a small width"
        return (f"{arch}, random weights; {self.image_size}x{self.image_size} px, batch 1, {self.steps} steps "
                f"{self.sampler}/{self.scheduler}, cfg {self.cfg:g}, UNet {self.dtype}, seed {self.seed}; "
                f"{self.rounds} timed round(s) after a {self.warmup_steps}-step warm-up of every option")


DEFAULT = GpuConfig()
#: The CPU check: a small width, 64 px, 3 steps, fp32 (what tests/host/test_gpu_benchmark.py runs).
CPU_CHECK = replace(DEFAULT, image_size=64, steps=3, dtype="fp32", warmup_steps=1, small=True)
