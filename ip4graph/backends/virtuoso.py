"""A private Virtuoso Open Source server on loopback, for tests and benchmarks.

Debian's ``virtuoso-opensource`` package installs ``virtuoso-t`` and ``isql-vt``
but starts nothing (``.ci/install-virtuoso.sh`` installs it). :class:`LocalVirtuoso`
writes its own ``virtuoso.ini`` in a scratch directory, binds both the SQL port and
the HTTP port to ``127.0.0.1`` on free ports, starts ``virtuoso-t +foreground``,
waits until the SPARQL endpoint answers and stops the process on :meth:`stop`
(``with LocalVirtuoso() as v: ...``).

Settings that matter for ip4graph (measured, see ``/work/shared/notes/engines.md``):

* ``ResultSetMaxRows`` is raised from 10,000 (Virtuoso silently truncates results);
* ``MaxQueryExecutionTime`` is 0 (no server-side cut: the client's timeout applies);
* the ``dba`` password is changed at first start (``USER_SET_PASSWORD``) and used for HTTP Digest
  on ``/sparql-auth`` (updates) and for ``isql`` bulk loads (``ld_dir`` + ``rdf_loader_run``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Self

from ..errors import EndpointError

INSTALL_HINT = "install it with: bash .ci/install-virtuoso.sh (Debian package virtuoso-opensource)"


def virtuoso_binary() -> str | None:
    """Path of ``virtuoso-t`` or ``None`` when Virtuoso is not installed."""
    return shutil.which("virtuoso-t")


def isql_binary() -> str | None:
    return shutil.which("isql-vt") or shutil.which("isql")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 0
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {d}, {load_dir}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 200000000
MaxQueryMem              = 1G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty}

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {d}/vsp
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 100000000
MaxSortedTopRows           = 100000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
MaxConstructTriples        = 100000000
DeferInferenceRulesInit    = 0
"""


class LocalVirtuoso:
    """Start and stop a throwaway Virtuoso on 127.0.0.1.

    >>> # with LocalVirtuoso() as v: SparqlBackend(v.endpoint, ...)   (needs virtuoso-t)
    """

    def __init__(self, directory: Path | None = None, *, password: str = "ip4graph-dba",
                 memory_mb: int = 1024, startup_timeout: float = 60.0) -> None:
        self._own_dir = directory is None
        self.directory = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="ip4graph-virtuoso-"))
        self.password = password
        self.memory_mb = memory_mb
        self.startup_timeout = startup_timeout
        self.sql_port = 0
        self.http_port = 0
        self.process: subprocess.Popen[bytes] | None = None

    # ---------------------------------------------------------------- addresses
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def endpoint(self) -> str:
        """The public (read-only) SPARQL endpoint."""
        return f"{self.base}/sparql"

    @property
    def update_endpoint(self) -> str:
        """The SPARQL endpoint that accepts updates (HTTP Digest, user ``dba``)."""
        return f"{self.base}/sparql-auth"

    @property
    def load_dir(self) -> Path:
        return self.directory / "load"

    def backend_options(self) -> dict[str, object]:
        """Keyword arguments for :class:`ip4graph.backends.sparql.SparqlBackend`."""
        return {
            "endpoint": self.endpoint,
            "update_endpoint": self.update_endpoint,
            "user": "dba",
            "password": self.password,
            "dialect": "virtuoso",
            "bulk_loader": self.bulk_load,
        }

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> Self:
        binary = virtuoso_binary()
        if binary is None:
            raise EndpointError("Virtuoso is not installed (no virtuoso-t on PATH)", hint=INSTALL_HINT)
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "vsp").mkdir(exist_ok=True)
        self.load_dir.mkdir(exist_ok=True)
        buffers = max(2000, self.memory_mb * 1024 // 8 * 2 // 3 // 8)  # ~2/3 of memory_mb in 8 kB pages
        self.sql_port, self.http_port = free_port(), free_port()
        while self.http_port == self.sql_port:
            self.http_port = free_port()
        ini = self.directory / "virtuoso.ini"
        ini.write_text(_INI.format(d=self.directory, load_dir=self.load_dir, sql_port=self.sql_port,
                                   http_port=self.http_port, buffers=buffers, dirty=buffers * 3 // 4),
                       encoding="utf-8")
        first = not (self.directory / "virtuoso.db").exists()
        cmd = [binary, "+configfile", str(ini), "+foreground"]
        self._log = open(self.directory / "stdout.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(cmd, cwd=self.directory, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        self._wait_ready()
        if first and self.password != "dba":  # a new database starts with dba/dba
            try:
                self.isql(f"USER_SET_PASSWORD('dba', '{_sql_str(self.password)}');\n", password="dba")
            except BaseException:
                self.stop()
                raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        probe = self.endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}", "format": "application/sparql-results+json"})
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise EndpointError(f"virtuoso-t exited with code {self.process.returncode} while starting",
                                    hint=f"see {self.directory / 'virtuoso.log'}")
            try:
                with urllib.request.urlopen(probe, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                last = exc
            time.sleep(0.25)
        self.stop()
        raise EndpointError(f"Virtuoso did not answer within {self.startup_timeout:g} s ({last})",
                            hint=f"see {self.directory / 'virtuoso.log'}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 20 s) and remove its scratch directory."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()
            self._log = None
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- SQL side
    def isql(self, sql: str, *, timeout: float = 600.0, password: str | None = None) -> str:
        """Run SQL statements through ``isql-vt`` as ``dba``; returns its output."""
        binary = isql_binary()
        if binary is None:
            raise EndpointError("isql-vt not found", hint=INSTALL_HINT)
        proc = subprocess.run([binary, f"127.0.0.1:{self.sql_port}", "dba", password or self.password],
                              input=sql.encode("utf-8"), capture_output=True, timeout=timeout, check=False)
        out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
        if proc.returncode != 0 or "*** Error" in out:
            raise EndpointError(f"isql failed: {out.strip()[-800:]}")
        return out

    def bulk_load(self, nquads: Path | bytes | str) -> None:
        """Load an N-Quads file (or its text) with Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``)."""
        target = self.load_dir / "batch.nq"
        for old in self.load_dir.glob("*"):
            old.unlink()
        if isinstance(nquads, Path):
            shutil.copyfile(nquads, target)
        else:
            target.write_bytes(nquads.encode("utf-8") if isinstance(nquads, str) else nquads)
        self.isql(
            "DELETE FROM DB.DBA.LOAD_LIST;\n"
            f"ld_dir('{self.load_dir}', '*.nq', 'urn:ip4graph:unused');\n"
            "rdf_loader_run();\n"
            "checkpoint;\n"
        )
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;\n")
        if "0 Rows" not in errors:
            raise EndpointError(f"Virtuoso bulk load reported errors: {errors.strip()[-800:]}")
        target.unlink(missing_ok=True)


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


def running_pid(server: LocalVirtuoso) -> int | None:
    """The server's process id (for peak-memory measurement), or None."""
    return server.process.pid if server.process is not None and server.process.poll() is None else None


__all__ = ["INSTALL_HINT", "LocalVirtuoso", "free_port", "isql_binary", "running_pid", "virtuoso_binary"]
_ = os
