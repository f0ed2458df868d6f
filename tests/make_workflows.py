"""Write the published UI-format workflows (example_workflows/*.json) from the node specs.

    python tests/make_workflows.py && python tests/make_learned_workflows.py

Building them from the spec snapshot (tests/node_specs.json) keeps socket slots and the
positional widgets_values in the frontend's order, with every widget not set here at its
node default; tests/test_workflows.py then checks the files on their own terms. Each file
is named by its title in ComfyUI's Templates browser (tests/published.py); its thumbnail
(the .jpg beside it) is a screenshot the browser test takes after running the workflow:

    LAGS_UPDATE_THUMBNAILS=1 COMFYUI_PATH=/path/to/ComfyUI PYTHON=$PWD/.venv/bin/python \
        node --test tests/e2e/lags_e2e.test.mjs

Hand edits made in ComfyUI and saved over a file are fine as long as those tests pass
(this script would overwrite them).
"""
from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from published import EXAMPLES, template  # noqa: E402
from workflow_layout import TITLE, Columns, Sizer  # noqa: E402
from workflow_notes import NEEDS_SDXL, note, particle_cost  # noqa: E402
from workflow_spec import CONTROL, SNAPSHOT, is_widget, load_specs, sockets, widget_order  # noqa: E402

PACK_ID, PACK_VERSION = "comfyui-lags", "0.1.0"
SDXL_BASE = "sd_xl_base_1.0.safetensors"
SDXL_URL = "https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/resolve/main/sd_xl_base_1.0.safetensors"
NEGATIVE = "blurry, low quality, jpeg artifacts, watermark, text"


#: Columns left to right (tests/workflow_layout.py); the loader column starts at x = 0.
COLUMNS = ("note", "loader", "inputs", "samplers", "decode", "save")
DEFAULT_WIDTH = 320


