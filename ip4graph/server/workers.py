"""Query worker processes: every query is parsed and evaluated where it can be stopped.

The server process never parses or evaluates SPARQL. At start it forks a *zygote* that holds
the loaded graph and does nothing but fork workers (and apply updates, which are
token-protected). Each worker is a fork of the zygote (the graph is shared copy-on-write),
has an address-space cap (``RLIMIT_AS``: what it had at fork plus ``memory`` bytes) and
answers one job at a time over its own socket pair. The server:

* waits at most ``timeout`` seconds for the answer, then kills the worker (``SIGKILL``: no
  Python code, native parser or regex engine can hold it) and forks a fresh one;
* answers ``503`` when all workers stay busy for ``queue_timeout`` seconds;
* answers ``502`` when a worker dies while running a job (a native crash, the memory cap):
  that request fails and the others go on; the worker is replaced.

Workers and the zygote die with the server (``PR_SET_PDEATHSIG`` and end-of-file on their
sockets). Nothing here knows about HTTP or SPARQL: a job is ``(name, args)`` handed to a
*runner* callable that the zygote was given, and the answer is whatever it returns.
"""

from __future__ import annotations

import ctypes
import faulthandler
import logging
import os
import pickle
import queue
import resource
import select
import signal
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("ip4graph.server.workers")

_HEADER = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1


class WorkerTimeout(Exception):
    """The job ran longer than its time limit; its worker was killed and replaced."""


class WorkerCrashed(Exception):
    """The worker died while running the job (native crash, memory cap, killed)."""


class PoolBroken(WorkerCrashed):
    """No worker can be forked any more (the zygote is gone and may not be replaced)."""


class PoolBusy(Exception):
    """No worker became free within the queue time limit."""


class WorkerMemoryError(Exception):
    """The job hit the worker's memory cap (reported by the worker, which then retires)."""


