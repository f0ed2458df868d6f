"""The test-only torchvision stand-in: used only when a real torchvision cannot import."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

PROBE = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from torchvision_stand_in import ensure_torchvision
    kind = ensure_torchvision()
    import torchvision
    print(kind, getattr(torchvision, "MARK", "stand-in" if getattr(torchvision, "IS_LAGS_TEST_STAND_IN", False) else "?"))
    if kind == "stand-in":
        try:
            from transformers.utils import is_torchvision_available
        except ImportError:
            print("no-transformers")
        else:  # transformers must not take the stand-in for a real torchvision
            print("transformers-sees-torchvision" if is_torchvision_available() else "hidden")
""")


def _run(tmp_path, init_source):
    if init_source is not None:
        package = tmp_path / "site" / "torchvision"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(init_source)
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"))
    out = subprocess.run([sys.executable, "-c", PROBE.format(tests=str(TESTS))], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_real_torchvision_wins(tmp_path):
    assert _run(tmp_path, "MARK = 'real'\n") == ["real", "real"]


def test_broken_torchvision_falls_back_to_the_stand_in(tmp_path):
    # Like the CUDA-linked wheel on CPU machines: importing it raises.
    broken = "raise RuntimeError('operator torchvision::nms does not exist')\n"
    kind, module, transformers_view = _run(tmp_path, broken)
    assert (kind, module) == ("stand-in", "stand-in")
    assert transformers_view in ("hidden", "no-transformers")


def test_stand_in_builds_open_clip_models():
    from torchvision_stand_in import ensure_torchvision

    ensure_torchvision()
    open_clip = pytest.importorskip("open_clip")
    from learned_reward_models import TINY_OPEN_CLIP_CFG

    model = open_clip.model.CLIP(**TINY_OPEN_CLIP_CFG)
    assert model.encode_image is not None


def test_stand_in_is_not_part_of_the_pack():
    pack = TESTS.parent
    tops = [p for p in pack.iterdir() if p.is_dir() and p.name not in ("tests", ".git")]
    assert [p for top in tops for p in top.rglob("torchvision")] == []
