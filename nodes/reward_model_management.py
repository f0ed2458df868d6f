"""ComfyUI side of the learned rewards: the models/rewards folder and VRAM management.

- Folder: "rewards" is registered with folder_paths (default <ComfyUI>/models/rewards;
  extra_model_paths.yaml entries named `rewards:` are kept and searched too). It is done
  lazily, on first use, so importing this module changes nothing.
- Placement: reward models are wrapped in a ModelPatcher so ComfyUI's model management
  loads them with load_models_gpu (freeing VRAM from other models when needed), can
  offload them when something else needs the memory, and unloads them with
  "Unload models" / POST /free. Moves happen under inference_mode(False): the weights
  must stay normal tensors for the reward gradient.
"""
from __future__ import annotations

import os

import torch

from ..rewards.reward_files import (WEIGHT_EXTENSIONS, RewardModelError, check_pickscore_folder,
                                    list_transformers_folders, list_weight_files, resolve)

FOLDER = "rewards"

_registered = False


def register_rewards_folder() -> list[str]:
    """Make sure folder_paths knows "rewards"; returns the folders searched, in order."""
    global _registered
    import folder_paths

    default = os.path.join(folder_paths.models_dir, FOLDER)
    if not _registered:
        paths, extensions = folder_paths.folder_names_and_paths.get(FOLDER, ([], set()))
        paths = list(paths)
        if default not in paths:
            paths.insert(0, default)
        extensions = set(extensions or ()) | set(WEIGHT_EXTENSIONS)
        folder_paths.folder_names_and_paths[FOLDER] = (paths, extensions)
        _registered = True
    return folder_paths.get_folder_paths(FOLDER)


def pickscore_choices() -> list[str]:
    """Dropdown: folders holding a transformers model (empty like ComfyUI's loaders when none)."""
    return list_transformers_folders(register_rewards_folder())


def checkpoint_choices() -> list[str]:
    return list_weight_files(register_rewards_folder())


def resolve_folder(name: str, kind: str) -> str:
    return resolve(name, register_rewards_folder(), kind, want_dir=True)


def resolve_file(name: str, kind: str) -> str:
    return resolve(name, register_rewards_folder(), kind, want_dir=False)


def file_problem(name: str, kind: str, want_dir: bool = False):
    """For validate_inputs: None if `name` resolves, else the full message (folders searched,
    expected layout). ComfyUI then skips its own terse "Value not in list" check."""
    try:
        path = resolve_folder(name, kind) if want_dir else resolve_file(name, kind)
        if kind == "pickscore":
            check_pickscore_folder(path)
    except RewardModelError as e:
        return str(e)
    return None


class _Managed(torch.nn.Module):
    """Container ModelPatcher can annotate (transformers models have a read-only .device)."""

    def __init__(self, inner: torch.nn.Module):
        super().__init__()
        self.inner = inner


class ComfyPlacer:
    """A rewards.model_placement placer for one model: cast once, then ComfyUI loads it.

    One per model, owned by the model's ModelPlacement, so the ModelPatcher lives and
    dies with the reward model (no reference cycle for ComfyUI to report as a leak).
    """

    def __init__(self):
        self.patcher = None

    def __call__(self, module: torch.nn.Module, device: torch.device, dtype: torch.dtype) -> None:
        import comfy.model_management as mm
        import comfy.model_patcher

        first = next(module.parameters(), None)
        if first is not None and first.dtype != dtype:
            module.to(dtype=dtype)  # wherever it is now; the caller holds inference_mode(False)
        if self.patcher is None:
            self.patcher = comfy.model_patcher.ModelPatcher(
                _Managed(module), load_device=mm.get_torch_device(), offload_device=mm.unet_offload_device()
            )
        if torch.device(device) != torch.device(self.patcher.load_device):
            module.to(device=device)  # a device ComfyUI does not manage
            return
        # force_full_load: plain torch modules cannot run partially offloaded (no comfy casts).
        mm.load_models_gpu([self.patcher], force_full_load=True)


def resolve_precision(precision: str) -> str:
    """'auto' as ComfyUI would choose for its own models on this device: fp16 where it runs
    models in fp16 (honours --force-fp32 / --force-fp16 and slow-fp16 GPUs), else bf16, else fp32."""
    if precision != "auto":
        return precision
    import comfy.model_management as mm

    device = mm.get_torch_device()
    if mm.should_use_fp16(device):
        return "fp16"
    if mm.should_use_bf16(device):
        return "bf16"
    return "fp32"


def compute_device() -> torch.device:
    import comfy.model_management as mm

    return mm.get_torch_device()
