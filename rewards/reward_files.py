"""Finding reward model files on disk, and saying clearly what is wrong with them.

Host-free: the caller passes the folders to search (in ComfyUI, the paths
registered for models/rewards, including extra_model_paths.yaml entries).
Every error names the folders searched and the file layout that was expected,
so a user can fix it without reading a stack trace.
"""
from __future__ import annotations

import os

WEIGHT_EXTENSIONS = (".safetensors", ".pt", ".pth", ".bin", ".ckpt")

#: Weight files inside a transformers model folder (not separate checkpoints).
TRANSFORMERS_WEIGHT_NAMES = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json",
                             "pytorch_model.bin.index.json")
TOKENIZER_FILES = ("tokenizer.json", "vocab.json")  # either is enough with tokenizer_config.json

LAYOUTS = {
    "pickscore": (
        "a folder (any name, e.g. PickScore_v1) inside models/rewards holding the Hugging Face files of "
        "yuvalkirstain/PickScore_v1:\n"
        "  PickScore_v1/config.json\n"
        "  PickScore_v1/model.safetensors        (or pytorch_model.bin)\n"
        "  PickScore_v1/tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.json, merges.txt\n"
        "  PickScore_v1/preprocessor_config.json\n"
        "If the tokenizer/preprocessor files are missing, copy them from laion/CLIP-ViT-H-14-laion2B-s32B-b79K."
    ),
    "open_clip": (
        "an open_clip checkpoint file inside models/rewards (subfolders are fine):\n"
        "  <name>.safetensors (preferred) or .pt/.pth/.bin with the open_clip state dict "
        "(keys like visual.conv1.weight, transformer.resblocks.0..., or a {'state_dict': ...} wrapper)\n"
        "and the matching architecture chosen in the node, or an open_clip_config.json next to the file "
        "(the layout of open_clip repositories on Hugging Face: open_clip_config.json + open_clip_model.safetensors)."
    ),
    "hps": (
        "HPS_v2_compressed.pt or HPS_v2.1_compressed.pt (from xswu/HPSv2), or a .safetensors conversion of it, "
        "inside models/rewards; architecture ViT-H-14."
    ),
    "aesthetic_head": (
        "the LAION aesthetic MLP head inside models/rewards, e.g. sac+logos+ava1-l14-linearMSE.pth "
        "(or .safetensors) with keys layers.0.weight ... layers.7.bias"
    ),
}


#: Where to download each kind (docs/learned_rewards.md has the details and the licences).
SOURCES = {
    "pickscore": "Get it from https://huggingface.co/yuvalkirstain/PickScore_v1 (every file of the repository).",
    "hps": "Get it from https://huggingface.co/xswu/HPSv2 (HPS_v2.1_compressed.pt or HPS_v2_compressed.pt).",
    "open_clip": (
        "Get one from Hugging Face: https://huggingface.co/timm/vit_large_patch14_clip_224.openai "
        "(open_clip_pytorch_model.bin or open_clip_model.safetensors; the aesthetic reward's CLIP) or "
        "https://huggingface.co/laion/CLIP-ViT-B-32-laion2B-s34B-b79K (open_clip_config.json and "
        "open_clip_pytorch_model.bin in one folder; small, for the fairness reward)."
    ),
    "aesthetic_head": (
        "Get it from https://github.com/christophschuhmann/improved-aesthetic-predictor "
        "(sac+logos+ava1-l14-linearMSE.pth, 3.7 MB)."
    ),
}


class RewardModelError(RuntimeError):
    """A reward model could not be found or is not what the node expects."""


def searched(roots) -> str:
    lines = [f"  - {r}{'' if os.path.isdir(r) else '  (does not exist)'}" for r in roots]
    return "\n".join(lines) if lines else "  (no folders registered)"