class Graph:
    """A UI workflow under construction: nodes with spec-ordered sockets and widgets, placed
    in columns with room for what a run adds (tests/workflow_layout.py)."""

    def __init__(self, specs: dict, comfyui_version: str):
        self.specs, self.comfyui_version = specs, comfyui_version
        self.nodes, self.links = [], []
        self.columns, self.sizer, self.column_of = Columns(COLUMNS, origin="loader"), Sizer(), {}

    def add(self, kind, at, widgets=None, controls=None, title=None, size=None, properties=None, colour=None):
        """Adds a node at the bottom of column `at`; size defaults to what the frontend computes."""
        widgets, controls = dict(widgets or {}), dict(controls or {})
        node_id = len(self.nodes) + 1
        spec = None if kind == "MarkdownNote" else self.specs[kind]
        width, height = self.sizer.size(kind, spec, *(size or (DEFAULT_WIDTH, 0)))
        pos = [0, self.columns.place(at, *self.sizer.room(kind, spec, width, height))]  # x once all are placed
        self.column_of[node_id] = at
        if spec is None:
            node = {"id": node_id, "type": kind, "pos": pos, "size": [width, height], "flags": {}, "order": 0,
                    "mode": 0, "inputs": [], "outputs": [], "properties": {}, "widgets_values": [widgets["text"]],
                    "color": "#432", "bgcolor": "#653"}
            if title:
                node["title"] = title
            self.nodes.append(node)
            return node_id
        values = self._widget_values(kind, spec, widgets, controls)
        core = not kind.startswith("LAGS")
        node = {
            "id": node_id, "type": kind, "pos": pos, "size": [width, height],
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

    @staticmethod
    def _widget_values(kind, spec, widgets, controls) -> list:
        """Positional widgets_values: given values, else the spec's defaults (first combo choice)."""
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
        return values

    def top_of(self, node_id: int) -> int:
        """Where the node's title bar starts."""
        return self.nodes[node_id - 1]["pos"][1] - TITLE

    def add_note(self, text: str, size=(420, 600)) -> int:
        return self.add("MarkdownNote", "note", {"text": text}, title="About this workflow", size=size)

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
        for node in self.nodes:
            node["pos"][0] = self.columns.x(self.column_of[node["id"]])
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


def sdxl_base(g: Graph, prompt: str, checkpoint: tuple = (SDXL_BASE, SDXL_URL),
              latent_node: str = "EmptyLatentImage"):
    """Checkpoint, prompts and a 1024x1024 latent; returns their node ids."""
    name, url = checkpoint
    ckpt = g.add("CheckpointLoaderSimple", "loader", {"ckpt_name": name}, properties={
        "models": [{"name": name, "url": url, "directory": "checkpoints"}]})
    pos = g.add("CLIPTextEncode", "inputs", {"text": prompt}, title="Positive prompt", size=(400, 180),
                colour=("#232", "#353"))
    neg = g.add("CLIPTextEncode", "inputs", {"text": NEGATIVE}, title="Negative prompt", size=(400, 130),
                colour=("#322", "#533"))
    latent = g.add(latent_node, "inputs", {"width": 1024, "height": 1024, "batch_size": 1})
    for clip_user in (pos, neg):
        g.link(ckpt, "CLIP", clip_user, "clip")
    return ckpt, pos, neg, latent


#: Sampler settings shared by the plain and the LAGS sampler (SDXL-typical).
SAMPLING = {"steps": 30, "cfg": 7.0, "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 1.0}
#: The nodes' defaults: decode_scale auto decodes only what the reward needs, in tiles when
#: memory is short (docs/memory.md).
LAGS_SETTINGS = {"method": "lags", "decode_scale": "auto", "decoder": "vae"}
SAMPLER_WIDTH = 340
#: Particles: 4 per image on a stochastic sampler, with the schedule particles default to
#: (particles.PARTICLE_SCHEDULE_C: the same alpha guides and weights them).
PARTICLES = {"particles": 4, "particles_compete": "each image", "sampler_name": "euler_ancestral"}
PARTICLE_SCHEDULE_C = 1000.0


def lags_branch(g: Graph, ckpt, pos, neg, latent, reward, seed: int = 42, sampling=None, title=None,
                particles=None):
    """The LAGS sampler with its schedule below it (the schedule's chart reads the sampler).
    particles: the sampler's particle widgets (PARTICLES); their schedule starts later (c = 1000)."""
    sampler = g.add("LAGSWeightedSampler", "samplers",
                    {"seed": seed, **(sampling or SAMPLING), **LAGS_SETTINGS, **(particles or {})},
                    controls={"seed": "randomize"}, size=(SAMPLER_WIDTH, 0), title=title)
    schedule = g.add("LAGSScheduleAlpha", "samplers", {"c": PARTICLE_SCHEDULE_C if particles else 10.0},
                     size=(SAMPLER_WIDTH, 0))
    for src, out, name in ((ckpt, "MODEL", "model"), (pos, "CONDITIONING", "positive"),
                           (neg, "CONDITIONING", "negative"), (latent, "LATENT", "latent_image"),
                           (reward, "reward", "reward"), (ckpt, "VAE", "vae"), (schedule, "schedule", "schedule")):
        g.link(src, out, sampler, name)
    return sampler


def plain_sampler(g: Graph, ckpt, pos, neg, latent, title):
    plain = g.add("KSampler", "samplers", {"seed": 42, **SAMPLING}, controls={"seed": "randomize"}, title=title,
                  size=(SAMPLER_WIDTH, 0))
    for src, out, name in ((ckpt, "MODEL", "model"), (pos, "CONDITIONING", "positive"),
                           (neg, "CONDITIONING", "negative"), (latent, "LATENT", "latent_image")):
        g.link(src, out, plain, name)
    return plain


def shared_sampling(g: Graph):
    """Seed, steps and CFG primitives that a plain and a LAGS sampler both read."""
    seed = g.add("PrimitiveInt", "inputs", {"value": 42}, controls={"value": "randomize"}, title="Seed (shared)")
    steps = g.add("PrimitiveInt", "inputs", {"value": SAMPLING["steps"]}, title="Steps (shared)")
    cfg = g.add("PrimitiveFloat", "inputs", {"value": SAMPLING["cfg"]}, title="CFG (shared)")
    return seed, steps, cfg


def share(g: Graph, shared, samplers):
    for sampler in samplers:
        for src, out, name in zip(shared, ("INT", "INT", "FLOAT"), ("seed", "steps", "cfg")):
            g.link(src, out, sampler, name)


def decode_and_save(g: Graph, ckpt, sampler, prefix: str, title=None) -> int:
    """VAEDecode + SaveImage level with the sampler (or lower); returns the VAEDecode id."""
    for column in ("decode", "save"):
        g.columns.start_at(column, g.top_of(sampler))
    decode = g.add("VAEDecode", "decode", size=(210, 0))
    g.link(sampler, "LATENT", decode, "samples")
    g.link(ckpt, "VAE", decode, "vae")
    save = g.add("SaveImage", "save", {"filename_prefix": prefix}, size=(520, 560), title=title)
    g.link(decode, "IMAGE", save, "images")
    return decode


COLOUR = {"colour": "#e03c28", "palette": ""}
HARBOUR = "a quiet harbour town at dusk, boats, lanterns, cinematic photograph"


def colour_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, HARBOUR)
    reward = g.add("LAGSColourReward", "inputs", COLOUR)
    sampler = lags_branch(g, ckpt, pos, neg, latent, reward)
    decode_and_save(g, ckpt, sampler, "lags/colour")
    g.add_note(note(template("sdxl_colour_reward"), (
        "The target is `#e03c28`, a warm red. Put hex colours in `palette` (e.g. `#1b2a49, #e8d5b7, #c0392b`) "
        "to pull every pixel towards its nearest palette colour instead."), NEEDS_SDXL))
    return g.to_json("sdxl_colour_reward")


def frequency_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, "an old oak tree in a meadow, bark and leaves, detailed photograph")
    reward = g.add("LAGSFrequencyReward", "inputs", {"f_lo": 0.25, "f_hi": 0.5, "mode": "favour"})
    sampler = lags_branch(g, ckpt, pos, neg, latent, reward)
    decode_and_save(g, ckpt, sampler, "lags/frequency")
    g.add_note(note(template("sdxl_frequency_reward"), (
        "Here: more of the image's brightness variation at 0.25-0.5 cycles per pixel (fine detail). Set "
        "`mode` to `suppress` for smoother, painterly images, or move the band down (e.g. 0.02-0.1) to act "
        "on large shapes instead."), NEEDS_SDXL))
    return g.to_json("sdxl_frequency_reward")


