"""The pack's ComfyExtension: gathers the NODES list of every node module."""
from __future__ import annotations

import importlib
import logging

from comfy_api.latest import ComfyExtension, io

#: Node modules, relative to this package, in menu order.
NODE_MODULES = (
    "sampler_nodes",
    "guidance_nodes",
    "schedule_nodes",
    "combine_nodes",
    "pixel_reward_nodes",
    "learned_reward_nodes",
    "evaluate_nodes",
)


def collect_nodes(modules=NODE_MODULES, package: str = __package__) -> list[type[io.ComfyNode]]:
    """NODES of every module that imports; a failing module is skipped with a warning."""
    found: list[type[io.ComfyNode]] = []
    for name in modules:
        try:
            module = importlib.import_module(f".{name}", package)
        except ModuleNotFoundError as exc:
            if exc.name == f"{package}.{name}":
                logging.warning("LAGS: node module %s is not present; skipping it.", name)
            else:
                logging.warning("LAGS: skipping node module %s: missing dependency (%s).", name, exc)
            continue
        except Exception as exc:
            logging.warning("LAGS: skipping node module %s: it failed to import (%s: %s).",
                            name, type(exc).__name__, exc)
            continue
        nodes = getattr(module, "NODES", None)
        if not isinstance(nodes, (list, tuple)):
            logging.warning("LAGS: node module %s has no NODES list; skipping it.", name)
            continue
        found.extend(nodes)
    return found


def register_routes() -> None:
    """The web extension's server routes; a failure costs only the early warnings."""
    try:
        from .reward_files_route import register_routes as reward_files_routes

        reward_files_routes()
    except Exception as exc:
        logging.warning("LAGS: the reward-file check route is unavailable (%s: %s).", type(exc).__name__, exc)


class LagsExtension(ComfyExtension):
    async def get_node_list(self) -> list[type[io.ComfyNode]]:
        register_routes()
        return collect_nodes()
