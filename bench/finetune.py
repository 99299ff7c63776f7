"""What the two MiniLM fine-tuning scripts share: the learning-rate schedule and one optimizer step."""

from __future__ import annotations

from typing import Any


def warmup_then_linear_decay(optimizer: Any, total: int, warmup: int) -> Any:
    """A schedule rising linearly over `warmup` steps, then falling linearly to 0 at step `total`."""
    import torch

    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (total - s) / max(1, total - warmup)))


def optimizer_step(loss: Any, optimizer: Any, schedule: Any, params: list[Any]) -> None:
    """Back-propagate `loss`, clip the gradient norm of `params` at 1, step the optimizer and the schedule."""
    import torch

    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    schedule.step()
