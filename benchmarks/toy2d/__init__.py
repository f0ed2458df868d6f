"""The LAGS paper's Fig. 1 setting in 2-D: `python -m benchmarks.toy2d` (see docs/benchmark_2d.md)."""
