"""OWL 2 RL (or RDFS) reasoning with owlrl, kept apart from the asserted data.

The closure is computed on a *copy* of the asserted graphs; only the new triples
are returned, and :func:`attach_inferences` puts them in the named graph
``ip4g:inferred``. The asserted graphs are never touched.

The closure is cached under ``build/cache/`` keyed by a hash of every input
triple, the profile and the owlrl version; a changed input gives a new key.
Cache files are written atomically.
"""

from __future__ import annotations

import hashlib
import os
from enum import Enum
from importlib.metadata import version
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import ReasoningError
from .fileio import remove_stale_temporaries, write_atomic
from .namespaces import GRAPH_INFERRED, GRAPH_LINKS, GRAPH_PROVENANCE, bind_prefixes


class Reasoning(str, Enum):
    """Which entailment regime to compute."""

    NONE = "none"
    RDFS = "rdfs"
    OWLRL = "owlrl"


#: Graphs left out of the closure: sameAs links (they would copy every fact onto
#: Wikidata/DBpedia IRIs) and claim metadata (not domain facts).
EXCLUDED_GRAPHS = frozenset({GRAPH_LINKS, GRAPH_PROVENANCE, GRAPH_INFERRED})

_TRIVIAL_TYPES = frozenset({OWL.Thing, RDFS.Resource, RDFS.Class, OWL.Class, RDF.Property})

#: OWL 2 RL engines. ``owlrl`` (the default, pure Python) is the reference; ``reasonable``
#: (Rust, ``pip install 'ip4graph[fast]'``) is the fast path: on instance data it infers
#: the same triples as owlrl (cax-sco, cax-eqc, prp-dom, prp-rng, prp-spo1, prp-eqp,
#: prp-inv, prp-symp, prp-trp, eq-*), but not owlrl's schema-level (scm-*) and axiomatic
#: datatype/annotation triples. OWL 2 RL profile only.
#: ``oxigraph`` runs the ontology's instance rules as semi-naive SPARQL queries in an in-memory
#: Oxigraph store (:mod:`ip4graph.backends.oxrules`): same instance triples, the fastest at 1M.
REASONERS = ("owlrl", "reasonable", "oxigraph")


def reasoning_input(ds: Dataset) -> Graph:
    """The asserted triples the reasoner sees: every graph but links, provenance and inferred."""
    g = Graph()
    for ctx in ds.graphs():
        if ctx.identifier in EXCLUDED_GRAPHS:
            continue
        for t in ctx:
            g.add(t)
    return g


def _useful(triple: tuple, asserted: Graph | None) -> bool:
    """Whether an inferred triple is worth keeping (``asserted=None``: it is known not to be asserted)."""
    s, p, o = triple
    if isinstance(s, Literal):
        return False
    if p == OWL.sameAs and s == o:
        return False
    if p == RDF.type and o in _TRIVIAL_TYPES:
        return False
    if p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty) and s == o:
        return False
    if isinstance(o, Literal) and p == RDF.type:
        return False
    return asserted is None or triple not in asserted


def _reasonable_inferences(graph: Graph, profile: Reasoning) -> Graph:
    """The fast path: the ``reasonable`` package (see :data:`REASONERS`)."""
    if profile is not Reasoning.OWLRL:
        raise ReasoningError(f"the reasonable engine computes OWL 2 RL only, not {profile.value}",
                             hint="use --reasoning owlrl with --reasoner reasonable, or --reasoner owlrl")
    try:
        import reasonable
    except ImportError as exc:
        raise ReasoningError("the reasonable engine is not installed", hint="pip install 'ip4graph[fast]'") from exc
    try:
        engine = reasonable.PyReasoner()
        engine.from_graph(graph)
        triples = engine.reason()
    except Exception as exc:  # the Rust side raises plain exceptions
        raise ReasoningError(f"reasonable failed: {exc}") from exc
    inferred = Graph()
    bind_prefixes(inferred)
    for t in triples:
        # reasonable spells plain literals as xsd:string (the same RDF 1.1 term)
        t = tuple(Literal(str(x)) if isinstance(x, Literal) and x.datatype == XSD.string else x for x in t)
        if _useful(t, graph):
            inferred.add(t)  # type: ignore[arg-type]
    return inferred


