"""ComfyUI-LAGS: weighted sampling q(x) ~ w(x) p(x) with your own checkpoint and a reward.

ComfyUI loads this folder as a V3 extension through `comfy_entrypoint`. (Exporting
NODE_CLASS_MAPPINGS would make ComfyUI treat the pack as V1 and ignore the entrypoint.)
"""

WEB_DIRECTORY = "./web"


async def comfy_entrypoint():
    from .nodes.extension import LagsExtension

    return LagsExtension()
