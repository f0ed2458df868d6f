"""TEST-ONLY: sends the "lags.particles" messages a particles run sends (web/lib/particles.js),
through ComfyUI's own websocket, for the node id given; one malformed message first."""
import math


class LAGSTestParticleEvents:
    CATEGORY = "testing/lags"
    RETURN_TYPES = ()
    FUNCTION = "send"
    OUTPUT_NODE = True

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"node": ("STRING", {"default": "1"}), "steps": ("INT", {"default": 8, "min": 1}),
                             "particles": ("INT", {"default": 16, "min": 1})}}

    def send(self, node, steps, particles):
        import server

        instance = server.PromptServer.instance
        client = getattr(instance, "client_id", None)
        instance.send_sync("lags.particles", {"node": node, "step": "not a step"}, client)  # ignored by the chart
        for step in range(1, steps + 1):
            ess = particles * (0.35 + 0.6 * math.cos(step / steps * math.pi / 2) ** 2)
            instance.send_sync("lags.particles", {"node": node, "step": step, "steps": steps, "ess": ess,
                                                  "particles": particles, "resampled": step % 3 == 0,
                                                  "zero_weight": step // 4}, client)
        return {}
