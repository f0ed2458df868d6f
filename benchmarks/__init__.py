"""Host-free benchmarks for the LAGS guidance engine (run from the repo root, e.g.
`python -m benchmarks.toy2d`). Never imported by ComfyUI."""
