"""When guidance acts during sampling: the LAGS_SCHEDULE sockets.

Tooltips say what a setting does to the picture; the maths is in schedulers/.
"""
from __future__ import annotations

from comfy_api.latest import io

from ..bridge.settings import DEFAULT_SCHEDULE_C
from ..schedulers import ConstantAlpha, HardGate, PaperAlpha, SigmaGate, StartPercentAlpha, StepFractionGate
from .guidance_inputs import CATEGORY, SCHEDULE
from .search import search_aliases

GATE_MODES = ["c", "sigma", "fraction of steps"]

#: Guidance starting here matches the paper's c = 10 on a 20-30 step karras schedule.
DEFAULT_START_PERCENT = 60.0

_WHEN = ("Early guidance lets the reward change the composition; late guidance keeps the model's "
         "composition and changes colours and details.")
_C_TOOLTIP = ("The paper's schedule constant, for reproducing the paper (LAGS Schedule (starts at %) sets the same "
              "curve by when guidance starts). Larger c starts guidance later, so the model's composition stays and "
              "the reward adjusts colours and details; smaller c starts it earlier. 10 is the paper's value, 0 guides "
              "every step at full strength. The chart shows where it starts as a percentage of the steps.")


def _output():
    return SCHEDULE.Output(display_name="schedule", tooltip="Connect to the schedule input of a LAGS sampler or guidance.")


def _c_input(tooltip: str = _C_TOOLTIP) -> io.Float.Input:
    return io.Float.Input("c", default=DEFAULT_SCHEDULE_C, min=0.0, max=1.0e6, step=0.5, round=0.0001, tooltip=tooltip)


class LAGSScheduleStart(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSScheduleStart",
            display_name="LAGS Schedule (starts at %)",
            category=CATEGORY,
            description=("When guidance starts, as a share of the sampler's steps (like ControlNet's start percent). "
                         "Guidance ramps up smoothly around that point and is at full strength near the end. "
                         + _WHEN + " The chart shows the steps it guides and the paper's c this corresponds to."),
            inputs=[io.Float.Input(
                "start_percent", display_name="guidance starts at (% of steps)", default=DEFAULT_START_PERCENT,
                min=0.0, max=100.0, step=1.0, round=0.1,
                tooltip="How far into sampling guidance starts, in percent of the steps: it is at half strength "
                        "there, weaker a few steps before and near full strength a few steps after. " + _WHEN
                        + " 0 guides almost from the first step, 100 never. 60 is the paper's default on a "
                        "20-30 step karras schedule.")],
            outputs=[_output()],
            **search_aliases("start percent", "guidance start", "schedule"),
        )

    @classmethod
    def execute(cls, start_percent: float) -> io.NodeOutput:
        return io.NodeOutput(StartPercentAlpha(start_percent, unbound_c=DEFAULT_SCHEDULE_C))


class LAGSScheduleAlpha(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSScheduleAlpha",
            display_name="LAGS Schedule (alpha)",
            category=CATEGORY,
            description=("The paper's schedule: no guidance while the image is still noise, growing smoothly to full "
                         "strength near the end of sampling. c sets when; the chart shows where guidance starts as "
                         "a percentage of the steps."),
            inputs=[_c_input()],
            outputs=[_output()],
        )

    @classmethod
    def execute(cls, c: float) -> io.NodeOutput:
        return io.NodeOutput(PaperAlpha(c))


_GATE_INPUTS = {
    "c": lambda: _c_input("Guidance switches on where the paper's schedule with this c reaches half strength. Larger "
                          "c switches it on later. 10 is the paper's value, 0 guides every step."),
    "sigma": lambda: io.Float.Input(
        "sigma_max", default=1.0, min=0.0, max=1000.0, step=0.01, round=0.001,
        tooltip="Guidance switches on once the noise level has fallen to this value (the sampler's sigma). "
                "Smaller values start it later."),
    "fraction of steps": lambda: io.Float.Input(
        "fraction", default=0.5, min=0.0, max=1.0, step=0.05, round=0.001,
        tooltip="The share of the steps, counted from the end, that are guided: 0.5 guides the second half, "
                "0.25 the last quarter."),
}
_GATE_TOOLTIP = ("What sets the switch-on point: c (the paper's constant), sigma (a noise level) or the fraction "
                 "of the steps guided. The node shows only the setting of the chosen mode.")


def _gate_mode_input():
    """A DynamicCombo (ComfyUI >= 0.4: only the chosen mode's widget shows), else a combo and all three."""
    if hasattr(io, "DynamicCombo"):
        options = [io.DynamicCombo.Option(mode, [make()]) for mode, make in _GATE_INPUTS.items()]
        return [io.DynamicCombo.Input("mode", options=options, tooltip=_GATE_TOOLTIP)]
    return [io.Combo.Input("mode", options=GATE_MODES, default="c", tooltip=_GATE_TOOLTIP)] + [
        make() for make in _GATE_INPUTS.values()]


class LAGSScheduleHardGate(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSScheduleHardGate",
            display_name="LAGS Schedule (hard gate)",
            category=CATEGORY,
            description="Guidance switched off at first and fully on from a chosen point of sampling. " + _WHEN,
            inputs=_gate_mode_input(),
            outputs=[_output()],
        )

    @classmethod
    def execute(cls, mode, c: float = DEFAULT_SCHEDULE_C, sigma_max: float = 1.0, fraction: float = 0.5) -> io.NodeOutput:
        if isinstance(mode, dict):  # DynamicCombo: {"mode": key, <that mode's input>: value}
            values = mode
            mode = values["mode"]
            c, sigma_max, fraction = values.get("c", c), values.get("sigma_max", sigma_max), values.get("fraction", fraction)
        if mode == "sigma":
            return io.NodeOutput(SigmaGate(sigma_max))
        if mode == "fraction of steps":
            return io.NodeOutput(StepFractionGate(fraction))
        if mode == "c":
            return io.NodeOutput(HardGate(c))
        raise ValueError(f"mode must be one of {', '.join(GATE_MODES)}; got {mode!r}")


class LAGSScheduleConstant(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSScheduleConstant",
            display_name="LAGS Schedule (constant)",
            category=CATEGORY,
            description="The same guidance strength at every step, from the first (the DPS-style baseline): the "
                        "reward acts while the image is still noise, which can change the composition or damage it.",
            inputs=[io.Float.Input("alpha", default=1.0, min=0.0, max=1.0, step=0.05, round=0.001,
                                   tooltip="Guidance strength at every step: 1 = full, 0 = off.")],
            outputs=[_output()],
        )

    @classmethod
    def execute(cls, alpha: float) -> io.NodeOutput:
        return io.NodeOutput(ConstantAlpha(alpha))


NODES = [LAGSScheduleStart, LAGSScheduleAlpha, LAGSScheduleHardGate, LAGSScheduleConstant]
