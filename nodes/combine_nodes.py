"""LAGS Reward Combine: log w = sum_i strength_i log w_i."""
from __future__ import annotations

from comfy_api.latest import io

from ..rewards import CombinedReward
from .guidance_inputs import REWARD, REWARD_CATEGORY

#: Number of reward slots on the node.
SLOTS = 4


class LAGSRewardCombine(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        inputs = []
        for i in range(1, SLOTS + 1):
            inputs.append(REWARD.Input(f"reward_{i}", optional=True,
                                       tooltip=f"Reward {i} (optional). All connected rewards must be of the same "
                                               "kind: all pixel rewards or all latent rewards."))
            inputs.append(io.Float.Input(f"strength_{i}", default=1.0, min=-100.0, max=100.0, step=0.1, round=0.001,
                                         tooltip=f"How much reward {i} counts: 2 pulls twice as hard as 1, 0 "
                                                 "ignores it, a negative value pushes away from it."))
        return io.Schema(
            node_id="LAGSRewardCombine",
            display_name="LAGS Reward Combine",
            category=REWARD_CATEGORY,
            description="Combines several rewards into one, each counted with its own strength (e.g. a colour "
                        "and a human-preference reward together). Unconnected slots are ignored.",
            inputs=inputs,
            outputs=[REWARD.Output(display_name="reward", tooltip="The combined reward.")],
        )

    @classmethod
    def execute(cls, **kwargs) -> io.NodeOutput:
        terms = []
        for i in range(1, SLOTS + 1):
            reward = kwargs.get(f"reward_{i}")
            if reward is not None:
                terms.append((reward, kwargs.get(f"strength_{i}", 1.0)))
        if not terms:
            raise ValueError("LAGS Reward Combine: connect at least one reward (reward_1 ... reward_4).")
        return io.NodeOutput(CombinedReward(terms))


NODES = [LAGSRewardCombine]
