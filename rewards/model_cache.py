"""Loaded reward models shared across nodes and prompts, without pinning memory.

Changing a strength or a prompt re-runs a reward node; the multi-GB model must
not be read again. Models are cached by file identity (path, size, mtime) plus
the options that change them, and held weakly: while any reward output that
ComfyUI keeps uses the model, it is reused; once none does, it is freed.
"""
from __future__ import annotations

import os
import threading
import weakref

_cache: "weakref.WeakValueDictionary" = weakref.WeakValueDictionary()
_lock = threading.Lock()


def file_identity(path: str) -> tuple:
    """(real path, size, mtime) of a file, or of every file directly in a folder."""
    real = os.path.realpath(path)
    if os.path.isdir(real):
        entries = sorted(os.scandir(real), key=lambda e: e.name)
        return (real,) + tuple((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries if e.is_file())
    stat = os.stat(real)
    return (real, stat.st_size, stat.st_mtime_ns)


def cached_load(kind: str, path: str, options: tuple, loader):
    """loader() once per (kind, file identity, options) while the result is alive."""
    key = (kind, file_identity(path), options)
    with _lock:
        model = _cache.get(key)
        if model is None:
            model = loader()
            _cache[key] = model
    return model


def cached_count() -> int:
    return len(_cache)
