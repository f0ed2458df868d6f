"""LAGS overhead against plain KSampler, measured inside real ComfyUI (in-process).

Run from the repo root: `COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.perf`.
Host-free helpers (memory, recorder, report, fidelity maths) import torch only; the
rest imports ComfyUI and is loaded after the harness has booted it.
"""
