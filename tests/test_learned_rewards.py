"""Learned rewards on tiny models saved in the real on-disk layouts: loading, scores
against the libraries' own code paths, gradients from the score back to the pixels."""

import pytest
import torch

from torchvision_stand_in import ensure_torchvision
from learned_reward_models import (TINY_OPEN_CLIP, make_pickscore_folder, register_tiny_open_clip,
                                   sample_images, save_aesthetic_head, save_hps_style, save_open_clip_repo)
from guidance.reward_gradient import grad_log_w
from rewards import CombinedReward
from rewards.aesthetic import AestheticReward, load_aesthetic_backbone, load_aesthetic_head
from rewards.colour import ColourReward
from rewards.hps import HPSReward, load_hps
from rewards.pickscore import PickScoreReward, load_pickscore

transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def pickscore_dir(tmp_path_factory):
    return make_pickscore_folder(str(tmp_path_factory.mktemp("rewards") / "PickScore_v1"))


@pytest.fixture(scope="module")
def open_clip_files(tmp_path_factory):
    ensure_torchvision()
    pytest.importorskip("open_clip")
    root = tmp_path_factory.mktemp("open_clip")
    register_tiny_open_clip(str(root))
    return {"hps": save_hps_style(str(root / "HPS_v2.1_compressed.pt")),
            "repo": save_open_clip_repo(str(root / "tiny-clip-repo"), seed=1),
            "head": save_aesthetic_head(str(root / "aesthetic_head.safetensors"), in_features=16)}


def _features(output):
    return output if isinstance(output, torch.Tensor) else output.pooler_output


