"""Memory of one reward-gradient evaluation (decode x0 -> reward -> backward to the latent)
through the pack's own reward path, with ComfyUI's exact SDXL VAE and TAESD architectures
(random weights) on CPU: `COMFYUI_PATH=/path/to/ComfyUI python -m benchmarks.memory`."""
