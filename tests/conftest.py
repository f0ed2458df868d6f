"""Host-free test configuration: one thread (2 shared cores: more threads were 10-50x slower)."""
import torch

torch.set_num_threads(1)
