"""ComfyUI node adapters (V3 schema). Each module exports a `NODES` list.

Nothing is imported here: nodes/extension.py imports each module on its own so that one
broken optional module (say, a learned reward whose dependency is missing) cannot take
the whole pack down.
"""
