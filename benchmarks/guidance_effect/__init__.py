"""Calibration of the trace's guidance-effect thresholds (guidance/effect.py) on real decoder weights."""
