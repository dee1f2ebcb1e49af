"""Test hooks act only behind TOOLTUNE_TEST_HOOKS=1, and bad values are refused with a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from activities.contracts import TrainingConfig
from activities.errors import InvalidSpec, OutOfMemory
from activities.fault_hooks import FaultHooks, TestHookError, ignored_hooks, read_hooks
from activities.finetune import fake_oom

PY = Path(__file__).resolve().parents[1]


def test_hooks_are_ignored_without_the_switch():
    env = {"TOOLTUNE_FAKE_OOM_ABOVE_BATCH": "1", "TOOLTUNE_TEST_STEP_DELAY_S": "5"}
    assert read_hooks(env) == FaultHooks()
    assert ignored_hooks(env) == ["TOOLTUNE_FAKE_OOM_ABOVE_BATCH", "TOOLTUNE_TEST_STEP_DELAY_S"]
    assert read_hooks({**env, "TOOLTUNE_TEST_HOOKS": "0"}) == FaultHooks()


def test_hooks_apply_with_the_switch():
    env = {"TOOLTUNE_TEST_HOOKS": "1", "TOOLTUNE_FAKE_OOM_ABOVE_BATCH": "4", "TOOLTUNE_TEST_STEP_DELAY_S": "0.25"}
    assert read_hooks(env) == FaultHooks(fake_oom_above_batch=4, step_delay_s=0.25)
    assert ignored_hooks(env) == []


@pytest.mark.parametrize("name,value,match", [
    ("TOOLTUNE_TEST_HOOKS", "yes", "must be 1"),
    ("TOOLTUNE_FAKE_OOM_ABOVE_BATCH", "four", "whole number"),
    ("TOOLTUNE_FAKE_OOM_ABOVE_BATCH", "-1", ">= 0"),
    ("TOOLTUNE_TEST_STEP_DELAY_S", "fast", "number of seconds"),
    ("TOOLTUNE_TEST_STEP_DELAY_S", "nan", "between 0 and 60"),
    ("TOOLTUNE_TEST_STEP_DELAY_S", "1e9", "between 0 and 60"),
])
def test_bad_values_are_refused_naming_the_variable(name, value, match):
    env = {"TOOLTUNE_TEST_HOOKS": "1", name: value}
    with pytest.raises(TestHookError, match=match) as err:
        read_hooks(env)
    assert name in str(err.value)


def test_finetune_fakes_oom_only_with_the_switch(monkeypatch):
    big = TrainingConfig(per_device_train_batch_size=8)
    monkeypatch.delenv("TOOLTUNE_TEST_HOOKS", raising=False)
    monkeypatch.setenv("TOOLTUNE_FAKE_OOM_ABOVE_BATCH", "4")
    fake_oom(big)  # a stray variable in a production worker's environment changes nothing
    monkeypatch.setenv("TOOLTUNE_TEST_HOOKS", "1")
    with pytest.raises(OutOfMemory):
        fake_oom(big)
    fake_oom(TrainingConfig(per_device_train_batch_size=4))
    monkeypatch.setenv("TOOLTUNE_FAKE_OOM_ABOVE_BATCH", "x")
    with pytest.raises(InvalidSpec, match="TOOLTUNE_FAKE_OOM_ABOVE_BATCH"):
        fake_oom(big)


def test_worker_refuses_to_start_with_a_bad_hook_value():
    env = {**os.environ, "TOOLTUNE_TEST_HOOKS": "1", "TOOLTUNE_TEST_STEP_DELAY_S": "soon", "TEMPORAL_ADDRESS": "127.0.0.1:1"}
    proc = subprocess.run([sys.executable, str(PY / "worker.py")], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "TOOLTUNE_TEST_STEP_DELAY_S" in proc.stderr
