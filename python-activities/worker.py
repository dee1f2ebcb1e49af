"""Python worker for task queue `tooltune-gpu`: torch activities (preflight_model, finetune, predict, merge, export_onnx, quantize_onnx).

Environment:
  Temporal's environment configuration: TEMPORAL_ADDRESS (localhost:7233), TEMPORAL_NAMESPACE (default),
  TEMPORAL_API_KEY, TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH, TEMPORAL_PROFILE, ...
  TOOLTUNE_TASK_QUEUE (tooltune-gpu), TOOLTUNE_MAX_CONCURRENT_ACTIVITIES (1: one torch job per GPU),
  TOOLTUNE_TORCH_THREADS (CPU threads for torch; on a shared CPU box also consider OMP_WAIT_POLICY=PASSIVE),
  HF_TOKEN (hub models only; read by the activities, never logged).
  Test hooks (TOOLTUNE_FAKE_OOM_ABOVE_BATCH, TOOLTUNE_TEST_STEP_DELAY_S) act only with TOOLTUNE_TEST_HOOKS=1.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from temporalio.client import Client  # noqa: E402
from temporalio.envconfig import ClientConfig  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from activities import ACTIVITIES  # noqa: E402
from activities.contracts import TASK_QUEUE  # noqa: E402
from activities.fault_hooks import TestHookError, ignored_hooks, read_hooks  # noqa: E402


async def connect() -> Client:
    """Connect with Temporal's own environment configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
    TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE, the TOML file), as worker.ts and the CLI do;
    the default is the embedded dev server on localhost:7233."""
    config = dict(ClientConfig.load_client_connect_config())
    config.setdefault("target_host", "localhost:7233")
    config.setdefault("namespace", "default")
    return await Client.connect(**config)


async def main() -> None:
    """Run the worker until SIGTERM/SIGINT, then shut down gracefully (running activities are cancelled
    and keep their last checkpoint; a retry elsewhere resumes from it)."""
    logging.basicConfig(level=os.environ.get("TOOLTUNE_LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        hooks = read_hooks()
        ignored = ignored_hooks()
    except TestHookError as e:
        print(f"python worker: {e}", file=sys.stderr, flush=True)
        sys.exit(2)
    if ignored:
        logging.warning("ignoring %s: test hooks act only with TOOLTUNE_TEST_HOOKS=1", ", ".join(ignored))
    elif hooks.fake_oom_above_batch is not None or hooks.step_delay_s:
        logging.warning("TEST HOOKS ON: %s", hooks)
    import torch  # noqa: F401 - import once up front so the first activity is not slowed (heartbeat timeouts)
    import transformers  # noqa: F401

    if os.environ.get("TOOLTUNE_TORCH_THREADS"):
        torch.set_num_threads(int(os.environ["TOOLTUNE_TORCH_THREADS"]))

    client = await connect()
    queue = os.environ.get("TOOLTUNE_TASK_QUEUE", TASK_QUEUE)
    slots = int(os.environ.get("TOOLTUNE_MAX_CONCURRENT_ACTIVITIES", "1"))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=slots + 1, thread_name_prefix="tooltune-activity") as pool:
        worker = Worker(client, task_queue=queue, activities=ACTIVITIES, activity_executor=pool,
                        max_concurrent_activities=slots, graceful_shutdown_timeout=timedelta(seconds=5),
                        # heartbeats reach the server every 3 s at most (not 80 % of the heartbeat timeout), so
                        # the CLI's progress bar moves and a crash resumes from a recent checkpoint
                        max_heartbeat_throttle_interval=timedelta(seconds=3),
                        default_heartbeat_throttle_interval=timedelta(seconds=3))
        run = asyncio.create_task(worker.run())
        print(f"python worker polling {queue}", flush=True)
        done, _ = await asyncio.wait([run, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
        if run not in done:
            await worker.shutdown()
        await run
    print("python worker stopped", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
