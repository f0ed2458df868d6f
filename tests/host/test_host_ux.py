"""What ComfyUI users expect of any sampler node, checked on the LAGS Weighted Sampler:
a progress bar counting its steps, Cancel honoured within one step, live latent previews.

ComfyUI's server reports sampling progress through one global hook
(comfy.utils.set_progress_bar_global_hook, installed by main.py's hijack_progress): it
checks for an interrupt, feeds comfy_execution.progress (the "progress_state" messages)
and sends "progress" plus the preview image. The harness starts no server, so the
`server_hook` fixture installs a test-only hook doing the same and restores the old one.
"""
import pytest

import prompts
from fixture_nodes import RednessReward, TinyCheckpoint

SAMPLER = "20"  # node id of the sampler in prompts.sampler_prompt
STEPS = 5
STRENGTH = prompts.TINY_STRENGTH  # as in test_host_sampler.py: guidance visibly on with the tiny models


class ServerProgressHook:
    """Test stand-in for the progress hook ComfyUI's server installs; records every call."""

    def __init__(self, server):
        self.server = server
        self.calls: list = []  # (node_id, value, total, preview_image), in call order

    def __call__(self, value, total, preview_image, prompt_id=None, node_id=None):
        import comfy.model_management
        from comfy_execution.progress import get_progress_state
        from comfy_execution.utils import get_executing_context
        from protocol import BinaryEventTypes

        context = get_executing_context()
        node_id = node_id if node_id is not None or context is None else context.node_id
        prompt_id = prompt_id if prompt_id is not None or context is None else context.prompt_id
        self.calls.append((node_id, value, total, preview_image))
        comfy.model_management.throw_exception_if_processing_interrupted()  # the server's Cancel point
        get_progress_state().update_progress(node_id, value, total, preview_image)
        self.server.send_sync("progress", {"value": value, "max": total, "prompt_id": prompt_id, "node": node_id})
        if preview_image is not None:
            self.server.send_sync(BinaryEventTypes.UNENCODED_PREVIEW_IMAGE, preview_image)

    def of(self, node_id):
        return [(value, total, preview) for node, value, total, preview in self.calls if node == node_id]


@pytest.fixture
def server_hook(host):
    import comfy.utils

    previous = comfy.utils.PROGRESS_BAR_HOOK
    hook = ServerProgressHook(host.server)
    comfy.utils.set_progress_bar_global_hook(hook)
    try:
        yield hook
    finally:
        comfy.utils.set_progress_bar_global_hook(previous)


def set_preview_method(monkeypatch, method):
    """As if ComfyUI was started with --preview-method: PromptExecutor resets
    args.preview_method to latent_preview.default_preview_method for every prompt that does
    not choose one, so both are set (monkeypatch restores them)."""
    import latent_preview
    from comfy.cli_args import args

    monkeypatch.setattr(args, "preview_method", method)
    monkeypatch.setattr(latent_preview, "default_preview_method", method)


# -- 1. progress bar ------------------------------------------------------------------------
def test_progress_bar_counts_the_sampler_steps(host, server_hook):
    result = host.run(prompts.sampler_prompt(steps=STEPS, strength=STRENGTH))
    assert result.success, result.error_message
    assert any(t["guided"] for t in result.traces(SAMPLER))  # guidance was on while progress was reported

    updates = server_hook.of(SAMPLER)
    assert [total for _, total, _ in updates] == [STEPS] * STEPS  # one update per step, not per model call
    assert [value for value, _, _ in updates] == list(range(1, STEPS + 1))

    # What the browser gets: the "progress" messages and comfy_execution.progress's state.
    progress = [d for e, d in result.messages if e == "progress" and d["node"] == SAMPLER]
    assert progress and all(d["max"] == STEPS for d in progress) and progress[-1]["value"] == STEPS
    states = [d["nodes"][SAMPLER] for e, d in result.messages if e == "progress_state" and SAMPLER in d["nodes"]]
    assert any(s["state"] == "running" and s["value"] == STEPS and s["max"] == STEPS for s in states)
    assert states[-1]["state"] == "finished"


# -- 2. interrupt ---------------------------------------------------------------------------
class CountingModel:
    """A clone of the tiny model whose every UNet evaluation (sampler steps and the LAGS
    probe alike) goes through this wrapper and is counted."""

    def __init__(self):
        self.calls = 0
        self.model = TinyCheckpoint().run("sdxl", 0)[0].clone()
        self.model.set_model_unet_function_wrapper(self._wrapper())

    def _wrapper(self):
        counter = self

        class Wrapper:
            def __call__(self, apply_model, args):
                counter.calls += 1
                return apply_model(args["input"], args["timestep"], **args["c"])

            def __deepcopy__(self, memo):
                return self  # the pack's model.clone() deep-copies model_options: keep one count

        return Wrapper()


