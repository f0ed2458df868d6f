"""Host-free helpers of the performance benchmark (benchmarks/perf)."""
import math

import pytest
import torch

from benchmarks.perf import allocations, report
from benchmarks.perf.config import DEFAULTS, PerfConfig
from benchmarks.perf.fidelity import Fidelity, cosine
from benchmarks.perf.projection import ProjectionRow, guided_steps
from benchmarks.perf.recorder import StepRecorder


class Clock:
    """A hand-driven clock: tests advance it to say how long things took."""

    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def make_recorder():
    wall, cpu, marks = Clock(), Clock(), []
    return StepRecorder(wall=wall, cpu=cpu, mark=marks.append), wall, cpu, marks


def tick(wall, cpu, seconds, cpu_share=1.0):
    wall.t += seconds
    cpu.t += seconds * cpu_share


def model_call(rec, wall, cpu, sigma, seconds, items=2):
    rec.begin_call(sigma, items)
    tick(wall, cpu, seconds)
    rec.end_call(seconds, seconds)


def test_steps_split_by_sigma_and_time_is_attributed():
    rec, wall, cpu, marks = make_recorder()
    rec.start_run()
    model_call(rec, wall, cpu, 10.0, 1.0)  # step 0: plain
    tick(wall, cpu, 0.25)  # sampler arithmetic
    model_call(rec, wall, cpu, 2.0, 1.0)  # step 1: guided
    rec.add("decode_fwd", 0.5, 0.5)
    rec.add("reward_fwd", 0.1, 0.1)
    rec.add("reward_grad", 1.6, 1.6)  # decode fwd + reward fwd + 1.0 s backward
    tick(wall, cpu, 1.6)
    model_call(rec, wall, cpu, 2.0, 1.0)  # the probe: same sigma, same step
    tick(wall, cpu, 0.1)
    run = rec.end_run("lags")

    assert [s.sigma for s in run.steps] == [10.0, 2.0]
    plain, guided = run.steps
    assert not plain.guided and guided.guided
    assert plain.wall == pytest.approx(1.25) and plain.part("other") == pytest.approx(0.25)
    assert guided.unet_calls == 2 and guided.unet_items == 4
    assert guided.seconds["unet_cfg"] == 1.0 and guided.seconds["unet_extra"] == 1.0
    assert guided.part("backward") == pytest.approx(1.0)
    assert guided.wall == pytest.approx(3.7)
    parts = ["unet", "decode_fwd", "reward_fwd", "backward", "other"]
    assert sum(guided.part(p) for p in parts) == pytest.approx(guided.cpu)
    assert run.wall == pytest.approx(4.95) and run.guided_steps() == [guided]
    assert marks == ["start", "step:0", "step:1", "end"]


def test_dps_parts_do_not_count_the_unet_twice():
    rec, wall, cpu, _ = make_recorder()
    rec.start_run()
    model_call(rec, wall, cpu, 1.0, 1.0)
    model_call(rec, wall, cpu, 1.0, 1.0)  # the dps forward runs inside the vjp ...
    tick(wall, cpu, 0.5)
    rec.add("decode_fwd", 0.5, 0.5)
    tick(wall, cpu, 2.5)  # ... and so do the decode and the backward through decoder and UNet
    rec.add("dps_grad", 4.0, 4.0)
    step = rec.end_run("dps").steps[0]
    assert step.part("backward") == pytest.approx(2.5)
    assert step.part("other") == pytest.approx(0.0)
    parts = ["unet", "decode_fwd", "reward_fwd", "backward", "other"]
    assert sum(step.part(p) for p in parts) == pytest.approx(step.cpu)


def test_calls_outside_a_run_are_ignored():
    rec, wall, cpu, _ = make_recorder()
    model_call(rec, wall, cpu, 1.0, 1.0)
    rec.add("decode_fwd", 1.0, 1.0)
    rec.start_run()
    assert rec.end_run("empty").steps == []


def test_memory_windows_and_flatness():
    # (t, bytes): 100 live before the run; each step allocates 50 and frees it, step 2 keeps 10.
    memory = [(0, 100), (11, 50), (12, -50), (21, 50), (22, -40), (31, 50), (32, -50)]
    marks = [(5, "start"), (10, "step:0"), (20, "step:1"), (30, "step:2"), (40, "end")]
    windows = allocations.windows(memory, marks)
    assert [(w.label, w.live_start, w.peak) for w in windows] == [
        ("start", 0, 0), ("step:0", 0, 50), ("step:1", 0, 50), ("step:2", 10, 60)]

    class Step:
        def __init__(self, index):
            self.index, self.guided, self.live_start, self.peak = index, True, None, None

    steps = [Step(0), Step(1), Step(2)]
    allocations.attach(steps, windows)
    assert [(s.live_start, s.peak) for s in steps] == [(0, 50), (0, 50), (10, 60)]
    assert allocations.flatness(steps) == (10, 10)  # steps after the first guided one
    assert allocations.flatness(steps[:2]) == (0, 0)


