"""Nothing is kept from one guided step to the next: torch's live bytes at the start of
each guided step and each step's peak stay constant, and no tensor that carries an
autograd graph outlives the step (benchmarks/perf's recorder and allocation timeline)."""
import gc
import warnings

import torch

import fixture_nodes
import tiny_models
from benchmarks.perf import allocations, instrument
from benchmarks.perf.recorder import StepRecorder

STEPS = 8
#: Allowed drift of live bytes / per-step peak over the guided steps (one leaked 8x8 latent
#: is 1 KiB; the leaky control below keeps a 64x64 image and its grad_fn, ~50 KiB per step).
TOLERANCE = 4 * 1024


def graph_tensors() -> int:
    """Python-visible tensors that require grad or carry a grad_fn (parameters excluded)."""
    count = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # probing deprecated module attributes warns
        for obj in gc.get_objects():
            try:
                if isinstance(obj, torch.Tensor) and not isinstance(obj, torch.nn.Parameter):
                    count += bool(obj.requires_grad or obj.grad_fn is not None)
            except Exception:  # objects that fail isinstance probing
                continue
    return count


class LeakyRedness(fixture_nodes.RednessReward):
    """Keeps every image it scores, with its autograd graph: the negative control."""

    def __init__(self, strength):
        super().__init__(strength)
        self.kept = []

    def log_w(self, image):
        self.kept.append(image)
        return super().log_w(image)


def run(host, reward):
    scans = {}

    def mark(label):
        allocations.mark(label)
        if label.startswith("step:"):
            scans[label] = graph_tensors()

    recorder = StepRecorder(mark=mark)
    model = instrument.instrumented_model(tiny_models.tiny_model("sd15"), recorder, lambda: "lags")
    sampler = {"model": ["1", 0], "seed": 3, "steps": STEPS, "cfg": 4.0, "sampler_name": "euler",
               "scheduler": "karras", "positive": ["3", 0], "negative": ["3", 0], "latent_image": ["4", 0],
               "denoise": 1.0, "reward": ["10", 0], "vae": ["2", 2], "method": "lags", "epsilon": 0.01,
               "decode_scale": "1.0", "decoder": "vae"}
    prompt = {
        "1": {"class_type": "LAGSTest_Model", "inputs": {"key": host.put("perf_memory_model", model)}},
        "2": {"class_type": "LAGSTest_TinyCheckpoint", "inputs": {"kind": "sd15", "seed": 0}},
        "3": {"class_type": "LAGSTest_TextEncode", "inputs": {"text": "x", "clip": ["2", 1]}},
        "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
        "10": {"class_type": "LAGSTest_Reward", "inputs": {"key": host.put("perf_memory_reward", reward)}},
        "20": {"class_type": "LAGSWeightedSampler", "inputs": sampler},
        "90": {"class_type": "LAGSTest_Capture", "inputs": {"value": ["20", 0], "label": "latent"}},
    }
    with instrument.component_timers(host, recorder):  # tells guided steps apart
        host.run(prompt)  # warm-up: the cached decoder copy is made here
        with allocations.profiler() as prof:
            result = host.run(prompt)
    assert result.success, result.error_message
    steps = recorder.runs[-1].steps
    allocations.attach(steps, allocations.windows(*allocations.events_of(prof)))
    guided = [s for s in steps if s.guided]
    assert len(steps) == STEPS and len(guided) >= 4
    return steps, [scans[f"step:{s.index}"] for s in guided]


def test_live_bytes_and_peaks_are_flat_over_guided_steps(host):
    steps, graph_counts = run(host, fixture_nodes.RednessReward(3000.0))
    growth, spread = allocations.flatness(steps)
    assert growth <= TOLERANCE and spread <= TOLERANCE, [(s.index, s.live_start, s.peak) for s in steps]
    assert all(s.peak > s.live_start for s in steps)  # the timeline does see each step's work
    assert graph_counts == [0] * len(graph_counts)


def test_a_reward_that_keeps_its_graph_is_caught(host):
    leaky = LeakyRedness(3000.0)
    steps, graph_counts = run(host, leaky)
    growth, _ = allocations.flatness(steps)
    assert growth > 10 * TOLERANCE
    assert graph_counts[-1] > graph_counts[1] > 0
    leaky.kept.clear()
