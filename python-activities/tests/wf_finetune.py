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


@workflow.defn(name="TestPipeline")
class Pipeline:
    """preflight_model -> predict with plain JSON objects, then a preflight that must fail typed."""

    @workflow.run
    async def run(self, args: dict[str, Any]) -> dict[str, Any]:
        """Return both outputs and the failure type/retryability of the bad preflight."""
        from temporalio.exceptions import ActivityError, ApplicationError

        opts: dict[str, Any] = {"task_queue": "tooltune-gpu", "result_type": dict, "start_to_close_timeout": timedelta(minutes=5),
                                "heartbeat_timeout": timedelta(seconds=20), "retry_policy": RetryPolicy(maximum_attempts=3)}
        pf = await workflow.execute_activity("preflight_model", args["preflight"], **opts)
        pred = await workflow.execute_activity("predict", {**args["predict"], "model_path": pf["model_path"]}, **opts)
        try:
            await workflow.execute_activity("preflight_model", args["bad_preflight"], **opts)
            failure: dict[str, Any] = {}
        except ActivityError as e:
            cause = e.cause
            assert isinstance(cause, ApplicationError)
            failure = {"type": cause.type, "non_retryable": cause.non_retryable, "details": list(cause.details)}
        return {"preflight": pf, "predict": pred, "failure": failure}
