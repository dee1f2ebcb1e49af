"""Python worker for task queue `tooltune-gpu`: torch activities (preflight_model, finetune, predict).

Environment:
  TEMPORAL_ADDRESS (localhost:7233), TEMPORAL_NAMESPACE (default),
  TEMPORAL_TLS_CERT + TEMPORAL_TLS_KEY (mTLS client cert/key paths) or TEMPORAL_API_KEY (Temporal Cloud),
  TOOLTUNE_TASK_QUEUE (tooltune-gpu), TOOLTUNE_MAX_CONCURRENT_ACTIVITIES (1: one torch job per GPU),
  TOOLTUNE_TORCH_THREADS (CPU threads for torch; on a shared CPU box also consider OMP_WAIT_POLICY=PASSIVE),
  HF_TOKEN (hub models only; read by the activities, never logged).
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

from temporalio.client import Client, TLSConfig  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from activities import ACTIVITIES  # noqa: E402
from activities.contracts import TASK_QUEUE  # noqa: E402


def tls_config() -> TLSConfig | bool:
    """mTLS from cert/key paths, plain TLS for an API key, else no TLS."""
    cert, key = os.environ.get("TEMPORAL_TLS_CERT"), os.environ.get("TEMPORAL_TLS_KEY")
    if cert and key:
        return TLSConfig(client_cert=Path(cert).read_bytes(), client_private_key=Path(key).read_bytes())
    return bool(os.environ.get("TEMPORAL_API_KEY"))


async def connect() -> Client:
    """Connect to Temporal from the environment."""
    return await Client.connect(
        os.environ.get("TEMPORAL_ADDRESS", "localhost:7233"),
        namespace=os.environ.get("TEMPORAL_NAMESPACE", "default"),
        api_key=os.environ.get("TEMPORAL_API_KEY") or None,
        tls=tls_config(),
    )


async def main() -> None:
    """Run the worker until SIGTERM/SIGINT, then shut down gracefully (running activities are cancelled
    and keep their last checkpoint; a retry elsewhere resumes from it)."""
    logging.basicConfig(level=os.environ.get("TOOLTUNE_LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s %(message)s")
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
                        max_concurrent_activities=slots, graceful_shutdown_timeout=timedelta(seconds=5))
        run = asyncio.create_task(worker.run())
        print(f"python worker polling {queue}", flush=True)
        done, _ = await asyncio.wait([run, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
        if run not in done:
            await worker.shutdown()
        await run
    print("python worker stopped", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
