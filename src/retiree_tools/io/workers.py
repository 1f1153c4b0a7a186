"""Work on a second thread (the machines have two cores; Arrow, zlib and calamine release the
GIL), started so that it can never hang the command.

``threading.Thread.start`` waits, without a time limit, for the new thread to announce itself;
a thread that cannot allocate its first objects (a process at its address-space limit, as a
``ulimit -v`` in a scheduled job makes it) never does, and the command would hang forever.
:class:`Worker` starts its thread with :mod:`_thread` and waits for it a bounded time: a
thread that does not come up is a ``MemoryError`` (exit 2, "内存不足"), never a hang.
"""

from __future__ import annotations

import _thread
import threading
from collections.abc import Callable, Sequence
from typing import Any

START_TIMEOUT = 10.0  # seconds a new thread may take to start running
_live = [0]  # workers whose function has not returned yet (for tests and diagnostics)
_lock = threading.Lock()


def running() -> int:
    """How many :class:`Worker` threads are still running their function."""
    return _live[0]


class Worker:
    """``fn()`` running on its own (daemon) thread; :meth:`result` waits for it and returns
    its value or raises what it raised."""

    def __init__(self, fn: Callable[[], Any], name: str = "retiree-tools-worker") -> None:
        self._started = threading.Event()
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None
        self.name = name

        def boot() -> None:
            try:
                with _lock:
                    _live[0] += 1
                self._started.set()
                try:
                    self._value = fn()
                finally:
                    with _lock:
                        _live[0] -= 1
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                self._error = exc
            finally:
                self._done.set()

        _thread.start_new_thread(boot, ())
        if not self._started.wait(START_TIMEOUT):
            raise MemoryError(f"thread {name} did not start")

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> None:
        self._done.wait()

    def result(self) -> Any:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value


class Jobs:
    """Callables run one after another on one :class:`Worker` thread; :meth:`result` of job
    ``k`` waits for that job only (the later ones run on meanwhile)."""

    def __init__(self, jobs: Sequence[Callable[[], Any]], name: str = "retiree-tools-worker") -> None:
        self._events = [threading.Event() for _ in jobs]
        self._out: list[tuple[bool, Any]] = [(False, None)] * len(jobs)

        def run_all() -> None:
            failed: BaseException | None = None
            for k, job in enumerate(jobs):
                if failed is None:
                    try:
                        self._out[k] = (True, job())
                    except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                        failed = exc
                if failed is not None:
                    self._out[k] = (False, failed)
                self._events[k].set()

        self._worker = Worker(run_all, name)

    def result(self, k: int) -> Any:
        self._events[k].wait()
        ok, value = self._out[k]
        if not ok:
            raise value
        return value


def map_pair(fn: Callable[[Any], Any], items: Sequence[Any], name: str = "retiree-tools-worker") -> list:
    """``[fn(x) for x in items]`` on two threads — this one and a :class:`Worker` — in order."""
    items = list(items)
    if len(items) < 2:
        return [fn(x) for x in items]
    theirs = items[1::2]
    worker = Worker(lambda: [fn(x) for x in theirs], name)
    mine = [fn(x) for x in items[0::2]]
    other = worker.result()
    out: list = [None] * len(items)
    out[0::2], out[1::2] = mine, other
    return out