def ab_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, HARBOUR)
    shared = shared_sampling(g)
    reward = g.add("LAGSColourReward", "inputs", COLOUR)
    plain = plain_sampler(g, ckpt, pos, neg, latent, "A: plain KSampler")
    decode_and_save(g, ckpt, plain, "lags_ab/A_plain", title="A: plain")
    g.columns.start_at("samplers", g.columns.next_title["save"])  # B's row starts below A's image
    lags = lags_branch(g, ckpt, pos, neg, latent, reward, title="B: LAGS Weighted Sampler")
    share(g, shared, (plain, lags))
    decode_and_save(g, ckpt, lags, "lags_ab/B_lags", title="B: LAGS (colour reward)")
    g.add_note(note(template("ab_plain_vs_lags"), (
        "The three shared values on the left feed both samplers, so the only difference between image A and "
        "image B is the reward guidance. Keep `sampler_name` and `scheduler` equal on both samplers. Swap the "
        "colour reward for any other LAGS reward to compare it."), NEEDS_SDXL))
    return g.to_json("ab_plain_vs_lags")


def colour_particles_workflow(specs, version) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, HARBOUR)
    reward = g.add("LAGSColourReward", "inputs", COLOUR)
    sampler = lags_branch(g, ckpt, pos, neg, latent, reward, particles=PARTICLES)
    decode_and_save(g, ckpt, sampler, "lags/colour_particles")
    g.add_note(note(template("sdxl_colour_particles"), (
        "The same colour target as the colour workflow, with **4 particles** per image: the sampler runs four "
        "guided candidates, keeps re-drawing the ones closest to the target while the scene's overall colour is "
        "still being decided (where guidance alone is off), and saves one. Use it when guidance alone leaves the "
        "whole-scene colour unchanged; keep `particles` = 1 for gradual, local targets."),
        particle_cost(), NEEDS_SDXL))
    return g.to_json("sdxl_colour_particles")


