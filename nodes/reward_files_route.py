"""POST /lags/reward_files: which reward model files of a graph are missing, for the web
extension to show on the nodes as soon as a graph loads (web/lib/reward_files.js).

Request: {"nodes": [{"id": "12", "type": "LAGSPickScoreReward", "values": {"model": "PickScore_v1"}}]}.
Answer: {"problems": {"12": [{"input": "model", "message": "..."}]}}, the message being the
one the prompt would fail with (folders searched, layout expected, where to get the file).
"""
from __future__ import annotations

import logging

from .reward_model_management import file_problem

#: node type -> {input name: (kind in rewards.reward_files.LAYOUTS, the input names a folder)}
FILE_INPUTS = {
    "LAGSPickScoreReward": {"model": ("pickscore", True)},
    "LAGSHPSReward": {"checkpoint": ("hps", False)},
    "LAGSAestheticReward": {"clip_checkpoint": ("open_clip", False), "head": ("aesthetic_head", False)},
    "LAGSClassifierFairnessReward": {"checkpoint": ("open_clip", False)},
}

ROUTE = "/lags/reward_files"
_registered = False


def reward_file_problems(nodes) -> dict:
    """{node id: [{"input", "message"}]} for the nodes whose files are missing or incomplete."""
    found = {}
    for entry in nodes if isinstance(nodes, list) else []:
        if not isinstance(entry, dict):
            continue
        values = entry.get("values") if isinstance(entry.get("values"), dict) else {}
        for name, (kind, want_dir) in FILE_INPUTS.get(entry.get("type"), {}).items():
            value = values.get(name)
            message = file_problem(value if isinstance(value, str) else "", kind, want_dir=want_dir)
            if message:
                found.setdefault(str(entry.get("id")), []).append({"input": name, "message": message})
    return found


def register_routes() -> bool:
    """Adds the route to ComfyUI's server (once); False where there is no server (tests, scripts)."""
    global _registered
    if _registered:
        return True
    try:
        import server
        from aiohttp import web
    except ImportError:
        return False
    instance = getattr(server.PromptServer, "instance", None)
    routes = getattr(instance, "routes", None)
    if routes is None:
        return False

    @routes.post(ROUTE)
    async def reward_files(request):
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "expected a JSON body"}, status=400)
        nodes = body.get("nodes") if isinstance(body, dict) else None
        if not isinstance(nodes, list):
            return web.json_response({"error": "expected {\"nodes\": [...]}"}, status=400)
        try:
            return web.json_response({"problems": reward_file_problems(nodes)})
        except Exception as exc:  # a lookup bug must not look like a missing file
            logging.warning("LAGS: checking reward files failed: %s", exc)
            return web.json_response({"error": str(exc)}, status=500)

    _registered = True
    return True
