"""TEST-ONLY custom nodes for the end-to-end test (never shipped with the pack).

LAGSTestTinyCheckpoint has the outputs of CheckpointLoaderSimple (MODEL, CLIP, VAE) but
builds tiny random models (tiny_models.py), so a shipped workflow can run on a CPU
machine without checkpoints.
"""
from .tiny_models import TinyClip, tiny_sdxl_model, tiny_vae

_cache = {}


class LAGSTestTinyCheckpoint:
    CATEGORY = "testing/lags"
    RETURN_TYPES = ("MODEL", "CLIP", "VAE")
    FUNCTION = "load"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {}}

    def load(self):
        if not _cache:
            _cache["models"] = (tiny_sdxl_model(), TinyClip(), tiny_vae())
        return _cache["models"]


from .particle_events import LAGSTestParticleEvents  # noqa: E402

NODE_CLASS_MAPPINGS = {"LAGSTestTinyCheckpoint": LAGSTestTinyCheckpoint, "LAGSTestParticleEvents": LAGSTestParticleEvents}
NODE_DISPLAY_NAME_MAPPINGS = {"LAGSTestTinyCheckpoint": "LAGS test: tiny SDXL checkpoint",
                              "LAGSTestParticleEvents": "LAGS test: particles messages"}
