"""LAGS Reward Evaluate: score IMAGE batches with any reward, for A/B checks in ComfyUI."""
from __future__ import annotations

from comfy_api.latest import io, ui

from ..rewards.evaluation import evaluate, format_table
from .guidance_inputs import REWARD, REWARD_CATEGORY as CATEGORY
from .reward_model_management import compute_device


class LAGSRewardEvaluate(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="LAGSRewardEvaluate",
            display_name="LAGS Reward Evaluate",
            category=CATEGORY,
            description=(
                "Scores a batch of images with a reward and shows a per-image table: each learned reward's "
                "score in its own units (PickScore, HPS x100, aesthetic 1-10), the log w that guidance uses, "
                "and for the fairness reward the class frequencies achieved. Connect a second batch to "
                "compare_images to A/B guided against plain sampling."
            ),
            is_output_node=True,
            inputs=[
                REWARD.Input("reward", tooltip="Any LAGS pixel reward (also a Reward Combine output)."),
                io.Image.Input("images", tooltip="The images to score (e.g. the VAE Decode of the guided run)."),
                io.Image.Input("compare_images", optional=True,
                               tooltip="Optional second batch (e.g. the same seeds sampled without guidance); "
                                       "the table adds its scores and the difference of the means."),
                io.String.Input("title", default="", optional=True,
                                tooltip="Optional heading for the table, e.g. 'guided vs plain, seed 42'."),
            ],
            outputs=[
                io.Float.Output(display_name="scores", is_output_list=True,
                                tooltip="One number per image of `images`: the score of a single learned reward "
                                        "(PickScore, HPS, aesthetic), otherwise log w."),
                io.String.Output(display_name="table", tooltip="The table shown on the node, as text."),
            ],
        )

    @classmethod
    def execute(cls, reward, images, compare_images=None, title: str = "") -> io.NodeOutput:
        if getattr(reward, "space", "pixel") != "pixel":
            raise ValueError(f"LAGS Reward Evaluate scores images; the reward {reward.describe()} works on "
                             "latents. Evaluate a pixel reward, or connect the latents to the sampler instead.")
        device = compute_device()
        result = evaluate(reward, images, device=device)
        compare = evaluate(reward, compare_images, device=device) if compare_images is not None else None
        labels = ("images", "compare_images") if compare is not None else ("images", "")
        table = format_table(result, title=title, compare=compare, labels=labels)
        return io.NodeOutput(result.primary, table, ui=ui.PreviewText(table))


NODES = [LAGSRewardEvaluate]
