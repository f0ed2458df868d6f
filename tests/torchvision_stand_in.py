"""TEST-ONLY: make `import torchvision` work for open_clip on machines without a usable one.

The real torchvision always wins: the stand-in in tests/host/stubs/ is put first on
sys.path only after a real `import torchvision` has failed (missing, or the CUDA-linked
wheel that cannot load against a CPU torch). Nothing here ships with the pack.
"""
from __future__ import annotations

import sys
from pathlib import Path

STUBS = Path(__file__).resolve().parent / "host" / "stubs"


def hide_stand_in_from_transformers() -> None:
    """Fix transformers' answer to "is torchvision available?" before the stand-in exists.

    transformers asks once (lru_cache) and, if the answer is yes, imports torchvision
    functions the stand-in does not have; with the truthful "no" it uses its PIL code.
    """
    try:
        from transformers.utils import import_utils
    except Exception:
        return
    import_utils.is_torchvision_available()


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
