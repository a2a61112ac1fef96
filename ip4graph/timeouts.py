"""Run a pure-Python computation with a time limit, freeing the worker when it expires.

rdflib evaluates SPARQL in pure Python, so a runaway query can be stopped by raising
an exception inside its thread (``PyThreadState_SetAsyncExc``): the thread unwinds at
its next bytecode and ends, and the caller gets :class:`~ip4graph.errors.QueryTimeout`.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import TypeVar

from .errors import QueryTimeout

T = TypeVar("T")


class _Stop(BaseException):
    """Raised inside the worker thread to stop it (BaseException: not caught by ``except Exception``)."""


def _interrupt(thread: threading.Thread) -> None:
    ident = thread.ident
    if ident is None:
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(_Stop))


def run_with_timeout(fn: Callable[[], T], *, timeout: float | None, what: str = "query") -> T:
    """Call ``fn()`` and return its result, or raise :class:`QueryTimeout` after ``timeout`` seconds.

    ``timeout=None`` or ``<= 0`` means no limit (the call runs in the caller's thread).
    """
    if not timeout or timeout <= 0:
        return fn()
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except _Stop:
            box["stopped"] = True
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name=f"ip4graph-{what}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        for _ in range(50):  # the exception lands at the next bytecode; C calls may delay it
            _interrupt(thread)
            thread.join(0.1)
            if not thread.is_alive():
                break
        raise QueryTimeout(
            f"the {what} ran longer than {timeout:g} s and was stopped",
            hint="narrow the query (add a LIMIT, bind more variables) or raise --timeout",
        )
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
