"""TEST-ONLY: make `import torchvision` work for open_clip on machines without a usable one.

The real torchvision always wins: the stand-in in tests/host/stubs/ is put first on
sys.path only after a real `import torchvision` has failed (missing, or the CUDA-linked
wheel that cannot load against a CPU torch). Nothing here ships with the pack.
"""
from __future__ import annotations

import sys
from pathlib import Path

STUBS = Path(__file__).resolve().parent / "host" / "stubs"
_ABSENT = object()


def hide_stand_in_from_transformers() -> None:
    """Make transformers answer "torchvision: not available" (it asks once, lru_cache).

    With a yes it would import torchvision functions the stand-in lacks; with the
    truthful no it uses its PIL code paths. sys.modules[name] = None makes find_spec
    report "not installed" even where a broken wheel is on disk.
    """
    saved = sys.modules.get("torchvision", _ABSENT)
    sys.modules["torchvision"] = None  # transformers asks at import time too: hide it around both
    try:
        from transformers.utils import import_utils

        import_utils.is_torchvision_available()
    except Exception:
        pass  # no transformers: nothing to hide from
    finally:
        if saved is _ABSENT:
            del sys.modules["torchvision"]
        else:
            sys.modules["torchvision"] = saved


def ensure_torchvision() -> str:
    """'real' if torchvision imports, else 'stand-in' after installing the stand-in."""
    try:
        import torchvision  # noqa: F401

        return "stand-in" if getattr(torchvision, "IS_LAGS_TEST_STAND_IN", False) else "real"
    except Exception:
        hide_stand_in_from_transformers()
        for key in [k for k in sys.modules if k == "torchvision" or k.startswith("torchvision.")]:
            del sys.modules[key]
        sys.path.insert(0, str(STUBS))
        import torchvision  # noqa: F401,F811

        return "stand-in"
