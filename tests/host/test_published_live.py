"""What a live ComfyUI serves from this pack to its frontend, fetched the way the frontend
(1.35) fetches it: the Templates browser's list, each workflow and its thumbnail
(/api/workflow_templates/<pack folder>/<name>.json|.jpg), and each node's help page
(/extensions/<pack folder>/docs/<node id>.md, the folder taken from the node's python_module).
The help pages and the README name the nodes as ComfyUI shows them."""
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE.parent))  # tests/: what the pack publishes

from live_server import PACK_FOLDER, REPO, comfy_server  # noqa: E402
from published import TEMPLATES  # noqa: E402

COMFYUI_PATH = os.environ.get("COMFYUI_PATH", "")
pytestmark = pytest.mark.skipif(not COMFYUI_PATH, reason="COMFYUI_PATH is not set: needs a ComfyUI checkout")

DOCS = REPO / "web" / "docs"
#: Nodes whose help page must explain the chart they draw.
CHART_NODES = ("LAGSWeightedSampler", "LAGSGuidance", "LAGSScheduleAlpha", "LAGSScheduleStart",
               "LAGSScheduleHardGate", "LAGSScheduleConstant")


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


@pytest.fixture(scope="module")
def served():
    """(server url, the pack's nodes from /object_info, the template list) while ComfyUI runs."""
    with comfy_server(COMFYUI_PATH) as server:
        info = server.object_info()
        pack = {name: node for name, node in info.items() if node.get("python_module", "").startswith("custom_nodes.")}
        assert pack, "the pack did not load:\n" + server.log_tail()
        _, _, listing = fetch(server.url + "/api/workflow_templates")
        yield server.url, pack, json.loads(listing)


def template_url(url: str, name: str) -> str:
    return f"{url}/api/workflow_templates/{PACK_FOLDER}/{urllib.parse.quote(name)}"


def test_the_templates_browser_lists_the_published_workflows_only(served):
    _, _, listing = served
    assert sorted(listing.get(PACK_FOLDER, [])) == sorted(t.title for t in TEMPLATES.values())


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_each_template_and_its_thumbnail_are_served(served, key):
    url, _, _ = served
    title = TEMPLATES[key].title
    status, _, body = fetch(template_url(url, title + ".json"))
    assert status == 200 and isinstance(json.loads(body)["nodes"], list)
    status, kind, body = fetch(template_url(url, title + ".jpg"))
    assert (status, kind) == (200, "image/jpeg") and body[:3] == b"\xff\xd8\xff"


def test_a_file_that_is_not_published_is_not_served(served):
    url, _, _ = served
    assert fetch(template_url(url, "node_specs.json"))[0] == 404


def help_url(url: str, node: dict) -> str:
    folder = node["python_module"].split(".")[1]  # the frontend's extractCustomNodeName
    return f"{url}/extensions/{urllib.parse.quote(folder)}/docs/{node['name']}.md"


def inputs_of(node: dict) -> list[str]:
    return [name for section in ("required", "optional") for name in node["input"].get(section, {})]


def test_every_node_has_a_help_page_served_where_the_frontend_looks(served):
    url, pack, _ = served
    missing = [name for name, node in pack.items() if fetch(help_url(url, node))[0] != 200]
    assert missing == []
    assert sorted(p.stem for p in DOCS.glob("*.md")) == sorted(pack), "a help page for a node that does not exist"


def test_help_pages_name_the_node_and_every_input(served):
    _, pack, _ = served
    problems = []
    for name, node in sorted(pack.items()):
        text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
        if text.splitlines()[0] != f"# {node['display_name']}":
            problems.append(f"{name}: heading {text.splitlines()[0]!r}, node shows {node['display_name']!r}")
        problems += [f"{name}: input `{i}` not explained" for i in inputs_of(node) if f"`{i}`" not in text]
    assert problems == []


@pytest.mark.parametrize("node_id", CHART_NODES)
def test_chart_nodes_explain_their_chart_with_a_picture_that_is_served(served, node_id):
    url, pack, _ = served
    text = (DOCS / f"{node_id}.md").read_text(encoding="utf-8")
    assert "## The chart" in text
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert pictures
    base = help_url(url, pack[node_id]).rsplit("/", 1)[0]  # the frontend resolves pictures against it
    for picture in pictures:
        status, kind, _ = fetch(f"{base}/{picture}")
        assert (status, kind) == (200, "image/png"), picture


def test_the_readme_names_the_nodes_as_comfyui_shows_them(served):
    _, pack, _ = served
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Nodes", 1)[1].split("\n### ", 1)[0]
    named = set(re.findall(r"\*\*(LAGS [^*]+)\*\*", table))
    shown = {node["display_name"] for node in pack.values()}
    assert named == shown
