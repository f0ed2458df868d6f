"""Write the shipped UI-format workflows (workflows/*.json) from node_specs.json.

    python tests/make_workflows.py

Building them from the spec snapshot keeps socket slots and the positional
widgets_values in the frontend's order; tests/test_workflows.py then checks the
files on their own terms. Hand edits made in ComfyUI and saved over a file are
fine as long as that test passes (this script would overwrite them).
"""
from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workflow_spec import CONTROL, SNAPSHOT, is_widget, load_specs, sockets, widget_order  # noqa: E402

WORKFLOWS = SNAPSHOT.parent
PACK_ID, PACK_VERSION = "comfyui-lags", "0.1.0"
SDXL_BASE = "sd_xl_base_1.0.safetensors"
SDXL_URL = "https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/resolve/main/sd_xl_base_1.0.safetensors"
NEGATIVE = "blurry, low quality, jpeg artifacts, watermark, text"


class Graph:
    """A UI workflow under construction: nodes with spec-ordered sockets and widgets."""

    def __init__(self, specs: dict, comfyui_version: str):
        self.specs, self.comfyui_version = specs, comfyui_version
        self.nodes, self.links = [], []

    def add(self, kind, pos, widgets=None, controls=None, title=None, size=None, properties=None, colour=None):
        widgets, controls = dict(widgets or {}), dict(controls or {})
        node_id = len(self.nodes) + 1
        if kind == "MarkdownNote":
            node = {"id": node_id, "type": kind, "pos": list(pos), "size": list(size or (420, 260)), "flags": {},
                    "order": 0, "mode": 0, "inputs": [], "outputs": [], "properties": {},
                    "widgets_values": [widgets["text"]], "color": "#432", "bgcolor": "#653"}
            if title:
                node["title"] = title
            self.nodes.append(node)
            return node_id
        spec = self.specs[kind]
        values, last = [], None
        for name in widget_order(spec):
            if name == CONTROL:
                values.append(controls.pop(last, "fixed"))
                continue
            entry = next(e for e in spec["inputs"] if e["name"] == name)
            if name in widgets:
                values.append(widgets.pop(name))
            elif "default" in entry:
                values.append(entry["default"])
            elif entry["type"] == "COMBO" and entry["options"]:
                values.append(entry["options"][0])
            else:
                raise ValueError(f"{kind}: widget {name!r} has no default; give a value")
            last = name
        if widgets or controls:
            raise ValueError(f"{kind}: unknown widgets {sorted(widgets)} / controls {sorted(controls)}")
        core = not kind.startswith("LAGS")
        node = {
            "id": node_id, "type": kind, "pos": list(pos),
            "size": list(size or (320, 60 + 26 * max(len(sockets(spec)), len(spec["outputs"])) + 26 * len(values))),
            "flags": {}, "order": 0, "mode": 0,
            "inputs": [{"name": e["name"], "type": e["type"], "link": None} for e in sockets(spec)],
            "outputs": [{"name": o["name"], "type": o["type"], "slot_index": i, "links": []}
                        for i, o in enumerate(spec["outputs"])],
            "properties": {"Node name for S&R": kind, "cnr_id": "comfy-core" if core else PACK_ID,
                           "ver": self.comfyui_version if core else PACK_VERSION, **(properties or {})},
            "widgets_values": values,
        }
        if title:
            node["title"] = title
        if colour:
            node["color"], node["bgcolor"] = colour
        self.nodes.append(node)
        return node_id

    def link(self, src: int, output: str, dst: int, input_name: str):
        src_node, dst_node = self.nodes[src - 1], self.nodes[dst - 1]
        src_slot = next(i for i, o in enumerate(src_node["outputs"]) if o["name"] == output)
        kind = src_node["outputs"][src_slot]["type"]
        slots = [i for i, s in enumerate(dst_node["inputs"]) if s["name"] == input_name]
        if not slots:  # a widget driven by a link gets an input of its own
            entry = next(e for e in self.specs[dst_node["type"]]["inputs"] if e["name"] == input_name and is_widget(e))
            dst_node["inputs"].append({"name": input_name, "type": entry["type"], "widget": {"name": input_name},
                                       "link": None})
            slots = [len(dst_node["inputs"]) - 1]
        link_id = len(self.links) + 1
        dst_node["inputs"][slots[0]]["link"] = link_id
        src_node["outputs"][src_slot]["links"].append(link_id)
        self.links.append([link_id, src, src_slot, dst, slots[0], kind])

    def to_json(self, name: str) -> dict:
        self._number_execution_order()
        return {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"comfyui-lags/workflows/{name}")),
            "revision": 0,
            "last_node_id": len(self.nodes),
            "last_link_id": len(self.links),
            "nodes": self.nodes,
            "links": self.links,
            "groups": [],
            "config": {},
            "extra": {"ds": {"scale": 0.75, "offset": [40, 40]}},
            "version": 0.4,
        }

    def _number_execution_order(self):
        parents = {n["id"]: {link[1] for link in self.links if link[3] == n["id"]} for n in self.nodes}
        done = []
        while len(done) < len(self.nodes):
            ready = sorted(i for i, p in parents.items() if i not in done and p <= set(done))
            done += ready[:1]
        for order, node_id in enumerate(done):
            self.nodes[node_id - 1]["order"] = order


