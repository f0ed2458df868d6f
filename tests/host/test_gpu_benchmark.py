"""The GPU benchmark's command (python -m benchmarks.gpu), checked on CPU at a small size: SDXL's
layouts at a small width, 64 px, 3 steps, every option through ComfyUI's executor, and the GPU
block written into a markdown file without touching the rest of it."""
import re

import pytest

from benchmarks.gpu.__main__ import main
from benchmarks.gpu.config import VARIANTS
from benchmarks.gpu.report import GPU_BLOCK
from benchmarks.markdown import extract_block


@pytest.fixture
def vae_approx_restored(host):
    """The benchmark registers a folder with a random taesdxl_decoder; later tests expect none."""
    import folder_paths

    saved = folder_paths.folder_names_and_paths["vae_approx"]
    folder_paths.folder_names_and_paths["vae_approx"] = (list(saved[0]), set(saved[1]))
    yield
    folder_paths.folder_names_and_paths["vae_approx"] = saved
    folder_paths.filename_list_cache.pop("vae_approx", None)


def test_cpu_check_runs_every_option_and_writes_only_the_gpu_block(host, tmp_path, vae_approx_restored):
    out = tmp_path / "performance.md"
    out.write_text("# Performance\n\nhand-written text stays\n")
    assert main(["--cpu-check", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Performance\n\nhand-written text stays\n")
    block = extract_block(text, GPU_BLOCK)
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in block.splitlines()
            if line.startswith("| ") and not line.startswith("| option") and not line.startswith("| ---")}
    assert list(rows) == [v.label for v in VARIANTS]
    assert rows["KSampler (plain)"][4] == "1.00×"
    for variant in VARIANTS[1:]:
        cells = rows[variant.label]
        guided, probed = int(cells[1]), int(cells[2])
        assert guided > 0 and 0 <= probed <= guided, cells
        assert re.fullmatch(r"\d+\.\d\d×", cells[4]), cells
        if variant.method != "lags":
            assert probed == 0, cells
        elif variant.probe_threshold == 0:
            assert probed == guided, cells