def test_profiler_events_are_read_back():
    keep = []
    with allocations.profiler() as prof:
        allocations.mark("start")
        keep.append(torch.ones(1 << 18))  # 1 MiB kept
        allocations.mark("step:0")
        torch.ones(1 << 18)  # freed at once
        allocations.mark("end")
    memory, marks = allocations.events_of(prof)
    assert [label for _, label in marks] == ["start", "step:0", "end"]
    start, step = allocations.windows(memory, marks)
    assert start.peak >= 1 << 20 and step.live_start >= 1 << 20
    assert step.peak - step.live_start >= 1 << 20


def test_cosine():
    a = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    b = torch.tensor([[2.0, 0.0], [-1.0, -1.0], [1.0, 0.0]])
    assert cosine(a, b).tolist() == pytest.approx([1.0, -1.0, 0.0])
    fid = Fidelity("x", [0.5, 0.9])
    assert fid.mean == pytest.approx(0.7) and fid.worst == 0.5


def test_projection_ratio_and_guided_steps():
    row = ProjectionRow("m", "lags", unet_tflops=2.0, extra_tflops=3.0, guided=20, steps=30)
    assert row.ratio == pytest.approx(1 + 20 * 3.0 / 60)
    probed = ProjectionRow("m", "lags", unet_tflops=2.0, extra_tflops=3.0, guided=20, steps=30, probes=12)
    assert probed.ratio == pytest.approx(1 + (20 * 3.0 + 12 * 2.0) / 60)  # a probe costs one plain step
    particles = ProjectionRow("m", "lags", unet_tflops=2.0, extra_tflops=3.0, guided=20, steps=30, probes=12,
                              particles=4)
    assert particles.ratio == pytest.approx(4 * probed.ratio)  # per output image: K trajectories
    sigmas = torch.tensor([10.0, 3.0, 1.0, 0.5, 0.0])
    assert guided_steps(sigmas, lambda s: 1 / (1 + s**2), 0.05) == 3  # alpha 0.0099 at sigma 10 is skipped
    assert guided_steps(sigmas, lambda s: 1 / (1 + s**2), 0.0) == 4


def _result(plain_cpu, lags_cpu, plain_wall, lags_wall):
    class Rec:
        def __init__(self, cpu, wall):
            self.cpu, self.wall, self.steps = cpu, wall, []

    rows = [report.Row("KSampler (plain)", Rec(plain_cpu, plain_wall), 0.0, plain=True),
            report.Row(DEFAULTS.label, Rec(lags_cpu, lags_wall), 1.0, guided_gain=0.5)]
    projection = [ProjectionRow("SDXL 1024², 30 steps", f"defaults: decode_scale auto, adaptive probe (exact bed), "
                                f"{reward}", 13.5, extra, 20, 30, probes=12)
                  for reward, extra in (("colour reward", 1.25), ("CLIP-H reward", 4.0))]
    return report.PerfResult(PerfConfig(), rows, machine={}, projection=projection)


def test_targets_say_by_how_much_they_are_missed():
    result = _result(plain_cpu=2.0, lags_cpu=5.0, plain_wall=2.0, lags_wall=3.0)
    rows = {t: (measured, met, note) for t, measured, met, note in report.targets(result)}
    wall = rows["CPU small model: defaults ≤ 2.0× plain (wall time)"]
    cpu = rows["CPU small model: defaults ≤ 2.0× plain (CPU time)"]
    assert wall[:2] == ("1.50×", True) and wall[2] == "log w gain +0.500 as guided, +1.000 at full size"
    assert cpu[:2] == ("2.50×", False) and "missed by 0.50×" in cpu[2] and "25% over" in cpu[2]
    colour = rows["FLOP projection SDXL 1024², 30 steps: defaults ≤ 1.5× plain (colour reward)"]
    clip = rows["FLOP projection SDXL 1024², 30 steps: defaults ≤ 1.5× plain (CLIP-H reward)"]
    assert colour[:2] == ("1.46×", True) and "12 of 20" in colour[2]
    assert clip[:2] == ("1.60×", False)  # 1 + (20 * 4 + 12 * 13.5) / 405
    gpu = next(v for k, v in rows.items() if k.startswith("GPU"))
    assert gpu[0] == report.NO_GPU and gpu[1] is None


def test_no_variant_meets_the_target_is_reported():
    result = _result(plain_cpu=1.0, lags_cpu=3.0, plain_wall=1.0, lags_wall=3.0)
    rows = {t: (measured, met) for t, measured, met, _ in report.targets(result)}
    assert rows["variants within 2.0× (wall and CPU)"] == ("none", False)
    assert math.isclose(result.ratio(result.row(DEFAULTS.label), cpu=True), 3.0)