def sdxl_base(g: Graph, prompt: str, y: int = 0, checkpoint: tuple = (SDXL_BASE, SDXL_URL),
              latent_node: str = "EmptyLatentImage"):
    """Checkpoint, prompts and a 1024x1024 latent; returns their node ids."""
    name, url = checkpoint
    ckpt = g.add("CheckpointLoaderSimple", (0, y + 120), {"ckpt_name": name}, properties={
        "models": [{"name": name, "url": url, "directory": "checkpoints"}]})
    pos = g.add("CLIPTextEncode", (380, y), {"text": prompt}, title="Positive prompt", size=(400, 180),
                colour=("#232", "#353"))
    neg = g.add("CLIPTextEncode", (380, y + 230), {"text": NEGATIVE}, title="Negative prompt", size=(400, 130),
                colour=("#322", "#533"))
    latent = g.add(latent_node, (380, y + 410), {"width": 1024, "height": 1024, "batch_size": 1})
    for clip_user in (pos, neg):
        g.link(ckpt, "CLIP", clip_user, "clip")
    return ckpt, pos, neg, latent


#: Sampler settings shared by the plain and the LAGS sampler (SDXL-typical).
SAMPLING = {"steps": 30, "cfg": 7.0, "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 1.0}
#: The nodes' defaults: decode_scale auto decodes only what the reward needs, in tiles when
#: memory is short (docs/memory.md).
LAGS_SETTINGS = {"method": "lags", "decode_scale": "auto", "decoder": "vae"}


def lags_branch(g: Graph, ckpt, pos, neg, latent, reward, x: int, y: int, seed: int = 42, sampling=None):
    # Below the sampler: room for the schedule chart (the web extension grows the sampler for its trace).
    schedule = g.add("LAGSScheduleAlpha", (x, y + 720), {"c": 10.0}, size=(340, 280))
    sampler = g.add("LAGSWeightedSampler", (x, y), {"seed": seed, **(sampling or SAMPLING), **LAGS_SETTINGS},
                    controls={"seed": "randomize"}, size=(340, 520))
    for src, out, name in ((ckpt, "MODEL", "model"), (pos, "CONDITIONING", "positive"),
                           (neg, "CONDITIONING", "negative"), (latent, "LATENT", "latent_image"),
                           (reward, "reward", "reward"), (ckpt, "VAE", "vae"), (schedule, "schedule", "schedule")):
        g.link(src, out, sampler, name)
    return sampler


def shared_sampling(g: Graph, x: int, y: int):
    """Seed, steps and CFG primitives that a plain and a LAGS sampler both read."""
    seed = g.add("PrimitiveInt", (x, y), {"value": 42}, controls={"value": "randomize"}, title="Seed (shared)")
    steps = g.add("PrimitiveInt", (x, y + 170), {"value": SAMPLING["steps"]}, title="Steps (shared)")
    cfg = g.add("PrimitiveFloat", (x, y + 340), {"value": SAMPLING["cfg"]}, title="CFG (shared)")
    return seed, steps, cfg


def decode_and_save(g: Graph, ckpt, sampler, prefix: str, x: int, y: int, title=None):
    decode = g.add("VAEDecode", (x, y), size=(210, 50))
    g.link(sampler, "LATENT", decode, "samples")
    g.link(ckpt, "VAE", decode, "vae")
    save = g.add("SaveImage", (x + 240, y), {"filename_prefix": prefix}, size=(520, 560), title=title)
    g.link(decode, "IMAGE", save, "images")


NEEDS_SDXL = "**Needs:** `sd_xl_base_1.0.safetensors` in `models/checkpoints` (any SDXL checkpoint works).\n\n"
NOTE_HOW = (
    "**How it works:** every guided step the sampler decodes its current estimate of the final image, scores "
    "it with the reward and nudges the estimate along the reward's gradient (one extra model call per guided "
    "step). Measured on CPU with SD-architecture models: 1.9x (these defaults) to 3.3x (full-size decode) the "
    "time of a plain KSampler (docs/performance.md). The schedule keeps guidance off at high noise.\n\n")
NOTE_STRENGTH = (
    "**Strength** is per latent pixel, so it means the same at any image size: raise it if the effect is too "
    "weak, lower it if images degrade. `decode_scale` auto decodes only what the reward needs (a quarter-size "
    "image for a colour target), in tiles when memory is short: the reward path stays within 3 GiB at "
    "1024x1024 (docs/memory.md).")
NOTE_COMMON = NEEDS_SDXL + NOTE_HOW + NOTE_STRENGTH


def colour_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, "a quiet harbour town at dusk, boats, lanterns, cinematic photograph")
    reward = g.add("LAGSColourReward", (380, 640), {"colour": "#e03c28", "palette": ""})
    sampler = lags_branch(g, ckpt, pos, neg, latent, reward, x=860, y=0)
    decode_and_save(g, ckpt, sampler, "lags/colour", x=1240, y=0)
    g.add("MarkdownNote", (-460, 0), {"text": (
        "## LAGS colour reward (SDXL)\n\nSamples images whose overall colour is close to the target "
        "(`#e03c28`, a warm red), without changing the checkpoint. Put hex colours in `palette` "
        "(e.g. `#1b2a49, #e8d5b7, #c0392b`) to pull every pixel towards its nearest palette colour "
        "instead.\n\n" + NOTE_COMMON)}, title="About this workflow", size=(420, 480))
    return g.to_json("sdxl_colour_reward")


