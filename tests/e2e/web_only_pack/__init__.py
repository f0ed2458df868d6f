"""TEST-ONLY stand-in for a LAGS install whose Python nodes failed to load.

It serves the real web/ extension but registers no nodes, so the end-to-end test can
check that the JS leaves such a graph alone (no errors, no widgets).
"""
import os

WEB_DIRECTORY = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "..", "web")
NODE_CLASS_MAPPINGS = {}
