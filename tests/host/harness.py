"""TEST-ONLY harness: real ComfyUI, in-process, with this pack loaded by ComfyUI's loader.

Usage (helper tests): `host = harness.boot()` (or the `host` fixture in conftest.py), then
`host.run(prompt)` for an API-format prompt, or `run_api_prompt(prompt)` to run a
workflow written for real checkpoints with tiny in-process models substituted.

What boot() does, once per process:
- puts $COMFYUI_PATH FIRST on sys.path (this repo has a `nodes` package; ComfyUI's
  `nodes` module must win) and drops already-imported shadowing modules;
- uses the real torchvision if it imports, else the test-only stand-in in stubs/;
- sets ComfyUI's --cpu flag before comfy.model_management is imported;
- symlinks the pack into a temporary custom_nodes folder and runs ComfyUI's own
  nodes.init_extra_nodes(), then registers the test-only nodes of fixture_nodes.py;
- installs a recording stand-in for server.PromptServer.instance.
"""
from __future__ import annotations

import asyncio
import inspect
import os
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACK_ROOT = HERE.parents[1]
PACK_FOLDER = "comfyui-lags"
COMFYUI_PATH = os.environ.get("COMFYUI_PATH", "")
SKIP_REASON = ("COMFYUI_PATH is not set: the in-host tests need a ComfyUI checkout, "
               "e.g. COMFYUI_PATH=/work/ComfyUI python -m pytest tests/host")

#: Modules ComfyUI owns that this repo (or pytest's rootdir) could shadow.
_COMFY_TOP_LEVEL = ("nodes", "utils", "server", "execution", "folder_paths", "comfy", "comfy_api",
                    "comfy_execution", "comfy_extras", "latent_preview", "node_helpers", "app")

#: Core class_type -> test-only stand-in, for prompts written against real checkpoints.
SUBSTITUTES = {
    "CheckpointLoaderSimple": "LAGSTest_TinyCheckpoint",
    "VAELoader": "LAGSTest_TinyVAE",
    "CLIPTextEncode": "LAGSTest_TextEncode",
}

_HOST = None


class RecordingServer:
    """Stands in for server.PromptServer.instance; keeps every message it is sent."""

    def __init__(self):
        self.client_id = None
        self.last_node_id = None
        self.sockets_metadata = {}
        self.messages: list = []

    def send_sync(self, event, data, sid=None):
        self.messages.append((event, data))

    def queue_updated(self):
        pass


@dataclass
class RunResult:
    success: bool
    validation_error: dict | None = None
    node_errors: dict = field(default_factory=dict)
    error: dict | None = None  # the "execution_error" message, if any
    captures: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)  # UI outputs (SaveImage, PreviewImage, ...)
    messages: list = field(default_factory=list)

    @property
    def error_message(self) -> str:
        if self.error:
            return str(self.error.get("exception_message", ""))
        if self.validation_error or self.node_errors:
            return str(self.validation_error) + " " + str(self.node_errors)
        return ""

    def traces(self, node_id=None) -> list:
        return [d for e, d in self.messages if e == "lags.trace" and (node_id is None or d["node"] == str(node_id))]


def _put_comfyui_first() -> None:
    root = str(Path(COMFYUI_PATH).resolve())
    sys.path[:] = [root] + [p for p in sys.path if os.path.abspath(p or ".") != root]
    for name in _COMFY_TOP_LEVEL:
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None) or ""
        if module is not None and not os.path.abspath(origin).startswith(root):
            for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
                del sys.modules[key]


class Host:
    def __init__(self, workdir: Path):
        import execution
        import nodes
        import server

        self.workdir = workdir
        self.nodes = nodes
        self.execution = execution
        self.server = server.PromptServer.instance
        # The pack as ComfyUI's loader imported it (named after its custom_nodes path), not a
        # copy some other import path may have made (e.g. as `main` via the repo root).
        self.pack_module_name = next(k for k, v in sys.modules.items()
                                     if k.endswith(PACK_FOLDER) and getattr(v, "__file__", None)
                                     and Path(v.__file__).resolve() == PACK_ROOT / "__init__.py")

    # -- pack access --------------------------------------------------------------------
    def pack(self, submodule: str = ""):
        """A module of the pack as ComfyUI loaded it, e.g. host.pack("bridge.trace")."""
        import importlib

        return importlib.import_module(self.pack_module_name + ("." + submodule if submodule else ""))

    def object_info(self, node_id: str) -> dict:
        """What /object_info reports for a node (V3 nodes: their V1 view)."""
        return self.nodes.NODE_CLASS_MAPPINGS[node_id].GET_NODE_INFO_V1()

    # -- execution ----------------------------------------------------------------------
    def executor(self):
        params = inspect.signature(self.execution.PromptExecutor.__init__).parameters
        if "cache_args" in params:
            return self.execution.PromptExecutor(self.server, cache_type=False, cache_args={"lru": 0, "ram": 0})
        return self.execution.PromptExecutor(self.server, cache_type=False)

    def run(self, prompt: dict, executor=None, execute_outputs=None) -> RunResult:
        """Validate and execute an API-format prompt; a fresh executor unless one is given."""
        import fixture_nodes

        prompt_id = str(uuid.uuid4())
        valid = asyncio.run(self.execution.validate_prompt(prompt_id, prompt, None))
        if not valid[0]:
            return RunResult(False, validation_error=valid[1], node_errors=valid[3])
        executor = executor or self.executor()
        fixture_nodes.CAPTURES.clear()
        start = len(self.server.messages)
        executor.execute(prompt, prompt_id, {}, list(execute_outputs or valid[2]))
        error = next((d for e, d in executor.status_messages if e == "execution_error"), None)
        return RunResult(bool(executor.success) and error is None, error=error,
                         captures=dict(fixture_nodes.CAPTURES),
                         outputs=getattr(executor, "history_result", {}).get("outputs", {}),
                         messages=self.server.messages[start:])

    def put(self, key: str, obj) -> str:
        """Hand a Python object to prompts (LAGSTest_Model/_Latent/_Reward/_Schedule nodes)."""
        import fixture_nodes

        fixture_nodes.OBJECTS[key] = obj
        return key