def not_found(kind: str, name: str, roots) -> RewardModelError:
    return RewardModelError(
        f"{_title(kind)}: {_what(name)}.\nFolders searched:\n{searched(roots)}\n"
        f"Expected layout: {LAYOUTS[kind]}\n{SOURCES[kind]}"
    )


def _what(name: str) -> str:
    return f"'{name}' was not found" if name else "none is installed (the list is empty)"


def _title(kind: str) -> str:
    return {"pickscore": "PickScore model", "open_clip": "open_clip checkpoint", "hps": "HPS checkpoint",
            "aesthetic_head": "aesthetic head"}[kind]


def _walk(root):
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        yield dirpath, dirnames, filenames


def is_transformers_folder(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "config.json")) and any(
        os.path.isfile(os.path.join(path, n)) for n in TRANSFORMERS_WEIGHT_NAMES
    )


def list_transformers_folders(roots) -> list[str]:
    """Folders (relative to a root, '/'-separated) that hold a transformers model."""
    found = set()
    for root in roots:
        if not os.path.isdir(root):
            continue
        for dirpath, _, _ in _walk(root):
            if is_transformers_folder(dirpath):
                rel = os.path.relpath(dirpath, root)
                if rel != ".":
                    found.add(rel.replace(os.sep, "/"))
    return sorted(found)


def list_weight_files(roots) -> list[str]:
    """Checkpoint files (relative, '/'-separated), leaving out the weights of transformers folders."""
    found = set()
    for root in roots:
        if not os.path.isdir(root):
            continue
        for dirpath, _, filenames in _walk(root):
            in_hf_folder = is_transformers_folder(dirpath)
            for name in filenames:
                if not name.lower().endswith(WEIGHT_EXTENSIONS):
                    continue
                if in_hf_folder and name in TRANSFORMERS_WEIGHT_NAMES:
                    continue
                found.add(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return sorted(found)


def resolve(name: str, roots, kind: str, want_dir: bool) -> str:
    """Absolute path of `name` (relative to one of `roots`), or a RewardModelError."""
    if name and os.path.isabs(name) and (os.path.isdir(name) if want_dir else os.path.isfile(name)):
        return name
    clean = os.path.normpath(name or "").lstrip(os.sep)
    if clean and not clean.startswith(".."):
        for root in roots:
            path = os.path.join(root, clean)
            if (os.path.isdir(path) if want_dir else os.path.isfile(path)):
                return path
    raise not_found(kind, name, roots)


def check_pickscore_folder(folder: str) -> None:
    """The PickScore_v1 layout; raises with what is missing."""
    import json

    problems = []
    config_path = os.path.join(folder, "config.json")
    if not os.path.isfile(config_path):
        problems.append("config.json is missing")
    else:
        try:
            with open(config_path, encoding="utf-8") as f:
                config = json.load(f)
        except (OSError, ValueError) as e:
            problems.append(f"config.json cannot be read ({e})")
        else:
            model_type = config.get("model_type")
            if model_type != "clip":
                problems.append(
                    f"config.json says model_type={model_type!r}; PickScore is a CLIP model (model_type 'clip')"
                )
    if not any(os.path.isfile(os.path.join(folder, n)) for n in TRANSFORMERS_WEIGHT_NAMES):
        problems.append("no weights (model.safetensors or pytorch_model.bin)")
    if not os.path.isfile(os.path.join(folder, "tokenizer_config.json")) or not any(
        os.path.isfile(os.path.join(folder, n)) for n in TOKENIZER_FILES
    ):
        problems.append("no tokenizer files (tokenizer_config.json with tokenizer.json or vocab.json + merges.txt)")
    if not os.path.isfile(os.path.join(folder, "preprocessor_config.json")):
        problems.append("preprocessor_config.json is missing")
    if problems:
        raise RewardModelError(
            f"PickScore model folder {folder} is incomplete: " + "; ".join(problems)
            + f".\nExpected layout: {LAYOUTS['pickscore']}\n{SOURCES['pickscore']}"
        )