FLUX_DEV = ("flux1-dev-fp8.safetensors",
            "https://huggingface.co/Comfy-Org/flux1-dev/resolve/main/flux1-dev-fp8.safetensors")
SD35 = ("sd3.5_large_fp8_scaled.safetensors",
        "https://huggingface.co/Comfy-Org/stable-diffusion-3.5-fp8/resolve/main/sd3.5_large_fp8_scaled.safetensors")
#: Flux.1 [dev] is guidance-distilled: cfg 1 (no negative pass), FluxGuidance sets the strength.
FLUX_SAMPLING = {"steps": 20, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}
SD35_SAMPLING = {"steps": 28, "cfg": 4.5, "sampler_name": "euler", "scheduler": "sgm_uniform", "denoise": 1.0}

FLOW = (
    "**Flow model:** LAGS guides flow-matching models with their own formula (the guidance sees the "
    "equivalent noise level sigma/(1-sigma), so the schedule chart shows the real run's steps after the "
    "first run). Strength means the same as for SDXL: per latent pixel.")


def colour_flow_workflow(specs, version, key, checkpoint, sampling, flux=False) -> dict:
    g = Graph(specs, version)
    ckpt, pos, neg, latent = sdxl_base(g, HARBOUR, checkpoint=checkpoint, latent_node="EmptySD3LatentImage")
    positive = pos
    if flux:
        positive = g.add("FluxGuidance", "inputs", {"guidance": 3.5})
        g.link(pos, "CONDITIONING", positive, "conditioning")
    reward = g.add("LAGSColourReward", "inputs", COLOUR)
    sampler = lags_branch(g, ckpt, positive, neg, latent, reward, sampling=sampling)
    decode_and_save(g, ckpt, sampler, f"lags/{key}")
    needs = f"**Needs:** `{checkpoint[0]}` in `models/checkpoints` (the all-in-one file: model, text encoders, VAE)."
    g.add_note(note(template(key), "The target is `#e03c28`, a warm red.", needs, FLOW), size=(420, 720))
    return g.to_json(key)


def flux_workflow(specs, version) -> dict:
    return colour_flow_workflow(specs, version, "flux_dev_colour_reward", FLUX_DEV, FLUX_SAMPLING, flux=True)


def sd35_workflow(specs, version) -> dict:
    return colour_flow_workflow(specs, version, "sd35_colour_reward", SD35, SD35_SAMPLING)


BUILDERS = {
    "sdxl_colour_reward": colour_workflow,
    "flux_dev_colour_reward": flux_workflow,
    "sd35_colour_reward": sd35_workflow,
    "sdxl_frequency_reward": frequency_workflow,
    "ab_plain_vs_lags": ab_workflow,
    "sdxl_colour_particles": colour_particles_workflow,
}


def write_workflows(builders: dict) -> None:
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    EXAMPLES.mkdir(exist_ok=True)
    for key, build in builders.items():
        workflow = build(load_specs(), snapshot["comfyui_version"])
        path = template(key).path
        path.write_text(json.dumps(workflow, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(EXAMPLES.parent)}: {len(workflow['nodes'])} nodes, "
              f"{len(workflow['links'])} links")


if __name__ == "__main__":
    write_workflows(BUILDERS)
