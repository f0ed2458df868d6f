"""Class proportions in batches of 8: single-trajectory guidance vs particles, on a synthetic
classifier with known probabilities (`python -m benchmarks.fairness`, docs/fairness_particles.md)."""
