"""What users see when a reward model is missing, incomplete or of the wrong kind,
plus the dropdown listings and the model cache."""
import os
import shutil

import pytest
import torch

from learned_reward_models import (TINY_OPEN_CLIP, make_pickscore_folder, register_tiny_open_clip,
                                   save_aesthetic_head, save_fake_unet, save_hps_style, save_open_clip_repo)
from rewards.reward_files import (RewardModelError, list_transformers_folders, list_weight_files,
                                  resolve)


@pytest.fixture(scope="module")
def models_root(tmp_path_factory):
    """A models/rewards folder as a user would fill it."""
    from torchvision_stand_in import ensure_torchvision

    ensure_torchvision()
    pytest.importorskip("open_clip")
    pytest.importorskip("transformers")
    root = tmp_path_factory.mktemp("models") / "rewards"
    root.mkdir()
    make_pickscore_folder(str(root / "PickScore_v1"))
    register_tiny_open_clip(str(tmp_path_factory.mktemp("cfg")))
    save_hps_style(str(root / "HPS_v2.1_compressed.pt"))
    save_open_clip_repo(str(root / "clip-repo"))
    save_aesthetic_head(str(root / "aesthetic" / "head.pth") if os.makedirs(root / "aesthetic") is None else "")
    save_fake_unet(str(root / "sdxl_unet.safetensors"))
    return str(root)


def test_listings_show_folders_and_checkpoints(models_root, tmp_path):
    other = tmp_path / "extra"  # a second root, as from extra_model_paths.yaml
    other.mkdir()
    (other / "more.safetensors").write_bytes(b"")
    assert list_transformers_folders([models_root, str(other)]) == ["PickScore_v1"]
    files = list_weight_files([models_root, str(other)])
    assert files == ["HPS_v2.1_compressed.pt", "aesthetic/head.pth", "clip-repo/open_clip_model.safetensors",
                     "more.safetensors", "sdxl_unet.safetensors"]  # PickScore_v1/model.safetensors left out


def test_missing_file_lists_folders_searched_and_layout(models_root, tmp_path):
    missing_root = str(tmp_path / "nowhere")
    with pytest.raises(RewardModelError) as info:
        resolve("HPS_v2.pt", [models_root, missing_root], "hps", want_dir=False)
    text = str(info.value)
    assert "'HPS_v2.pt' was not found" in text and models_root in text
    assert f"{missing_root}  (does not exist)" in text and "HPS_v2.1_compressed.pt" in text
    with pytest.raises(RewardModelError, match="PickScore_v1/config.json"):
        resolve("PickScore_v2", [models_root], "pickscore", want_dir=True)
    with pytest.raises(RewardModelError, match="was not found"):
        resolve("../../etc/passwd", [models_root], "hps", want_dir=False)


def test_unet_in_a_reward_slot_is_named_as_such(models_root):
    from rewards.hps import load_hps

    with pytest.raises(RewardModelError, match="looks like a diffusion model .* needs an open_clip CLIP model"):
        load_hps(os.path.join(models_root, "sdxl_unet.safetensors"), arch=TINY_OPEN_CLIP)


def test_wrong_kinds_between_reward_files(models_root):
    from rewards.aesthetic import load_aesthetic_head
    from rewards.open_clip_backbone import load_open_clip

    with pytest.raises(RewardModelError, match="looks like a LAION aesthetic MLP head"):
        load_open_clip(os.path.join(models_root, "aesthetic", "head.pth"), TINY_OPEN_CLIP)
    with pytest.raises(RewardModelError, match="looks like an open_clip CLIP model"):
        load_aesthetic_head(os.path.join(models_root, "HPS_v2.1_compressed.pt"))
    with pytest.raises(RewardModelError, match="Hugging Face transformers CLIP"):
        load_open_clip(os.path.join(models_root, "PickScore_v1", "model.safetensors"), TINY_OPEN_CLIP)


