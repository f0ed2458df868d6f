"""Timing hooks for the benchmark (host side): they observe, they do not change results.

- an instrumented clone of the MODEL: a model_function_wrapper times every diffusion
  model call (and tells the recorder its sigma, which separates the sampler's steps)
  and an OUTER_SAMPLE wrapper marks where sampling starts and ends, so KSampler and
  LAGS Weighted Sampler are timed by the same code;
- the pack's engine entry points for the reward gradient (grad_log_w for lags/tweedie,
  vjp_through for dps) and RewardPath.image (the decode forward), wrapped for the
  duration of the benchmark;
- TimedReward: the reward's own forward.
"""
from __future__ import annotations

import contextlib
import functools
import time

WRAPPER_KEY = "lags_perf"


def instrumented_model(model, recorder, label_of_run):
    """A clone of `model` that reports to `recorder`. label_of_run() names the run that ends."""
    import comfy.patcher_extension

    def unet_wrapper(apply_model, args):
        x = args["input"]
        recorder.begin_call(float(args["timestep"].flatten()[0]), int(x.shape[0]))
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return apply_model(x, args["timestep"], **args["c"])
        finally:
            recorder.end_call(time.perf_counter() - wall, time.process_time() - cpu)

    def outer_sample(executor, *args, **kwargs):
        recorder.start_run()
        try:
            return executor(*args, **kwargs)
        finally:
            recorder.end_run(label_of_run())

    patched = model.clone()
    patched.set_model_unet_function_wrapper(unet_wrapper)
    patched.add_wrapper_with_key(comfy.patcher_extension.WrappersMP.OUTER_SAMPLE, WRAPPER_KEY, outer_sample)
    return patched


def _timed(fn, recorder, component):
    @functools.wraps(fn)
    def run(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            recorder.add(component, time.perf_counter() - wall, time.process_time() - cpu)

    return run


@contextlib.contextmanager
def component_timers(host, recorder):
    """Time the reward-gradient pieces inside the pack as ComfyUI loaded it."""
    engine = host.pack("guidance.engine")
    reward_path = host.pack("reward_path.path").RewardPath
    saved = (engine.grad_log_w, engine.vjp_through, reward_path.image)
    engine.grad_log_w = _timed(saved[0], recorder, "reward_grad")
    engine.vjp_through = _timed(saved[1], recorder, "dps_grad")
    reward_path.image = _timed(saved[2], recorder, "decode_fwd")
    try:
        yield
    finally:
        engine.grad_log_w, engine.vjp_through, reward_path.image = saved


@contextlib.contextmanager
def skip_below(host, threshold: float):
    """Run the host's guided_denoise with another skip threshold (the nodes do not expose it)."""
    post_cfg = host.pack("bridge.post_cfg")
    saved = post_cfg.guided_denoise
    post_cfg.guided_denoise = functools.partial(saved, skip_below=threshold)
    try:
        yield
    finally:
        post_cfg.guided_denoise = saved


class TimedReward:
    """Forwards a pixel/latent reward and times its log_w as "reward_fwd"."""

    def __init__(self, reward, recorder):
        self.reward, self.recorder = reward, recorder
        self.space, self.name = reward.space, reward.name

    def log_w(self, x):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return self.reward.log_w(x)
        finally:
            self.recorder.add("reward_fwd", time.perf_counter() - wall, time.process_time() - cpu)

    def __call__(self, x):
        return self.log_w(x)

    def prepare(self, device, dtype):
        self.reward.prepare(device, dtype)
        return self

    def describe(self):
        return self.reward.describe()

    def faithful_decode_scale(self, image_hw):  # decode_scale auto must see the wrapped reward's answer
        return self.reward.faithful_decode_scale(image_hw)

    def at_decode_scale(self, scale):
        return TimedReward(self.reward.at_decode_scale(scale), self.recorder)