class InterruptingReward(RednessReward):
    """Redness reward that presses Cancel (as /interrupt does) inside its `interrupt_at`-th
    evaluation, i.e. in the middle of a guided step, and notes the model-call count then."""

    def __init__(self, strength, interrupt_at, counter: CountingModel):
        super().__init__(strength)
        self.interrupt_at, self.counter = interrupt_at, counter
        self.evaluations = 0
        self.model_calls_at_interrupt = None

    def log_w(self, image):
        import comfy.model_management

        self.evaluations += 1
        if self.evaluations == self.interrupt_at:
            self.model_calls_at_interrupt = self.counter.calls
            comfy.model_management.interrupt_current_processing()
        return super().log_w(image)


def counted_prompt(host, counter, reward_key=None):
    prompt = prompts.sampler_prompt(steps=STEPS, strength=STRENGTH)
    prompt[SAMPLER]["inputs"]["model"] = ["41", 0]
    prompt["41"] = {"class_type": "LAGSTest_Model", "inputs": {"key": host.put(f"counted_{id(counter)}", counter.model)}}
    if reward_key is not None:
        prompt["10"] = {"class_type": "LAGSTest_Reward", "inputs": {"key": reward_key}}
    return prompt


def test_interrupt_stops_within_one_step_and_comfyui_keeps_working(host, server_hook):
    import comfy.model_management

    executor = host.executor()
    counter = CountingModel()
    reward = InterruptingReward(STRENGTH, interrupt_at=2, counter=counter)  # 2nd guided step
    try:
        interrupted = host.run(counted_prompt(host, counter, host.put("interrupting_reward", reward)),
                               executor=executor)
    finally:
        comfy.model_management.interrupt_current_processing(False)

    assert reward.model_calls_at_interrupt is not None, "the reward never reached its interrupt point"
    assert not interrupted.success
    assert interrupted.error is None, interrupted.error_message  # a Cancel, not an error report
    stops = [d for e, d in interrupted.messages if e == "execution_interrupted"]
    assert len(stops) == 1 and stops[0]["node_id"] == SAMPLER, stops
    assert not any(e == "executed" and d.get("node") == "90" for e, d in interrupted.messages)
    # At most one further model evaluation (the one already under way) after Cancel was pressed.
    assert counter.calls - reward.model_calls_at_interrupt <= 1, (counter.calls, reward.model_calls_at_interrupt)
    interrupted_steps = [t["step"] for t in interrupted.traces(SAMPLER)]
    assert len(server_hook.of(SAMPLER)) <= len(interrupted_steps) + 1 < STEPS

    # The same executor then runs a normal prompt to the end.
    server_hook.calls.clear()
    counter.calls = 0
    normal = host.run(counted_prompt(host, counter), executor=executor)
    assert normal.success, normal.error_message
    assert [t["step"] for t in normal.traces(SAMPLER)] == list(range(1, STEPS + 1))
    assert [value for value, _, _ in server_hook.of(SAMPLER)] == list(range(1, STEPS + 1))
    assert counter.calls > reward.model_calls_at_interrupt + 1  # the full run needed the calls Cancel saved
    assert not comfy.model_management.processing_interrupted()


# -- 3. latent previews ---------------------------------------------------------------------
def preview_images(result, hook):
    from protocol import BinaryEventTypes

    sent = [d for e, d in result.messages if e == BinaryEventTypes.UNENCODED_PREVIEW_IMAGE]
    return [preview for _, _, preview in hook.of(SAMPLER) if preview is not None], sent


def test_latent_previews_during_sampling(host, server_hook, monkeypatch):
    import numpy as np
    from comfy.cli_args import LatentPreviewMethod

    set_preview_method(monkeypatch, LatentPreviewMethod.NoPreviews)
    off = host.run(prompts.sampler_prompt(steps=STEPS, strength=STRENGTH))
    assert off.success, off.error_message
    assert preview_images(off, server_hook) == ([], [])  # control: previews come from the setting

    set_preview_method(monkeypatch, LatentPreviewMethod.Latent2RGB)
    runs = {}
    for guided in (False, True):
        server_hook.calls.clear()
        result = host.run(prompts.sampler_prompt(guided=guided, steps=STEPS, strength=STRENGTH))
        assert result.success, result.error_message
        runs[guided] = preview_images(result, server_hook)

    previews, sent = runs[True]
    assert len(previews) == STEPS and sent == previews  # one per step, all passed on to the browser
    for image_format, image, max_size in previews:
        assert image_format == "JPEG" and image.size == (8, 8) and max_size > 0  # 64x64 image, 8x8 latent
    frames = [np.asarray(image, dtype=np.int16) for _, image, _ in previews]
    assert not np.array_equal(frames[0], frames[-1])  # the preview follows the denoising
    # The previews show the guided estimate D_q, not the unguided one of a core KSampler.
    plain_last = np.asarray(runs[False][0][-1][1], dtype=np.int16)
    assert np.abs(frames[-1] - plain_last).max() > 0