def test_wrong_architecture_is_a_clear_mismatch(models_root):
    from rewards.open_clip_backbone import load_open_clip

    with pytest.raises(RewardModelError, match="does not fit architecture 'ViT-B-32'"):
        load_open_clip(os.path.join(models_root, "HPS_v2.1_compressed.pt"), "ViT-B-32")
    with pytest.raises(RewardModelError, match="needs an open_clip_config.json"):
        load_open_clip(os.path.join(models_root, "HPS_v2.1_compressed.pt"), "auto")


def test_incomplete_pickscore_folder(models_root, tmp_path):
    from rewards.pickscore import load_pickscore

    broken = tmp_path / "PickScore_v1"
    shutil.copytree(os.path.join(models_root, "PickScore_v1"), broken)
    for name in ("tokenizer.json", "vocab.json", "preprocessor_config.json"):
        os.remove(broken / name)
    with pytest.raises(RewardModelError) as info:
        load_pickscore(str(broken))
    assert "no tokenizer files" in str(info.value) and "preprocessor_config.json is missing" in str(info.value)
    assert "laion/CLIP-ViT-H-14-laion2B-s32B-b79K" in str(info.value)
    unet_folder = tmp_path / "not_clip"
    shutil.copytree(os.path.join(models_root, "PickScore_v1"), unet_folder)
    save_fake_unet(str(unet_folder / "model.safetensors"))
    with pytest.raises(RewardModelError, match="looks like a diffusion model"):
        load_pickscore(str(unet_folder))


def test_corrupt_and_pickled_files(tmp_path):
    from rewards.open_clip_backbone import load_open_clip

    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(b"not a safetensors file")
    with pytest.raises(RewardModelError, match="not a readable .safetensors"):
        load_open_clip(str(bad), "ViT-B-32")
    pickled = tmp_path / "object.pt"
    torch.save({"model": torch.nn.Linear(2, 2)}, pickled)  # a pickled module, not a state dict
    with pytest.raises(RewardModelError, match="weights_only=True"):
        load_open_clip(str(pickled), "ViT-B-32")


def test_aesthetic_head_must_fit_the_backbone(models_root, tmp_path):
    from rewards.aesthetic import AestheticReward, load_aesthetic_backbone, load_aesthetic_head

    backbone = load_aesthetic_backbone(os.path.join(models_root, "clip-repo", "open_clip_model.safetensors"), "auto")
    head = load_aesthetic_head(save_aesthetic_head(str(tmp_path / "wide.safetensors"), in_features=768))
    with pytest.raises(RewardModelError, match="expects 768-dim CLIP embeddings .* gives 16"):
        AestheticReward(backbone, head)


def test_empty_prompt(models_root):
    from rewards.hps import HPSReward

    with pytest.raises(ValueError, match="prompt is empty"):
        HPSReward(backbone=None, prompt="  ")


def test_model_cache_reuses_while_alive(models_root):
    import gc

    from rewards.model_cache import cached_load
    from rewards.pickscore import load_pickscore

    folder = os.path.join(models_root, "PickScore_v1")
    calls = []

    def loader():
        calls.append(1)
        return load_pickscore(folder)

    first = cached_load("pickscore", folder, ("auto",), loader)
    assert cached_load("pickscore", folder, ("auto",), loader) is first and len(calls) == 1
    del first
    gc.collect()
    cached_load("pickscore", folder, ("auto",), loader)
    assert len(calls) == 2  # released once no reward held it


def test_rewards_import_without_transformers_or_open_clip():
    """`import rewards...` must work without the optional packages; using them says what to install."""
    import subprocess
    import sys
    import textwrap

    probe = textwrap.dedent("""
        import sys
        sys.modules["transformers"] = None  # as if not installed
        sys.modules["open_clip"] = None
        import rewards.pickscore, rewards.hps, rewards.aesthetic, rewards.fairness, rewards.evaluation
        from rewards.reward_files import RewardModelError
        from rewards.hf_clip import import_transformers
        from rewards.open_clip_backbone import import_open_clip
        for fn in (import_transformers, import_open_clip):
            try:
                fn()
            except RewardModelError as e:
                print(str(e).split(": pip install")[-1].strip())
    """)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["transformers safetensors", "open-clip-torch"]