def boot(cpu: bool = True) -> Host:
    """Start ComfyUI in-process once and return the Host (raises if COMFYUI_PATH is unset).
    cpu False (benchmarks on a CUDA machine): ComfyUI picks its device itself."""
    global _HOST
    if _HOST is not None:
        return _HOST
    if not COMFYUI_PATH:
        raise RuntimeError(SKIP_REASON)
    import torch

    torch.set_num_threads(1)
    _put_comfyui_first()
    for folder in (HERE, HERE.parent):  # tests/host: fixtures; tests/: the torchvision stand-in
        if str(folder) not in sys.path:
            sys.path.append(str(folder))
    from torchvision_stand_in import ensure_torchvision

    ensure_torchvision()  # the real torchvision wins; the test-only stand-in only if it cannot import

    from comfy.cli_args import args

    args.cpu = cpu
    args.disable_api_nodes = True

    import utils.extra_config  # noqa: F401  (before `nodes`: nodes.py puts comfy/ first on sys.path)
    import server

    server.PromptServer.instance = RecordingServer()
    import folder_paths
    import nodes

    workdir = Path(tempfile.mkdtemp(prefix="lags-host-"))
    custom_nodes = workdir / "custom_nodes"
    custom_nodes.mkdir()
    (custom_nodes / PACK_FOLDER).symlink_to(PACK_ROOT, target_is_directory=True)
    folder_paths.folder_names_and_paths["custom_nodes"] = ([str(custom_nodes)], set())
    for kind in ("output", "input", "temp"):
        (workdir / kind).mkdir()
    folder_paths.set_output_directory(str(workdir / "output"))
    folder_paths.set_input_directory(str(workdir / "input"))
    folder_paths.set_temp_directory(str(workdir / "temp"))

    asyncio.run(nodes.init_extra_nodes(init_custom_nodes=True, init_api_nodes=False))
    import fixture_nodes

    nodes.NODE_CLASS_MAPPINGS.update(fixture_nodes.NODE_CLASS_MAPPINGS)
    _HOST = Host(workdir)
    return _HOST


def substitute_tiny_models(prompt: dict, kind: str = "sdxl", seed: int = 0) -> dict:
    """A copy of an API-format prompt with checkpoint/VAE loaders and CLIPTextEncode
    replaced by the tiny test-only stand-ins (same input names and output slots)."""
    out = {}
    for node_id, node in prompt.items():
        node = {"class_type": node["class_type"], "inputs": dict(node.get("inputs", {}))}
        replacement = SUBSTITUTES.get(node["class_type"])
        if replacement == "LAGSTest_TinyCheckpoint":
            node["inputs"] = {"kind": kind, "seed": seed}
        elif replacement == "LAGSTest_TinyVAE":
            node["inputs"] = {"seed": seed, "latent_channels": 4}
        if replacement:
            node["class_type"] = replacement
        out[str(node_id)] = node
    return out


def capture(prompt: dict, source, label: str, slot: int = 0) -> dict:
    """Add a LAGSTest_Capture node reading output `slot` of node `source` (in place)."""
    prompt[f"capture_{label}"] = {"class_type": "LAGSTest_Capture", "inputs": {"value": [str(source), slot], "label": label}}
    return prompt


def run_api_prompt(prompt: dict, kind: str = "sdxl", seed: int = 0, captures: dict | None = None,
                   executor=None) -> RunResult:
    """For workflow tests: run an API-format prompt written for real checkpoints with tiny
    models substituted. `captures` maps label -> node id (or (node id, slot)) to read back
    in RunResult.captures."""
    host = boot()
    prompt = substitute_tiny_models(prompt, kind, seed)
    for label, source in (captures or {}).items():
        node, slot = source if isinstance(source, (tuple, list)) else (source, 0)
        capture(prompt, node, label, slot)
    return host.run(prompt, executor=executor)