def _send(sock: socket.socket, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the connection")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket) -> Any:
    (size,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    return pickle.loads(_recv_exact(sock, size))  # noqa: S301 - our own child process


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return 0


def _worker_main(sock: socket.socket, runner: Callable[[str, tuple], Any], memory: int | None) -> None:
    """Serve jobs on ``sock`` until it closes (runs in a forked child; never returns)."""
    code = 0
    try:
        # A worker killed by its memory cap or by the pool is expected: no "Fatal Python error"
        # traceback from faulthandler (pytest enables it) on the shared stderr; the parent logs it.
        faulthandler.disable()
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if memory:
            cap = _vm_size() + memory
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        while True:
            try:
                name, args = _recv(sock)
            except (EOFError, OSError):
                break
            try:
                answer = ("ok", runner(name, args))
            except MemoryError:
                answer = ("memory", None)
            except Exception as exc:  # the runner reports its own errors; this is a bug guard
                answer = ("error", f"{type(exc).__name__}: {exc}")
            try:
                _send(sock, answer)
            except MemoryError:
                _send(sock, ("memory", None))
            if answer[0] == "memory":
                break  # the heap may be fragmented or half-built: retire
    except BaseException:  # noqa: BLE001 - a child must never return into the parent's code
        code = 1
    finally:
        os._exit(code)


def _zygote_main(ctrl: socket.socket, runner: Callable[[str, tuple], Any], memory: int | None,
                 die_with_parent: bool = True) -> None:
    """Fork workers on request and run privileged jobs (updates) in place; never returns.

    It ends when its control socket closes (the server is gone); ``die_with_parent`` also asks
    the kernel to kill it then (only right when forked from the server's main thread: the
    kernel watches the thread that forked, not the process).
    """
    code = 0
    try:
        if die_with_parent:
            _die_with_parent()
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            try:
                msg, fds, _, _ = socket.recv_fds(ctrl, 4096, 1)
            except OSError:
                break
            if not msg:
                break
            command = pickle.loads(msg)  # noqa: S301 - from our own parent
            if command[0] == "spawn":
                child = socket.socket(fileno=fds[0])
                pid = os.fork()
                if pid == 0:
                    ctrl.close()
                    _worker_main(child, runner, memory)
                child.close()
                _send(ctrl, ("pid", pid))
            elif command[0] == "job":
                for fd in fds:
                    os.close(fd)
                try:
                    _send(ctrl, ("ok", runner(command[1], command[2])))
                except Exception as exc:  # noqa: BLE001
                    _send(ctrl, ("error", f"{type(exc).__name__}: {exc}"))
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


def _alive(sock: socket.socket) -> bool:
    """Whether an idle worker's socket is still open (a dead worker's end reads as end-of-file)."""
    try:
        ready, _, _ = select.select([sock], [], [], 0)
        if not ready:
            return True
        return sock.recv(1, socket.MSG_PEEK) != b""
    except OSError:
        return False


class FairGate:
    """``slots`` permits handed out fairly between clients.

    When a permit frees up, it goes to the waiting client that holds the fewest permits (the
    earliest waiter among equals): a client sending many slow requests cannot take every
    worker from the others, however many requests it sends.
    """

    def __init__(self, slots: int) -> None:
        self.free = slots
        self.held: Counter[str] = Counter()
        self._waiting: list[tuple[int, str]] = []
        self._seq = 0
        self._cond = threading.Condition()

    def acquire(self, client: str, *, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            self._seq += 1
            me = (self._seq, client)
            self._waiting.append(me)
            try:
                while True:
                    if self.free > 0 and min(self._waiting, key=lambda w: (self.held[w[1]], w[0])) == me:
                        self.free -= 1
                        self.held[client] += 1
                        return True
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(left)
            finally:
                self._waiting.remove(me)
                self._cond.notify_all()

    def release(self, client: str) -> None:
        with self._cond:
            self.free += 1
            self.held[client] -= 1
            if self.held[client] <= 0:
                del self.held[client]
            self._cond.notify_all()


@dataclass
class _Worker:
    pid: int
    sock: socket.socket
    generation: int


class WorkerPool:
    """``size`` worker processes forked (through a zygote) from the current process.

    Create it after the graph is loaded and before the process starts threads of its own
    (the zygote is a plain ``fork``). ``runner(name, args)`` is called in a worker for
    :meth:`call` and in the zygote for :meth:`call_in_zygote`.
    """

    def __init__(self, runner: Callable[[str, tuple], Any], *, size: int, memory: int | None = None,
                 queue_timeout: float = 10.0, restart_zygote: bool = True) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.memory = memory
        self.queue_timeout = queue_timeout
        self._runner = runner
        #: Whether a zygote that died may be forked again from this process (only right when the
        #: zygote's data never changes, i.e. without updates: this process holds the data as loaded).
        self.restart_zygote = restart_zygote
        self.zygote_restarts = 0
        self.broken = False
        self._ctrl_lock = threading.Lock()
        self._start_zygote()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._gate = FairGate(size)
        self._all: dict[int, _Worker] = {}
        self._state_lock = threading.Lock()
        self._generation = 0
        self._closed = False
        self.restarts = 0
        self.crashes = 0
        self.timeouts = 0
        for _ in range(size):
            self._idle.put(self._spawn())

    # ------------------------------------------------------------------ workers
    def _start_zygote(self) -> None:
        """Fork the zygote (call with ``_ctrl_lock`` held, or before any thread uses the pool)."""
        self._ctrl, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        main = threading.current_thread() is threading.main_thread()
        pid = os.fork()
        if pid == 0:
            self._ctrl.close()
            _zygote_main(theirs, self._runner, self.memory, die_with_parent=main)
        theirs.close()
        self.zygote_pid = pid

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with self._ctrl_lock:
            for attempt in (1, 2):
                try:
                    socket.send_fds(self._ctrl, [pickle.dumps(("spawn",))], [theirs.fileno()])
                    kind, pid = _recv(self._ctrl)
                    break
                except (OSError, EOFError):
                    if attempt == 2 or not self.restart_zygote or self._closed:
                        theirs.close()
                        ours.close()
                        self.broken = True
                        raise PoolBroken("the process that forks query workers is gone: restart the server") from None
                    log.error("the zygote %d died; forking a new one from the server process", self.zygote_pid)
                    self._ctrl.close()
                    try:
                        os.waitpid(self.zygote_pid, os.WNOHANG)
                    except ChildProcessError:
                        pass
                    self._start_zygote()
                    self.zygote_restarts += 1
            theirs.close()
        assert kind == "pid"
        worker = _Worker(pid, ours, self._generation)
        with self._state_lock:
            self._all[pid] = worker
        return worker

    def _discard(self, worker: _Worker, *, kill: bool) -> None:
        if kill:
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        worker.sock.close()
        with self._state_lock:
            self._all.pop(worker.pid, None)

    def _replace(self, worker: _Worker, *, kill: bool) -> None:
        self._discard(worker, kill=kill)
        self.restarts += 1
        if not self._closed:
            self._idle.put(self._spawn())

    @property
    def pids(self) -> list[int]:
        with self._state_lock:
            return sorted(self._all)

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    # ------------------------------------------------------------------ jobs
    def call(self, name: str, args: tuple, *, timeout: float | None, client: str = "") -> Any:
        """Run ``runner(name, args)`` in a worker and return its answer.

        ``client`` (an address) is who asks: free workers go first to the waiting client that
        holds the fewest (see :class:`FairGate`).

        Raises:
            PoolBusy: no worker was free within ``queue_timeout``.
            WorkerTimeout: no answer within ``timeout`` seconds (the worker was killed).
            WorkerCrashed: the worker died while running the job.
            WorkerMemoryError: the job ran out of the worker's memory cap.
        """
        if self.broken:
            raise PoolBroken("the process that forks query workers is gone: restart the server")
        if not self._gate.acquire(client, timeout=self.queue_timeout):
            raise PoolBusy(f"all {self.size} query workers stayed busy for {self.queue_timeout:g} s")
        try:
            return self._call(name, args, timeout=timeout)
        finally:
            self._gate.release(client)

    def _call(self, name: str, args: tuple, *, timeout: float | None) -> Any:
        deadline = time.monotonic() + self.queue_timeout
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise PoolBusy(f"all {self.size} query workers stayed busy for {self.queue_timeout:g} s") from None
            if _alive(worker.sock):
                break
            self.crashes += 1  # died while idle (killed from outside): no request pays for it
            self._replace(worker, kill=True)
        started = time.monotonic()
        try:
            worker.sock.settimeout(timeout if timeout and timeout > 0 else None)
            _send(worker.sock, (name, args))
            kind, value = _recv(worker.sock)
        except (socket.timeout, TimeoutError):
            self.timeouts += 1
            self._replace(worker, kill=True)
            raise WorkerTimeout(f"no answer after {time.monotonic() - started:.1f} s") from None
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            self.crashes += 1
            self._replace(worker, kill=True)
            raise WorkerCrashed(f"the worker process {worker.pid} died while running the request ({exc})") from None
        except BaseException:
            self._replace(worker, kill=True)
            raise
        if kind == "memory":
            self._replace(worker, kill=True)
            raise WorkerMemoryError("the request needed more memory than a worker may use")
        if worker.generation != self._generation:
            self._replace(worker, kill=True)  # the data changed since this worker was forked
        else:
            self._idle.put(worker)
        if kind == "error":
            raise RuntimeError(value)
        return value

    def call_in_zygote(self, name: str, args: tuple) -> Any:
        """Run a job in the zygote itself (it changes what every later worker sees), then renew the workers.

        Only for trusted jobs (token-protected updates): the zygote has no time or memory limit.
        """
        with self._ctrl_lock:
            socket.send_fds(self._ctrl, [pickle.dumps(("job", name, args))], [])
            kind, value = _recv(self._ctrl)
        self.renew()
        if kind == "error":
            raise RuntimeError(value)
        return value

    def check(self) -> int:
        """Replace idle workers that died (killed from outside); returns how many were replaced."""
        idle = []
        while True:
            try:
                idle.append(self._idle.get_nowait())
            except queue.Empty:
                break
        dead = 0
        for worker in idle:
            if _alive(worker.sock):
                self._idle.put(worker)
            else:
                dead += 1
                self.crashes += 1
                self._replace(worker, kill=True)
        return dead

    def renew(self) -> None:
        """Replace every worker by a fresh fork of the zygote (busy ones when they finish)."""
        with self._state_lock:
            self._generation += 1
        fresh = []
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            self._discard(worker, kill=True)
            fresh.append(None)
        for _ in fresh:
            self._idle.put(self._spawn())

    def close(self) -> None:
        """Kill the workers and the zygote."""
        self._closed = True
        with self._state_lock:
            workers = list(self._all.values())
            self._all.clear()
        for w in workers:
            try:
                os.kill(w.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            w.sock.close()
        try:
            os.kill(self.zygote_pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.zygote_pid, 0)
        except ChildProcessError:
            pass
        self._ctrl.close()


__all__ = ["FairGate", "PoolBroken", "PoolBusy", "WorkerCrashed", "WorkerMemoryError", "WorkerPool", "WorkerTimeout"]
