"""Words that find the pack's nodes in the node search.

ComfyUI 0.8.0's frontend (1.35) searches node ids and display names only, so the display names
carry the words people search for ("reward guidance", "preference"...). Newer ComfyUI versions
whose Schema takes `search_aliases` also get the aliases below.
"""
from __future__ import annotations

from comfy_api.latest import io


def search_aliases(*terms: str) -> dict:
    """{"search_aliases": [...]} where io.Schema has that field, else {} (ComfyUI 0.8.0)."""
    return {"search_aliases": list(terms)} if "search_aliases" in getattr(io.Schema, "__dataclass_fields__", {}) else {}