def frequency_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, "an old oak tree in a meadow, bark and leaves, detailed photograph")
    reward = g.add("LAGSFrequencyReward", (380, 640), {"f_lo": 0.25, "f_hi": 0.5, "mode": "favour"})
    sampler = lags_branch(g, ckpt, pos, neg, latent, reward, x=860, y=0)
    decode_and_save(g, ckpt, sampler, "lags/frequency", x=1240, y=0)
    g.add("MarkdownNote", (-460, 0), {"text": (
        "## LAGS frequency reward (SDXL)\n\nFavours fine detail: more of the image's brightness variation "
        "at 0.25-0.5 cycles per pixel. Set `mode` to `suppress` for smoother, painterly images, or move "
        "the band down (e.g. 0.02-0.1) to act on large shapes instead.\n\n" + NOTE_COMMON)},
        title="About this workflow", size=(420, 480))
    return g.to_json("sdxl_frequency_reward")


def ab_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, "a quiet harbour town at dusk, boats, lanterns, cinematic photograph")
    seed, steps, cfg = shared_sampling(g, 380, 610)
    plain = g.add("KSampler", (860, -600), {"seed": 42, **SAMPLING}, controls={"seed": "randomize"},
                  title="A: plain KSampler", size=(340, 300))
    for src, out, name in ((ckpt, "MODEL", "model"), (pos, "CONDITIONING", "positive"),
                           (neg, "CONDITIONING", "negative"), (latent, "LATENT", "latent_image")):
        g.link(src, out, plain, name)
    reward = g.add("LAGSColourReward", (380, 1130), {"colour": "#e03c28", "palette": ""})
    lags = lags_branch(g, ckpt, pos, neg, latent, reward, x=860, y=0)
    g.nodes[lags - 1]["title"] = "B: LAGS Weighted Sampler"
    for sampler in (plain, lags):
        g.link(seed, "INT", sampler, "seed")
        g.link(steps, "INT", sampler, "steps")
        g.link(cfg, "FLOAT", sampler, "cfg")
    decode_and_save(g, ckpt, plain, "lags_ab/A_plain", x=1240, y=-600, title="A: plain")
    decode_and_save(g, ckpt, lags, "lags_ab/B_lags", x=1240, y=0, title="B: LAGS (colour reward)")
    g.add("MarkdownNote", (-460, 0), {"text": (
        "## A/B: plain KSampler vs LAGS\n\nBoth samplers get the same model, prompts, latent, seed, steps and "
        "CFG (the three shared values on the left), so the only difference between image A and image B is "
        "the reward guidance. Keep `sampler_name` and `scheduler` equal on both samplers. Swap the colour "
        "reward for any other LAGS reward to compare it.\n\n" + NOTE_COMMON)},
        title="About this workflow", size=(420, 520))
    return g.to_json("ab_plain_vs_lags")