def _official_pickscore(folder, prompt, images):
    """The authors' inference code: processor -> get_*_features -> logit_scale.exp() * cos."""
    import numpy as np
    from PIL import Image
    from transformers import AutoTokenizer, CLIPModel
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    model = CLIPModel.from_pretrained(folder).eval()
    processor = CLIPImageProcessorPil.from_pretrained(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    pil = [Image.fromarray((im.numpy() * 255).round().astype(np.uint8)) for im in images]
    with torch.no_grad():
        pixels = torch.from_numpy(np.array(processor(images=pil, return_tensors="np")["pixel_values"]))
        image_embs = _features(model.get_image_features(pixel_values=pixels))
        text = tokenizer(prompt, padding=True, truncation=True, max_length=77, return_tensors="pt")
        text_embs = _features(model.get_text_features(**text))
        image_embs = image_embs / image_embs.norm(dim=-1, keepdim=True)
        text_embs = text_embs / text_embs.norm(dim=-1, keepdim=True)
        return model.logit_scale.exp() * (text_embs @ image_embs.T)[0]


def _check_gradient(reward, images):
    """Under ComfyUI's inference mode, grad log w reaches the pixels and matches a finite difference."""
    with torch.inference_mode():
        values, grad = grad_log_w(reward.log_w, images)
    assert values.shape == (images.shape[0],) and torch.isfinite(values).all()
    assert grad.shape == images.shape and torch.isfinite(grad).all() and grad.abs().sum() > 0
    direction = grad / grad.norm()
    h = 1e-2
    with torch.no_grad():
        fd = (reward.log_w(images + h * direction) - reward.log_w(images - h * direction)).sum() / (2 * h)
    assert fd.item() == pytest.approx((grad * direction).sum().item(), rel=0.05)


def test_pickscore_matches_authors_code_and_has_gradients(pickscore_dir):
    images = (sample_images(3, 160, 224, seed=3) * 255).round() / 255  # exact uint8 values for the PIL path
    with torch.inference_mode():  # ComfyUI executes loader nodes in inference mode
        backbone = load_pickscore(pickscore_dir)
    assert not any(p.is_inference() for p in backbone.module.parameters())
    reward = PickScoreReward(backbone, "a cat on a red sofa", strength=2.0)
    ours = reward.score(images)
    official = _official_pickscore(pickscore_dir, "a cat on a red sofa", images)
    assert torch.allclose(ours, official, atol=1e-2), (ours, official)
    assert torch.allclose(reward.log_w(images), 2.0 * ours, atol=1e-5)
    _check_gradient(reward, images.clone())


def test_hps_checkpoint_loads_like_open_clip_and_scores_cosine(open_clip_files):
    import open_clip

    images = sample_images(2, 128, 96, seed=4)
    with torch.inference_mode():
        backbone = load_hps(open_clip_files["hps"], arch=TINY_OPEN_CLIP)
    reward = HPSReward(backbone, "a painting of a lighthouse", strength=1.0)
    # open_clip's own loader on the same file ({'state_dict'} wrapper, 'module.' keys).
    reference = open_clip.create_model(TINY_OPEN_CLIP, pretrained=open_clip_files["hps"]).eval()
    with torch.no_grad():
        pixels = backbone.preprocess(images)
        out = reference(pixels, open_clip.get_tokenizer(TINY_OPEN_CLIP)(["a painting of a lighthouse"]))
        image_features, text_features = (out["image_features"], out["text_features"]) if isinstance(out, dict) else out[:2]
        expected = 100.0 * (image_features @ text_features.T)[:, 0]  # reported x100
    assert torch.allclose(reward.score(images), expected, atol=1e-3)
    assert reward.score(images).abs().max() <= 100.0 + 1e-4  # 100 * a cosine
    _check_gradient(reward, images)


def test_aesthetic_head_on_open_clip_backbone(open_clip_files):
    from safetensors.torch import load_file

    images = sample_images(2, 96, 96, seed=5)
    with torch.inference_mode():
        backbone = load_aesthetic_backbone(open_clip_files["repo"], arch="auto")  # open_clip_config.json
        head = load_aesthetic_head(open_clip_files["head"])
    reward = AestheticReward(backbone, head, strength=1.5)
    state = load_file(open_clip_files["head"])
    with torch.no_grad():
        emb = backbone.module.encode_image(backbone.preprocess(images))
        h = torch.nn.functional.normalize(emb, dim=-1)
        for i in (0, 2, 4, 6, 7):  # the published MLP has no activations
            h = torch.nn.functional.linear(h, state[f"layers.{i}.weight"], state[f"layers.{i}.bias"])
    assert torch.allclose(reward.score(images), h[:, 0], atol=1e-5)
    _check_gradient(reward, images)


def test_learned_and_pixel_rewards_combine(pickscore_dir):
    images = sample_images(2, 64, 64, seed=6)
    pick = PickScoreReward(load_pickscore(pickscore_dir), "a red apple", strength=1.0)
    colour = ColourReward(colour="#ff0000", strength=3.0)
    combined = CombinedReward([(pick, 0.5), (colour, 2.0)])
    expected = 0.5 * pick.log_w(images) + 2.0 * colour.log_w(images)
    assert torch.allclose(combined.log_w(images), expected, atol=1e-5)
    combined.prepare(torch.device("cpu"), torch.float32)
    _check_gradient(combined, images)


def test_prepare_places_weights_in_cpu_float32_and_fp16_policy():
    from rewards.model_placement import ModelPlacement, weight_dtype_for

    assert weight_dtype_for(torch.device("cuda")) == torch.float16
    assert weight_dtype_for(torch.device("cpu")) == torch.float32
    assert weight_dtype_for(torch.device("cpu"), "bf16") == torch.bfloat16
    with torch.inference_mode():
        module = torch.nn.Linear(3, 2)  # parameters born as inference tensors
    assert module.weight.is_inference()
    placement = ModelPlacement(module).place(torch.device("cpu"))
    assert not placement.module.weight.is_inference() and placement.dtype == torch.float32
    x = torch.rand(4, 3, requires_grad=True)
    placement.module(x).sum().backward()  # would raise "Inference tensors cannot be saved for backward"
    assert x.grad is not None


def test_placer_reuse_walks_the_weights_only_after_a_move(monkeypatch):
    import rewards.model_placement as placement_module

    walks = []
    real = placement_module.ensure_normal_tensors
    monkeypatch.setattr(placement_module, "ensure_normal_tensors", lambda m: walks.append(1) or real(m))
    moves = []

    def placer(module, device, dtype):  # like ComfyUI's: a no-op while the model stays loaded
        if moves and moves[-1] == "offloaded":
            with torch.inference_mode():
                module.to(dtype=torch.float64).to(dtype=dtype)  # reloaded in inference mode: new storage
        moves.append("placed")

    placement = placement_module.ModelPlacement(torch.nn.Linear(3, 2), placer=placer)
    walks.clear()
    for _ in range(5):
        placement.ready("cpu")
    assert len(walks) == 0
    moves.append("offloaded")
    placement.ready("cpu")
    assert len(walks) == 1 and not placement.module.weight.is_inference()


def test_text_embeddings_are_cached(pickscore_dir):
    backbone = load_pickscore(pickscore_dir)
    first = backbone.text_embeddings(["a dog"])
    assert backbone.text_embeddings(["a dog"]) is first
    assert not first.is_inference() and not first.requires_grad
