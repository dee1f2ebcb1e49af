"""A minimal test workflow: run the Python `finetune` activity with retries and a short heartbeat timeout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy


@workflow.defn(name="TestFinetuneOnce")
class FinetuneOnce:
    """Calls finetune on task queue tooltune-gpu the way the TypeScript workflow does."""

    @workflow.run
    async def run(self, inp: dict[str, Any]) -> dict[str, Any]:
        """Return the FinetuneOutput as a JSON object."""
        return await workflow.execute_activity(
            "finetune", inp, task_queue="tooltune-gpu", result_type=dict,
            start_to_close_timeout=timedelta(minutes=5), heartbeat_timeout=timedelta(seconds=5),
            retry_policy=RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=4,
                                     non_retryable_error_types=["InvalidSpec", "OutOfMemory"]),
        )
