"""TEST-ONLY tiny reward models, written to disk in the exact layouts users install,
so the tests go through the real loading code (transformers from_pretrained, open_clip
create_model + state dict, safetensors / torch.load)."""
from __future__ import annotations

import json
import os

import torch

from rewards.clip_preprocess import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

TINY_OPEN_CLIP = "LAGS-Tiny-CLIP"
TINY_OPEN_CLIP_CFG = {
    "embed_dim": 16,
    "vision_cfg": {"image_size": 224, "layers": 2, "width": 32, "patch_size": 32, "head_width": 16},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 2},
}

# The preprocessor_config.json of laion/CLIP-ViT-H-14-laion2B-s32B-b79K (old int-size format).
PREPROCESSOR_CONFIG = {
    "crop_size": 224, "do_center_crop": True, "do_normalize": True, "do_resize": True,
    "feature_extractor_type": "CLIPFeatureExtractor", "image_mean": list(OPENAI_CLIP_MEAN),
    "image_std": list(OPENAI_CLIP_STD), "resample": 3, "size": 224,
}


def _byte_level_vocab() -> dict:
    """A CLIP BPE vocabulary with every byte (alone and word-final) and no merges."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    codes = printable + [256 + i for i in range(256 - len(printable))]
    chars = [chr(c) for c in codes]
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({c + "</w>": len(chars) + i for i, c in enumerate(chars)})
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return vocab


def make_pickscore_folder(folder: str, seed: int = 0, logit_scale: float = 3.0) -> str:
    """config.json, model.safetensors, tokenizer files and preprocessor_config.json."""
    from transformers import CLIPConfig, CLIPModel, CLIPTokenizer

    os.makedirs(folder, exist_ok=True)
    vocab = _byte_level_vocab()
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[])
    tokenizer.model_max_length = 77
    tokenizer.save_pretrained(folder)
    eos, bos = vocab["<|endoftext|>"], vocab["<|startoftext|>"]
    config = CLIPConfig(
        text_config=dict(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=77, eos_token_id=eos,
                         bos_token_id=bos, pad_token_id=eos),
        vision_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                           image_size=224, patch_size=32),
        projection_dim=16, logit_scale_init_value=logit_scale,
    )
    torch.manual_seed(seed)
    CLIPModel(config).save_pretrained(folder, safe_serialization=True)
    with open(os.path.join(folder, "preprocessor_config.json"), "w", encoding="utf-8") as f:
        json.dump(PREPROCESSOR_CONFIG, f)
    return folder


def register_tiny_open_clip(tmp_dir: str) -> str:
    """Make TINY_OPEN_CLIP a named open_clip architecture (as ViT-H-14 is)."""
    import open_clip

    path = os.path.join(tmp_dir, f"{TINY_OPEN_CLIP}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(TINY_OPEN_CLIP_CFG, f)
    open_clip.add_model_config(path)
    return TINY_OPEN_CLIP


def tiny_open_clip_state_dict(seed: int = 0) -> dict:
    import open_clip

    torch.manual_seed(seed)
    model = open_clip.model.CLIP(**TINY_OPEN_CLIP_CFG)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def save_hps_style(path: str, seed: int = 0) -> str:
    """The HPS_v2_compressed.pt layout: torch.save({'state_dict': ...}) (here with DDP 'module.' keys)."""
    state = {"module." + k: v for k, v in tiny_open_clip_state_dict(seed).items()}
    torch.save({"state_dict": state, "epoch": 1}, path)
    return path


def save_open_clip_checkpoint(path: str, seed: int = 0, sidecar: bool = False) -> str:
    """The tiny open_clip weights at `path` (.safetensors, else torch.save); with `sidecar`,
    an open_clip_config.json next to it (architecture "auto")."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    if sidecar:
        with open(os.path.join(folder, "open_clip_config.json"), "w", encoding="utf-8") as f:
            json.dump({"model_cfg": TINY_OPEN_CLIP_CFG,
                       "preprocess_cfg": {"mean": list(OPENAI_CLIP_MEAN), "std": list(OPENAI_CLIP_STD),
                                          "interpolation": "bicubic", "resize_mode": "shortest"}}, f)
    state = tiny_open_clip_state_dict(seed)
    if path.endswith(".safetensors"):
        from safetensors.torch import save_file

        save_file({k: v.contiguous() for k, v in state.items()}, path)
    else:
        torch.save(state, path)
    return path


def save_open_clip_repo(folder: str, seed: int = 0) -> str:
    """The open_clip Hugging Face layout: open_clip_config.json + open_clip_model.safetensors."""
    return save_open_clip_checkpoint(os.path.join(folder, "open_clip_model.safetensors"), seed, sidecar=True)


def save_aesthetic_head(path: str, in_features: int = 16, seed: int = 0) -> str:
    """The improved-aesthetic-predictor MLP layout (layers.0/2/4/6/7), any input width."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    torch.manual_seed(seed)
    sizes = [(0, in_features, 32), (2, 32, 16), (4, 16, 8), (6, 8, 4), (7, 4, 1)]
    state = {}
    for index, fan_in, fan_out in sizes:
        layer = torch.nn.Linear(fan_in, fan_out)
        state[f"layers.{index}.weight"] = layer.weight.detach().clone()
        state[f"layers.{index}.bias"] = layer.bias.detach().clone()
    if path.endswith(".safetensors"):
        from safetensors.torch import save_file

        save_file(state, path)
    else:
        torch.save(state, path)
    return path


def save_fake_unet(path: str) -> str:
    """A safetensors file with UNet-style keys, to check the wrong-kind error."""
    from safetensors.torch import save_file

    save_file({"model.diffusion_model.input_blocks.0.0.weight": torch.zeros(4, 4, 3, 3),
               "model.diffusion_model.out.2.bias": torch.zeros(4)}, path)
    return path


def sample_images(batch: int = 2, height: int = 96, width: int = 128, seed: int = 0) -> torch.Tensor:
    """Smooth random IMAGE batch [B, H, W, 3] in 0..1."""
    g = torch.Generator().manual_seed(seed)
    low = torch.rand(batch, 3, 6, 6, generator=g)
    return torch.nn.functional.interpolate(low, size=(height, width), mode="bilinear",
                                           align_corners=False).permute(0, 2, 3, 1).contiguous()