def compute_inferences(graph: Graph, *, profile: Reasoning = Reasoning.OWLRL, reasoner: str = "owlrl") -> Graph:
    """Return the triples the closure of ``graph`` adds (``graph`` itself is not modified).

    ``reasoner`` is ``owlrl`` (default) or ``reasonable`` (the fast path, see :data:`REASONERS`).
    """
    if profile is Reasoning.NONE:
        return Graph()
    if reasoner == "reasonable":
        return _reasonable_inferences(graph, profile)
    if reasoner == "oxigraph":
        if profile is not Reasoning.OWLRL:
            raise ReasoningError(f"the oxigraph rules compute OWL 2 RL only, not {profile.value}")
        from .backends.oxrules import derive

        inferred = Graph()
        bind_prefixes(inferred)
        add = inferred.add
        for t in derive(graph):  # each triple once, and never one of ``graph``'s
            if _useful(t, None):
                add(t)
        return inferred
    if reasoner != "owlrl":
        raise ReasoningError(f"unknown reasoner {reasoner!r}", hint=f"choose one of: {', '.join(REASONERS)}")
    import owlrl  # imported here: a command that only queries never loads the reasoner

    work = Graph()
    for t in graph:
        work.add(t)
    semantics = owlrl.OWLRL_Semantics if profile is Reasoning.OWLRL else owlrl.RDFS_Semantics
    try:
        owlrl.DeductiveClosure(
            semantics, axiomatic_triples=False, datatype_axioms=False
        ).expand(work)
    except Exception as exc:  # owlrl raises plain exceptions
        raise ReasoningError(f"{profile.value} reasoning failed: {exc}") from exc
    inferred = Graph()
    bind_prefixes(inferred)
    for t in work:
        if _useful(t, graph):
            inferred.add(t)
    return inferred


def blank_node_keys(graph: Graph) -> dict[BNode, str]:
    """A content-derived key for each blank node of ``graph`` (stable across parses).

    A blank node's key hashes its outgoing triples (nested blank nodes by their own
    keys, two levels deep). Blank nodes with identical descriptions share a key: such
    keys are ambiguous and :func:`cached_inferences` does not cache through them.
    """
    def describe(node: BNode, depth: int) -> str:
        parts = []
        for _, p, o in graph.triples((node, None, None)):
            if isinstance(o, BNode):
                o_key = describe(o, depth - 1) if depth > 0 else "_:"
            else:
                o_key = o.n3()
            parts.append(f"{p.n3()} {o_key}")
        return "[" + " ; ".join(sorted(parts)) + "]"

    nodes = {x for t in graph for x in t if isinstance(x, BNode)}
    return {b: hashlib.sha256(describe(b, 2).encode("utf-8")).hexdigest()[:32] for b in nodes}


def input_hash(graph: Graph, *, profile: Reasoning, reasoner: str = "owlrl",
               keys: dict[BNode, str] | None = None) -> str:
    """A stable hash of the reasoner's input (triples, profile, reasoner and its version)."""
    keys = blank_node_keys(graph) if keys is None else keys
    h = hashlib.sha256()
    h.update(f"{profile.value}|owlrl={version('owlrl')}|rdflib={version('rdflib')}\n".encode())
    if reasoner != "owlrl":
        h.update(f"{reasoner}={version('pyoxigraph' if reasoner == 'oxigraph' else reasoner)}\n".encode())
    lines = sorted(" ".join(_term_key(x, keys) for x in t) for t in graph)
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _term_key(term: object, keys: dict[BNode, str]) -> str:
    if isinstance(term, BNode):
        return f"_:{keys.get(term, '')}"
    if isinstance(term, (URIRef, Literal)):
        return term.n3()
    return str(term)


_SKOLEM = "urn:ip4graph:bnode:"


def default_cache_dir() -> Path:
    """``$IP4GRAPH_CACHE`` or ``./build/cache``."""
    env = os.environ.get("IP4GRAPH_CACHE")
    return Path(env) if env else Path.cwd() / "build" / "cache"


