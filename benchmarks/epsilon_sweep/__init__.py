"""The finite-difference step sweep behind guidance.engine.DEFAULT_EPSILON:
`python -m benchmarks.epsilon_sweep` (see docs/epsilon_sweep.md)."""
