"""What ComfyUI's Templates browser gets from the pack: workflows only, each with its
thumbnail, titled and described like ComfyUI's own templates, notes quoting measured costs,
and a layout with room for what a run adds (host-free; the browser test checks the real
frontend)."""
import json
import re

import pytest
from PIL import Image, ImageStat

from measured_costs import MissingMeasurement, measured_costs, memory_peaks, particle_time_ratio, ratio, time_ratios
from published import REPO, TEMPLATES, published_files, published_workflows
from workflow_layout import TITLE, Sizer, boxes_overlap
from workflow_spec import SNAPSHOT, load_specs

#: Folder names ComfyUI publishes as a pack's templates (app/custom_node_manager.py, v0.8.0).
PUBLISHED_FOLDER_NAMES = ("example_workflows", "example", "examples", "workflow", "workflows")
MIN_THUMBNAIL_PX = 256


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def note_of(workflow) -> str:
    notes = [n["widgets_values"][0] for n in workflow["nodes"] if n["type"] == "MarkdownNote"]
    assert len(notes) == 1
    return notes[0]


def test_the_published_folder_holds_the_catalogue_and_nothing_else():
    expected = {t.path.name for t in TEMPLATES.values()} | {t.thumbnail.name for t in TEMPLATES.values()}
    assert {p.name for p in published_files()} == expected


def test_no_other_folder_is_published_and_the_spec_snapshot_lives_with_the_tests():
    published = [name for name in PUBLISHED_FOLDER_NAMES if (REPO / name).exists()]
    assert published == ["example_workflows"]
    assert SNAPSHOT.parent == REPO / "tests" and SNAPSHOT.exists()
    assert "nodes" in load(SNAPSHOT) and not isinstance(load(SNAPSHOT)["nodes"], list)  # not a workflow


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_workflow_has_a_real_jpeg_thumbnail(key):
    path = TEMPLATES[key].thumbnail
    assert path.exists(), f"{path.name} is missing: see tests/make_workflows.py for the command"
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert image.width == image.height >= MIN_THUMBNAIL_PX
        stat = ImageStat.Stat(image.convert("L"))
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert stat.stddev[0] > 10, "a blank picture"
    assert colours is None or len(colours) > 256, "too few colours for a screenshot of the graph"


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_titles_and_descriptions_read_like_comfyui_templates(key):
    template = TEMPLATES[key]
    assert re.fullmatch(r"LAGS [A-Za-z0-9 .()]+", template.title), template.title  # no file-name look (_, -)
    words = [w.strip("()") for w in template.title.split()]
    assert all(w[0].isupper() or w[0].isdigit() or w in ("vs",) for w in words), template.title
    assert len(template.title) <= 40
    sentence = template.description
    assert sentence[0].isupper() and sentence.endswith(".") and sentence.count(". ") == 0, sentence
    assert 40 <= len(sentence) <= 160, sentence
    note = note_of(load(template.path))
    assert note.startswith(f"## {template.title}\n\n{sentence}\n\n")


@pytest.mark.parametrize("path", published_workflows(), ids=lambda p: p.stem)
def test_notes_quote_the_measured_costs(path):
    costs = measured_costs()
    note = note_of(load(path))
    assert f"{ratio(costs.time_defaults)} the time of a plain KSampler" in note
    assert f"{ratio(costs.time_full_size)} with a full-size decode" in note
    for guess in ("roughly", "about 2x", "~2x"):
        assert guess not in note
    quoted = {float(x) for x in re.findall(r"(\d+(?:\.\d+)?)x (?:the time|with)", note)}
    expected = {round(costs.time_defaults, 1), round(costs.time_full_size, 1)}
    if "4 particles" in note:  # the particle workflows quote their own measured row too
        expected.add(round(particle_time_ratio(), 1))
    assert quoted == expected


PERF = """| variant | guided steps | × plain (wall) |
| --- | --- | --- |
| KSampler (plain) | 0/9 | 1.00× |
| defaults (decode_scale auto = 1/4 for this colour reward) | 6/9 | 2.10× |
| lags, decode_scale 1.0 | 6/9 | 3.32× |
"""
MEMORY = """## 3. New defaults at 1024², batch 1

| reward | decoded | peak MiB |
| --- | --- | --- |
| colour mean | 256x256 | 577 |
| frequency | 1024x1024 | 1,331 |
| CLIP-input-sized (PickScore path) | 224x224 | 441 |

- CLIP model activations (estimate): ViT-H-14: **415 MiB** above its weights.
"""


def test_the_cost_reader_takes_the_report_rows_and_refuses_a_report_without_them():
    assert time_ratios(PERF) == (2.10, 3.32)
    assert memory_peaks(MEMORY) == (1331.0, 856.0)
    with pytest.raises(MissingMeasurement, match="full-size decode"):
        time_ratios(PERF.replace("lags, decode_scale 1.0", "lags, decode_scale 0.5"))
    with pytest.raises(MissingMeasurement, match="defaults at 1024"):
        memory_peaks(MEMORY.replace("defaults at 1024²", "old settings"))


@pytest.mark.parametrize("path", published_workflows(), ids=lambda p: p.stem)
def test_layout_leaves_room_for_a_run(path):
    """Each node's box after a run (preview added, pack nodes as large as measured), title
    bar included, overlaps no other: what the browser test checks for the runnable ones."""
    specs, sizer = load_specs(), Sizer()
    boxes = []
    for node in load(path)["nodes"]:
        spec = specs.get(node["type"])
        width, height = sizer.room(node["type"], spec, *node["size"])
        boxes.append((node.get("title", node["type"]), (node["pos"][0], node["pos"][1] - TITLE, width, height + TITLE)))
    overlaps = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if boxes_overlap(box_a, box_b)]
    assert overlaps == []


def test_the_layout_check_can_fail():
    workflow = load(TEMPLATES["ab_plain_vs_lags"].path)
    plain = next(n for n in workflow["nodes"] if n["type"] == "KSampler")
    lags = next(n for n in workflow["nodes"] if n["type"] == "LAGSWeightedSampler")
    sizer, specs = Sizer(), load_specs()
    _, plain_room = sizer.room("KSampler", specs["KSampler"], *plain["size"])
    # B placed where A's preview will grow into
    a = (plain["pos"][0], plain["pos"][1] - TITLE, plain["size"][0], plain_room + TITLE)
    b = (lags["pos"][0], plain["pos"][1] + plain["size"][1] + 10, lags["size"][0], lags["size"][1] + TITLE)
    assert boxes_overlap(a, b)
