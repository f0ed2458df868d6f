"""SDXL-architecture LAGS cost on a CUDA GPU (python -m benchmarks.gpu): plain KSampler against the
node defaults and each option, wall time and torch.cuda.max_memory_allocated."""
