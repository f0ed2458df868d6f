"""Guidance-strength schedules alpha(sigma) as LAGS_SCHEDULE sockets."""
from __future__ import annotations

from comfy_api.latest import io

from ..schedulers import ConstantAlpha, HardGate, PaperAlpha, SigmaGate, StepFractionGate
from .guidance_inputs import CATEGORY, SCHEDULE

_C_TOOLTIP = ("c in alpha = 1/(1 + c sigma^4): larger c starts guidance later (at lower noise). "
              "10 is the paper's value; 0 guides every step at full strength.")
GATE_MODES = ["c", "sigma", "fraction of steps"]


def _output():
    return SCHEDULE.Output(display_name="schedule", tooltip="Connect to the schedule input of a LAGS sampler or guidance.")


class LAGSScheduleAlpha(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSScheduleAlpha",
            display_name="LAGS Schedule (alpha)",
            category=CATEGORY,
            description="The paper's smooth schedule alpha(sigma) = 1/(1 + c sigma^4): weak at high noise, "
                        "full strength near the end of sampling.",
            inputs=[io.Float.Input("c", default=10.0, min=0.0, max=1.0e6, step=0.5, tooltip=_C_TOOLTIP)],
            outputs=[_output()],
        )

    @classmethod
    def execute(cls, c: float) -> io.NodeOutput:
        return io.NodeOutput(PaperAlpha(c))


class LAGSScheduleHardGate(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSScheduleHardGate",
            display_name="LAGS Schedule (hard gate)",
            category=CATEGORY,
            description="Guidance fully on (alpha = 1) below a noise level and off above it. The gate is set "
                        "by c (where the paper's alpha crosses 1/2), by sigma directly, or as the last "
                        "fraction of the sampler's steps.",
            inputs=[
                io.Combo.Input("mode", options=GATE_MODES, default="c",
                               tooltip="c: on where c sigma^4 <= 1. sigma: on where sigma <= sigma_max. "
                                       "fraction of steps: on for the last `fraction` of the steps."),
                io.Float.Input("c", default=10.0, min=0.0, max=1.0e6, step=0.5,
                               tooltip="Used in mode c: the gate opens at sigma = c^(-1/4)."),
                io.Float.Input("sigma_max", default=1.0, min=0.0, max=1000.0, step=0.01,
                               tooltip="Used in mode sigma: guide where sigma <= sigma_max."),
                io.Float.Input("fraction", default=0.5, min=0.0, max=1.0, step=0.05,
                               tooltip="Used in mode 'fraction of steps': guide the last fraction of the steps "
                                       "(0.5 = second half)."),
            ],
            outputs=[_output()],
        )

    @classmethod
    def execute(cls, mode: str, c: float, sigma_max: float, fraction: float) -> io.NodeOutput:
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
            description="The same guidance strength alpha at every step (DPS-style baseline).",
            inputs=[io.Float.Input("alpha", default=1.0, min=0.0, max=1.0, step=0.05,
                                   tooltip="Guidance strength at every step, 0..1.")],
            outputs=[_output()],
        )

    @classmethod
    def execute(cls, alpha: float) -> io.NodeOutput:
        return io.NodeOutput(ConstantAlpha(alpha))


NODES = [LAGSScheduleAlpha, LAGSScheduleHardGate, LAGSScheduleConstant]
