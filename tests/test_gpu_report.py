"""The GPU block of docs/performance.md (benchmarks/gpu/report.py) and its life next to the perf
benchmark's regeneration (host-free)."""
from benchmarks.gpu.config import CPU_CHECK, VARIANTS
from benchmarks.gpu.report import GPU_BLOCK, not_run_block, results_block
from benchmarks.gpu.run import GpuRow
from benchmarks.markdown import block, extract_block, replace_block
from benchmarks.perf import report


def test_not_run_block_names_every_option_and_the_command():
    text = not_run_block("not run: no GPU lent to this task")
    assert text.startswith("## GPU") and "**Not run: no GPU lent to this task.**" in text
    assert "python -m benchmarks.gpu" in text and "--cpu-check" in text
    for variant in VARIANTS:
        assert f"| {variant.label} |" in text


def test_results_block_has_ratios_and_peak_memory_per_option():
    rows = [GpuRow("KSampler (plain)", True, 10.0, 8 * 2**30), GpuRow("defaults", False, 14.6, 9 * 2**30, 20, 12),
            GpuRow("cpu", False, 20.0, None, 20, 20)]
    text = results_block(rows, {"GPU": "test"}, CPU_CHECK)
    assert "| KSampler (plain) | - | - | 10.00 | 1.00× | 8.00 | - |" in text
    assert "| defaults | 20 | 12 | 14.60 | 1.46× | 9.00 | 1.00 |" in text
    assert "| cpu | 20 | 20 | 20.00 | 2.00× | - | - |" in text  # no CUDA: no memory number


def test_perf_regeneration_keeps_the_gpu_block():
    measured = block(GPU_BLOCK, "## GPU\n\nmeasured on a GPU")
    doc = replace_block("# Performance\n\nold tables\n", GPU_BLOCK, "## GPU\n\nmeasured on a GPU")
    assert report.kept_gpu(doc) == measured
    result = report.PerfResult(config=None, rows=[], machine={}, gpu_block=report.kept_gpu(doc))
    assert report.gpu_text(result) == measured
    fresh = report.PerfResult(config=None, rows=[], machine={}, gpu_rows=[("GPU", report.NO_GPU)])
    assert "Not run: no GPU lent to this task" in extract_block(report.gpu_text(fresh), GPU_BLOCK)
