"""TEST-ONLY stand-in for torchvision (never shipped with the pack).

The CPU test machines have a CUDA-linked torchvision wheel that cannot import against the
CPU torch. ComfyUI (comfy/sd.py -> cascade coders) and open_clip import it at start-up but
the in-host tests never use it. tests/host/harness.py puts this package on sys.path only
after a real `import torchvision` has failed, so a working torchvision always wins.
"""
__version__ = "0.0.0+lags-test-stand-in"
IS_LAGS_TEST_STAND_IN = True

from . import models, ops, transforms  # noqa: E402,F401
