"""ComfyUI adapters for the pixel rewards (the maths lives in rewards/)."""
from __future__ import annotations

from comfy_api.latest import io

from ..rewards.colour import ColourReward
from ..rewards.frequency import MAX_FREQUENCY, MODES, FrequencyReward
from .guidance_inputs import REWARD, REWARD_CATEGORY as CATEGORY
from .search import search_aliases
from .strength_input import COLOUR_STRENGTH, FREQUENCY_STRENGTH, StrengthChecked, strength_input


def _reward_output() -> io.Output:
    return REWARD.Output(display_name="reward", tooltip="Connect to LAGS Weighted Sampler, LAGS Guidance or Reward Combine.")


class LAGSColourReward(StrengthChecked, io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSColourReward",
            display_name="LAGS Colour Reward",
            category=CATEGORY,
            description=(
                "Steers the picture's colours (color) towards a target. With one colour the overall colour "
                "shifts towards it and the layout stays free; with a palette every area moves towards its "
                "nearest palette colour. The default strength gives a clear, natural colour shift."
            ),
            inputs=[
                io.String.Input(
                    "colour",
                    default="#e03c28",
                    tooltip="Target colour as hex, e.g. #e03c28 or #f00. Used when the palette is empty.",
                ),
                io.String.Input(
                    "palette",
                    default="",
                    tooltip="Optional hex colours separated by commas or spaces, e.g. '#1b2a49, #e8d5b7, #c0392b'. "
                    "When set, it replaces the single colour: each pixel is pulled to its nearest palette colour.",
                ),
                strength_input(COLOUR_STRENGTH, "towards the colour or palette"),
            ],
            outputs=[_reward_output()],
            **search_aliases("color", "colour", "palette", "tint"),
        )

    @classmethod
    def execute(cls, colour: str, palette: str, strength: float) -> io.NodeOutput:
        return io.NodeOutput(ColourReward(colour=colour, palette=palette, strength=strength))


class LAGSFrequencyReward(StrengthChecked, io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        frequency_note = "Cycles per pixel: 0 = flat, 0.5 = finest pixel-level detail (Nyquist)."
        return io.Schema(
            node_id="LAGSFrequencyReward",
            display_name="LAGS Frequency Reward",
            category=CATEGORY,
            description=(
                "More or less detail at a chosen scale: favour adds fine texture (or large shapes, with a low "
                "band), suppress smooths it away. The band f_lo..f_hi is in cycles per pixel: 0.25-0.5 is fine "
                "texture and grain, 0.02-0.1 large shapes."
            ),
            inputs=[
                io.Float.Input(
                    "f_lo", default=0.25, min=0.0, max=round(MAX_FREQUENCY, 3), step=0.01, round=0.001,
                    tooltip="Lower edge of the band. " + frequency_note,
                ),
                io.Float.Input(
                    "f_hi", default=0.5, min=0.0, max=round(MAX_FREQUENCY, 3), step=0.01, round=0.001,
                    tooltip="Upper edge of the band (must exceed f_lo). " + frequency_note,
                ),
                io.Combo.Input(
                    "mode", options=list(MODES), default="favour",
                    tooltip="favour: more energy in the band (e.g. more fine detail); suppress: less (e.g. smoother).",
                ),
                strength_input(FREQUENCY_STRENGTH, "towards more (favour) or less (suppress) detail in the band"),
            ],
            outputs=[_reward_output()],
            **search_aliases("detail", "texture", "sharpness", "smooth"),
        )

    @classmethod
    def execute(cls, f_lo: float, f_hi: float, mode: str, strength: float) -> io.NodeOutput:
        return io.NodeOutput(FrequencyReward(f_lo=f_lo, f_hi=f_hi, mode=mode, strength=strength))


NODES = [LAGSColourReward, LAGSFrequencyReward]
