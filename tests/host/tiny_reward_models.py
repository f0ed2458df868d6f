"""TEST-ONLY: tiny learned-reward files under the names a prompt asks for.

Shipped workflows name real files (PickScore_v1, an open_clip checkpoint, ...). Like
the harness swaps checkpoints for tiny models, `provide_reward_files(prompt)` writes
tiny models in the real on-disk layouts under exactly those names, in a folder it adds
to ComfyUI's "rewards" search paths; open_clip nodes with a named architecture (e.g.
ViT-H-14) are pointed at the tiny registered one instead.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[1]))  # tests/: the tiny model writers

from torchvision_stand_in import ensure_torchvision  # noqa: E402

# Before the harness boots ComfyUI: if the stand-in is needed, transformers must not take it
# for a real torchvision (it would import functions the stand-in lacks).
ensure_torchvision()

CHECKPOINT_INPUTS = {
    "LAGSHPSReward": ("checkpoint",),
    "LAGSClassifierFairnessReward": ("checkpoint",),
    "LAGSAestheticReward": ("clip_checkpoint",),
}
_root = None


def _rewards_root() -> str:
    global _root
    if _root is None:
        import folder_paths
        from learned_reward_models import register_tiny_open_clip

        _root = tempfile.mkdtemp(prefix="lags-tiny-rewards-")
        register_tiny_open_clip(_root)
        folder_paths.add_model_folder_path("rewards", os.path.join(_root, "rewards"))
    return os.path.join(_root, "rewards")


def provide_reward_files(prompt: dict) -> dict:
    """Write the tiny reward files `prompt` needs (in place) and return it."""
    import learned_reward_models as tiny

    for node in prompt.values():
        kind, inputs = node["class_type"], node["inputs"]
        if kind == "LAGSPickScoreReward":
            folder = os.path.join(_rewards_root(), inputs["model"])
            if not os.path.isdir(folder):
                tiny.make_pickscore_folder(folder)
        for name in CHECKPOINT_INPUTS.get(kind, ()):
            path = os.path.join(_rewards_root(), inputs[name])
            auto = str(inputs.get("architecture", "auto")).strip() in ("", "auto")
            if not auto:
                inputs["architecture"] = tiny.TINY_OPEN_CLIP
            if not os.path.isfile(path):
                tiny.save_open_clip_checkpoint(path, sidecar=auto)
        if kind == "LAGSAestheticReward":
            head = os.path.join(_rewards_root(), inputs["head"])
            if not os.path.isfile(head):
                tiny.save_aesthetic_head(head, in_features=tiny.TINY_OPEN_CLIP_CFG["embed_dim"])
    return prompt
