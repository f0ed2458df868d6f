"""Strength and fidelity of the reward path on real decoder weights (TAEF2) and real photos:
`python -m benchmarks.real_weights` (needs shared/weights; see taef2.weights_dir)."""
