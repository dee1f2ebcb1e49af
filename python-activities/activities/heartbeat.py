"""Background heartbeats so long torch calls (loads, big steps) still report progress."""

from __future__ import annotations

import contextvars
import threading
from typing import Any, Callable

from temporalio import activity


def in_activity() -> bool:
    """True when running inside a Temporal activity context (not a plain test call)."""
    return activity.in_activity()


def beat(details: Any) -> None:
    """Heartbeat when inside an activity; a no-op otherwise."""
    if in_activity():
        activity.heartbeat(details)


def cancelled() -> bool:
    """Whether the activity was asked to stop (cancellation or worker shutdown)."""
    return in_activity() and (activity.is_cancelled() or activity.is_worker_shutdown())


def raise_if_cancelled(what: str) -> None:
    """Stop a long check loop between items once the activity was cancelled."""
    if cancelled():
        from temporalio.exceptions import CancelledError

        raise CancelledError(f"{what} cancelled")


class Heartbeater:
    """Context manager: a daemon thread heartbeats details_fn() every `interval` seconds."""

    def __init__(self, details_fn: Callable[[], Any], interval: float = 2.0) -> None:
        self.details_fn = details_fn
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                beat(self.details_fn())
            except Exception:  # noqa: BLE001 - a failed beat must never kill training
                pass

    def __enter__(self) -> "Heartbeater":
        if in_activity():
            ctx = contextvars.copy_context()  # the activity context lives in contextvars
            self._thread = threading.Thread(target=ctx.run, args=(self._run,), daemon=True, name="tooltune-heartbeat")
            self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 1)