FLUX_DEV = ("flux1-dev-fp8.safetensors",
            "https://huggingface.co/Comfy-Org/flux1-dev/resolve/main/flux1-dev-fp8.safetensors")
SD35 = ("sd3.5_large_fp8_scaled.safetensors",
        "https://huggingface.co/Comfy-Org/stable-diffusion-3.5-fp8/resolve/main/sd3.5_large_fp8_scaled.safetensors")
#: Flux.1 [dev] is guidance-distilled: cfg 1 (no negative pass), FluxGuidance sets the strength.
FLUX_SAMPLING = {"steps": 20, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}
SD35_SAMPLING = {"steps": 28, "cfg": 4.5, "sampler_name": "euler", "scheduler": "sgm_uniform", "denoise": 1.0}

NOTE_FLOW = (
    "**Flow model:** LAGS guides flow-matching models with their own formula (the guidance sees the "
    "equivalent noise level sigma/(1-sigma), so the schedule chart shows the real run's steps after the "
    "first run). Strength means the same as for SDXL: per latent pixel.\n\n")


def colour_flow_workflow(specs, version, name, checkpoint, sampling, prompt_text, title, flux=False) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, prompt_text, checkpoint=checkpoint, latent_node="EmptySD3LatentImage")
    positive = pos
    if flux:
        positive = g.add("FluxGuidance", (380, -200), {"guidance": 3.5}, size=(300, 60))
        g.link(pos, "CONDITIONING", positive, "conditioning")
    reward = g.add("LAGSColourReward", (380, 640), {"colour": "#e03c28", "palette": ""})
    sampler = lags_branch(g, ckpt, positive, neg, latent, reward, x=860, y=0, sampling=sampling)
    decode_and_save(g, ckpt, sampler, f"lags/{name}", x=1240, y=0)
    needs = f"**Needs:** `{checkpoint[0]}` in `models/checkpoints` (the all-in-one file: model, text encoders, VAE).\n\n"
    g.add("MarkdownNote", (-460, 0), {"text": (
        f"## LAGS colour reward ({title})\n\nSamples images whose overall colour is close to the target "
        "(`#e03c28`, a warm red), without changing the checkpoint.\n\n" + needs + NOTE_FLOW + NOTE_HOW
        + NOTE_STRENGTH)}, title="About this workflow", size=(420, 600))
    return g.to_json(name)


def flux_workflow(specs, version) -> dict:
    return colour_flow_workflow(specs, version, "flux_dev_colour_reward", FLUX_DEV, FLUX_SAMPLING,
                                "a quiet harbour town at dusk, boats, lanterns, cinematic photograph",
                                "Flux.1 [dev], cfg 1 + FluxGuidance", flux=True)


def sd35_workflow(specs, version) -> dict:
    return colour_flow_workflow(specs, version, "sd35_colour_reward", SD35, SD35_SAMPLING,
                                "a quiet harbour town at dusk, boats, lanterns, cinematic photograph",
                                "SD3.5 Large")


BUILDERS = {
    "sdxl_colour_reward.json": colour_workflow,
    "flux_dev_colour_reward.json": flux_workflow,
    "sd35_colour_reward.json": sd35_workflow,
    "sdxl_frequency_reward.json": frequency_workflow,
    "ab_plain_vs_lags.json": ab_workflow,
}


def write_workflows(builders: dict) -> None:
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    for name, build in builders.items():
        workflow = build(load_specs(), snapshot["comfyui_version"])
        (WORKFLOWS / name).write_text(json.dumps(workflow, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote workflows/{name}: {len(workflow['nodes'])} nodes, {len(workflow['links'])} links")


if __name__ == "__main__":
    write_workflows(BUILDERS)
