"""Test hooks that simulate faults (out-of-memory, slow steps) without a GPU or a slow model.

They are read from the environment ONLY when TOOLTUNE_TEST_HOOKS=1 is set as well: a stray
TOOLTUNE_FAKE_OOM_ABOVE_BATCH inherited by a production worker changes nothing. A bad value is a clear
error (the worker refuses to start; an activity fails with InvalidSpec naming the variable)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Mapping, Optional

SWITCH = "TOOLTUNE_TEST_HOOKS"
FAKE_OOM_ENV = "TOOLTUNE_FAKE_OOM_ABOVE_BATCH"
STEP_DELAY_ENV = "TOOLTUNE_TEST_STEP_DELAY_S"
HOOK_VARS = (FAKE_OOM_ENV, STEP_DELAY_ENV)


class TestHookError(ValueError):
    """A test hook variable has a value the hook cannot use."""

    __test__ = False  # not a pytest test class


@dataclass(frozen=True)
class FaultHooks:
    """The hooks in force: None / 0 when off."""

    fake_oom_above_batch: Optional[int] = None
    step_delay_s: float = 0.0


def hooks_enabled(env: Mapping[str, str]) -> bool:
    """True when the explicit switch is set to 1; any value other than 1, 0 or empty is an error."""
    value = env.get(SWITCH, "").strip()
    if value not in ("", "0", "1"):
        raise TestHookError(f"{SWITCH} must be 1 (on) or 0 / unset (off), got {value!r}")
    return value == "1"


def read_hooks(env: Optional[Mapping[str, str]] = None) -> FaultHooks:
    """The hooks the environment asks for, validated; FaultHooks() unless TOOLTUNE_TEST_HOOKS=1."""
    env = os.environ if env is None else env
    if not hooks_enabled(env):
        return FaultHooks()
    oom: Optional[int] = None
    raw = env.get(FAKE_OOM_ENV, "").strip()
    if raw:
        try:
            oom = int(raw)
        except ValueError:
            raise TestHookError(f"{FAKE_OOM_ENV} must be a whole number (a batch size), got {raw!r}") from None
        if oom < 0:
            raise TestHookError(f"{FAKE_OOM_ENV} must be >= 0, got {raw!r}")
    delay = 0.0
    raw = env.get(STEP_DELAY_ENV, "").strip()
    if raw:
        try:
            delay = float(raw)
        except ValueError:
            raise TestHookError(f"{STEP_DELAY_ENV} must be a number of seconds, got {raw!r}") from None
        if not math.isfinite(delay) or delay < 0 or delay > 60:
            raise TestHookError(f"{STEP_DELAY_ENV} must be between 0 and 60 seconds, got {raw!r}")
    return FaultHooks(fake_oom_above_batch=oom, step_delay_s=delay)


def ignored_hooks(env: Optional[Mapping[str, str]] = None) -> list[str]:
    """Hook variables that are set but ignored because the switch is off (the worker warns about them)."""
    env = os.environ if env is None else env
    if hooks_enabled(env):
        return []
    return [name for name in HOOK_VARS if env.get(name, "").strip()]
