"""The compiled store: ontology + data + inferences in an embedded Oxigraph store under ``build/``.

Every command opens the store instead of re-parsing the TriG files. A store lives in
``build/store/<key>/`` where ``key`` hashes the *bytes* of the input files (and the
reasoning regime and the versions of the engines), so a changed file gives a new key
and the store is rebuilt on the next command; an unchanged one is opened in
milliseconds.

A store is built in a temporary directory next to its final place, its manifest
(``ip4graph-store.json``: inputs, counts, ``"complete": true``) is written and fsynced
last, and the directory is then renamed into place: a reader sees a whole store or
none, and a store without a complete manifest (a killed build) is never opened.

>>> from ip4graph.store import Inputs
>>> Inputs.shipped().key() == Inputs.shipped().key()
True
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import resources
from .errors import DatasetError
from .fileio import fsync_dir
from .progress import Progress, emit
from .reasoning import Reasoning

#: Bump when the store layout or what a store holds changes (old stores are then rebuilt, never misread;
#: 3: ip4:directType materialised; 4: blank nodes stored as blank nodes).
STORE_FORMAT = 4
MANIFEST = "ip4graph-store.json"
ENV_STORE = "IP4GRAPH_STORE"
#: How many compiled stores to keep besides the one in use.
KEEP = 2


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover
        return "?"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Inputs:
    """What a store is compiled from."""

    data: tuple[Path, ...]
    ontology: Path | None
    reasoning: Reasoning = Reasoning.OWLRL
    reasoner: str = "owlrl"

    @classmethod
    def shipped(cls, *, reasoning: Reasoning = Reasoning.OWLRL, reasoner: str = "owlrl") -> "Inputs":
        return cls(tuple(resources.data_paths()), resources.ontology_path(), reasoning, reasoner)

    @classmethod
    def of(cls, data: tuple[Path, ...] | list[Path] | None, ontology: Path | bool | None = True, *,
           reasoning: Reasoning = Reasoning.OWLRL, reasoner: str = "owlrl") -> "Inputs":
        files = tuple(Path(p) for p in data) if data else tuple(resources.data_paths())
        onto: Path | None
        if ontology is True or ontology is None:
            onto = resources.ontology_path()
        elif ontology is False:
            onto = None
        else:
            onto = Path(ontology)
        return cls(files, onto, reasoning, reasoner)

    def files(self) -> list[tuple[str, Path]]:
        out = [("ontology", self.ontology)] if self.ontology is not None else []
        return out + [("data", p) for p in self.data]

    def fingerprint(self) -> dict[str, object]:
        """The inputs as recorded in a manifest: role, name and SHA-256 of each file, engines."""
        files = []
        for role, p in self.files():
            if not p.is_file():
                from .errors import Location, SourceError

                raise SourceError("file not found", location=Location(str(p)), hint="check the path")
            files.append({"role": role, "name": p.name, "sha256": sha256_file(p)})
        return {
            "format": STORE_FORMAT,
            "files": files,
            "reasoning": self.reasoning.value,
            "reasoner": self.reasoner,
            "engines": {k: _version(k) for k in ("ip4graph", "rdflib", "owlrl", "pyoxigraph")},
        }

    def key(self) -> str:
        blob = json.dumps(self.fingerprint(), sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:32]


def default_root() -> Path:
    """``$IP4GRAPH_STORE`` or ``./build/store``."""
    env = os.environ.get(ENV_STORE)
    return Path(env) if env else Path.cwd() / "build" / "store"


def read_manifest(path: Path) -> dict[str, object] | None:
    """The manifest of a store directory, or None when it is missing, unreadable or incomplete."""
    try:
        doc = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("complete") is not True or doc.get("format") != STORE_FORMAT:
        return None
    return doc


def write_manifest(path: Path, doc: dict[str, object]) -> None:
    """Write (and fsync) a store's manifest; ``complete`` says whether its load finished."""
    target = path / MANIFEST
    tmp = path / (MANIFEST + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    fsync_dir(path)


@dataclass
class CompileReport:
    """What :func:`open_compiled` did."""

    path: Path
    built: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True
    return True


def clean(root: Path, *, keep: Path | None = None) -> None:
    """Remove half-built stores of dead processes and all but the newest :data:`KEEP` old stores."""
    if not root.is_dir():
        return
    finished = []
    for d in root.iterdir():
        if not d.is_dir():
            continue
        if ".tmp-" in d.name:
            pid = d.name.rsplit(".tmp-", 1)[1]
            if not pid.isdigit() or not _pid_alive(int(pid)):
                shutil.rmtree(d, ignore_errors=True)
            continue
        if keep is not None and d.resolve() == keep.resolve():
            continue
        finished.append(d)
    finished.sort(key=lambda d: d.stat().st_mtime, reverse=True)
    for d in finished[KEEP:]:
        shutil.rmtree(d, ignore_errors=True)


def compile_store(inputs: Inputs, target: Path, *, cache: bool = True, cache_dir: Path | None = None,
                  progress: Progress | None = None) -> dict[str, int]:
    """Parse, reason and bulk-load ``inputs`` into a new Oxigraph store at ``target`` (must not exist).

    Built in ``target.tmp-PID`` and renamed into place once complete. ``progress`` (see
    :mod:`ip4graph.progress`) gets stage ``parse and reason`` (0 then 1 of 1) and stage
    ``load`` (quads stored, out of all of them) events.
    """
    from .backends.oxigraph import OxigraphBackend
    from .kg import KnowledgeGraph

    target = Path(target)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    fingerprint = inputs.fingerprint()
    emit(progress, "parse and reason", 0, 1, f"{len(inputs.data)} data file(s)")
    kg = KnowledgeGraph.open(list(inputs.data), ontology=inputs.ontology if inputs.ontology else False,
                             reasoning=inputs.reasoning, cache=cache, cache_dir=cache_dir, reasoner=inputs.reasoner,
                             backend="memory")
    emit(progress, "parse and reason", 1, 1, f"{len(inputs.data)} data file(s)")
    try:
        store = OxigraphBackend(tmp, create=True)
        try:
            store.load_dataset(kg.asserted, kg.inferred, manifest=dict(fingerprint), progress=progress)
        finally:
            store.close()
        counts = read_manifest(tmp)
        if counts is None:  # pragma: no cover - load_dataset writes it
            raise DatasetError(f"the store at {tmp} did not complete")
        try:
            os.rename(tmp, target)
        except OSError:
            if read_manifest(target) is None:  # not a finished store by another process
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process finished the same store first
        fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {k: int(v) for k, v in (counts.get("counts") or {}).items()}  # type: ignore[union-attr]


def open_compiled(inputs: Inputs, *, root: Path | None = None, cache: bool = True, cache_dir: Path | None = None,
                  rebuild: bool = True, progress: Progress | None = None) -> tuple["object", CompileReport]:
    """The compiled store for ``inputs`` (built first when missing or stale), opened read-only.

    ``progress`` gets the events of :func:`compile_store` when the store is built (none when
    it is only opened).

    Raises:
        DatasetError: no store for these inputs and ``rebuild`` is false.
    """
    from .backends.oxigraph import OxigraphBackend

    base = Path(root) if root is not None else default_root()
    key = inputs.key()
    path = base / key
    built = False
    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    if read_manifest(path) is None:
        if path.exists():  # an incomplete or damaged store: never read, rebuild
            shutil.rmtree(path, ignore_errors=True)
        if not rebuild:
            raise DatasetError(f"no compiled store for these inputs under {base}",
                               hint="run `ip4graph build` first")
        base.mkdir(parents=True, exist_ok=True)
        counts = compile_store(inputs, path, cache=cache, cache_dir=cache_dir, progress=progress)
        built = True
        clean(base, keep=path)
    backend = OxigraphBackend(path, read_only=True)
    return backend, CompileReport(path=path, built=built, seconds=time.perf_counter() - t0, counts=counts)