def cached_inferences(
    graph: Graph,
    *,
    profile: Reasoning = Reasoning.OWLRL,
    cache_dir: Path | None = None,
    reasoner: str = "owlrl",
) -> tuple[Graph, bool]:
    """Inferences for ``graph``, from the cache when the input is unchanged.

    Returns ``(inferred, from_cache)``. The cache file holds the inferred triples in
    N-Triples, with each blank node of the input written as ``urn:ip4graph:bnode:KEY``
    (its content key, see :func:`blank_node_keys`) and mapped back on reading. A
    closure that mentions an ambiguous or reasoner-made blank node is not cached.
    """
    if profile is Reasoning.NONE:
        return Graph(), False
    directory = cache_dir if cache_dir is not None else default_cache_dir()
    remove_stale_temporaries(directory)  # what killed writes left behind
    keys = blank_node_keys(graph)
    key = input_hash(graph, profile=profile, reasoner=reasoner, keys=keys)
    tag = profile.value if reasoner == "owlrl" else f"{profile.value}-{reasoner}"
    path = directory / f"closure-{tag}-{key[:24]}.nt"
    counts: dict[str, int] = {}
    for k in keys.values():
        counts[k] = counts.get(k, 0) + 1
    by_key = {k: b for b, k in keys.items() if counts[k] == 1}
    if path.is_file():
        inferred = Graph()
        bind_prefixes(inferred)
        try:
            stored = Graph()
            stored.parse(data=_checked(path.read_bytes()).decode("utf-8"), format="nt")
            for t in stored:
                inferred.add(tuple(_unskolem(x, by_key) for x in t))  # type: ignore[arg-type]
            return inferred, True
        except Exception:  # a truncated, corrupt or unmappable cache is recomputed, never trusted
            path.unlink(missing_ok=True)
    inferred = compute_inferences(graph, profile=profile, reasoner=reasoner)
    stored = Graph()
    for t in inferred:
        mapped = []
        for x in t:
            if isinstance(x, BNode):
                k = keys.get(x)
                if k is None or counts[k] != 1:
                    return inferred, False  # not cacheable: a blank node we cannot re-identify
                x = URIRef(_SKOLEM + k)
            mapped.append(x)
        stored.add(tuple(mapped))  # type: ignore[arg-type]
    body = stored.serialize(format="nt", encoding="utf-8")
    write_atomic(path, _CHECK_PREFIX + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    return inferred, False


#: First line of a closure cache file: the SHA-256 of the rest. A file that is cut short
#: or damaged does not match and is recomputed.
_CHECK_PREFIX = b"# ip4graph closure sha256="


def _checked(raw: bytes) -> bytes:
    """The body of a cache file whose checksum line matches; ValueError otherwise."""
    head, _, body = raw.partition(b"\n")
    if not head.startswith(_CHECK_PREFIX) or hashlib.sha256(body).hexdigest().encode() != head[len(_CHECK_PREFIX):]:
        raise ValueError("closure cache checksum mismatch")
    return body


def _unskolem(term: object, by_key: dict[str, BNode]) -> object:
    if isinstance(term, URIRef) and str(term).startswith(_SKOLEM):
        return by_key[str(term)[len(_SKOLEM):]]  # KeyError: the input changed -> recompute
    return term


def attach_inferences(
    ds: Dataset,
    *,
    profile: Reasoning = Reasoning.OWLRL,
    cache: bool = True,
    cache_dir: Path | None = None,
    reasoner: str = "owlrl",
) -> Graph:
    """Compute (or read from cache) the inferences and put them in ``ip4g:inferred``.

    Returns the inferred graph. Asserted graphs are not modified.
    """
    ds.remove_graph(GRAPH_INFERRED)
    source = reasoning_input(ds)
    if cache:
        inferred, _ = cached_inferences(source, profile=profile, cache_dir=cache_dir, reasoner=reasoner)
    else:
        inferred = compute_inferences(source, profile=profile, reasoner=reasoner)
    target = ds.graph(GRAPH_INFERRED)
    for t in inferred:
        target.add(t)
    return target


#: The most specific ``ip4:`` classes of each entity, materialised beside the closure so that
#: queries need not compute them per row (``FILTER NOT EXISTS`` over ``rdfs:subClassOf``).
DIRECT_TYPE = URIRef("https://w3id.org/ip4graph/ontology#directType")
_IP4 = "https://w3id.org/ip4graph/ontology#"


def direct_types(asserted: Graph | Dataset, inferred: Graph) -> Graph:
    """``e ip4:directType t`` for each ``ip4:`` class ``t`` of ``e`` with no other ``ip4:`` class
    of ``e`` below it (``rdfs:subClassOf``, asserted or inferred).

    Exactly what the per-row pattern ``?e a ?t . FILTER NOT EXISTS { ?e a ?s . ?s rdfs:subClassOf ?t .
    FILTER(?s != ?t) }`` (restricted to ``ip4:`` classes) selects.
    """
    types: dict[object, set[object]] = {}
    sub: dict[object, set[object]] = {}
    for g in (asserted, inferred):
        for e, t in g.subject_objects(RDF.type):
            if isinstance(t, URIRef) and t.startswith(_IP4):
                types.setdefault(e, set()).add(t)
        for a, b in g.subject_objects(RDFS.subClassOf):
            if isinstance(a, URIRef) and isinstance(b, URIRef) and a.startswith(_IP4) and b.startswith(_IP4):
                sub.setdefault(b, set()).add(a)  # b's subclasses
    out = Graph()
    for e, ts in types.items():
        for t in ts:
            if not any(s != t and s in ts for s in sub.get(t, ())):
                out.add((e, DIRECT_TYPE, t))  # type: ignore[arg-type]
    return out
