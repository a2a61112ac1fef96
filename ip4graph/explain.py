"""Explain an inferred triple: which OWL 2 RL rule derived it, from which premises,
recursively down to asserted triples and the quotes that support them.

Rule names follow the OWL 2 RL profile tables (W3C OWL 2 Profiles, section 4.3):
``prp-inv1``, ``prp-symp``, ``prp-trp``, ``prp-spo1``, ``prp-dom``, ``prp-rng``,
``cax-sco``, ``cax-eqc1``, ``scm-sco`` ... The search is breadth-first by proof
depth, so the explanation shown is a shortest one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS
from rdflib.term import Node

from .errors import QueryError
from .namespaces import GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_PROVENANCE, IP4
from .terms import curie

Triple = tuple[Node, Node, Node]
MAX_DEPTH = 8


@dataclass(frozen=True)
class Evidence:
    """A quote supporting an asserted triple."""

    claim: URIRef
    source: URIRef | None
    paragraph: int | None
    quote: str | None
    certainty: URIRef | None


@dataclass
class Explanation:
    """How a triple holds: asserted (with evidence), an ontology axiom, or inferred by ``rule`` from ``premises``."""

    triple: Triple
    status: str  # "asserted", "ontology", "inferred", "hedged", "denied"
    rule: str | None = None
    premises: list["Explanation"] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    graphs: list[URIRef] = field(default_factory=list)

    def rules(self) -> set[str]:
        """Every rule used anywhere in the proof."""
        out = {self.rule} if self.rule else set()
        for p in self.premises:
            out |= p.rules()
        return out

    def leaves(self) -> Iterator["Explanation"]:
        """The asserted triples and axioms the proof rests on."""
        if not self.premises:
            yield self
        for p in self.premises:
            yield from p.leaves()

    def to_dict(self, graph: Graph) -> dict[str, Any]:
        d: dict[str, Any] = {
            "triple": [curie(graph, t) if isinstance(t, URIRef) else t.n3() for t in self.triple],
            "status": self.status,
        }
        if self.rule:
            d["rule"] = self.rule
        if self.premises:
            d["premises"] = [p.to_dict(graph) for p in self.premises]
        if self.graphs:
            d["graphs"] = [curie(graph, g) for g in self.graphs]
        if self.evidence:
            d["evidence"] = [
                {"claim": str(e.claim), "source": str(e.source) if e.source else None,
                 "paragraph": e.paragraph, "quote": e.quote,
                 "certainty": curie(graph, e.certainty) if e.certainty else None}
                for e in self.evidence
            ]
        return d

    def text(self, graph: Graph) -> str:
        """An indented tree for people."""
        lines: list[str] = []
        self._render(graph, lines, "", "", True)
        return "\n".join(lines)

    def _render(self, graph: Graph, lines: list[str], first: str, rest: str, root: bool) -> None:
        s, p, o = (curie(graph, t) if isinstance(t, URIRef) else t.n3() for t in self.triple)
        tag = {"asserted": "asserted", "ontology": "ontology axiom"}.get(self.status, f"inferred by {self.rule}")
        if self.status in ("hedged", "denied"):
            tag = self.rule or self.status  # e.g. "hedged (likely)", "denied", "denied for each member"
        lines.append(f"{first}{s} {p} {o}   [{tag}]")
        for e in self.evidence:
            where = curie(graph, e.source) if e.source else "?"
            para = f" ¶{e.paragraph}" if e.paragraph else ""
            level = f" ({curie(graph, e.certainty).split(':')[-1]})" if e.certainty else ""
            lines.append(f"{rest}    source: {where}{para}{level} “{e.quote}”")
        if self.status == "asserted" and not self.evidence and self.graphs:
            lines.append(f"{rest}    in graph: {', '.join(curie(graph, g) for g in self.graphs)}")
        for i, prem in enumerate(self.premises):
            last = i == len(self.premises) - 1
            prem._render(graph, lines, rest + ("└─ " if last else "├─ "), rest + ("   " if last else "│  "), False)


class Explainer:
    """Backward chaining over the OWL 2 RL rules ip4graph's ontology uses."""

    def __init__(self, dataset: Dataset, inferred: Graph) -> None:
        self.dataset = dataset
        self.asserted = Graph()
        for ctx in dataset.graphs():
            if ctx.identifier in (GRAPH_INFERRED, GRAPH_PROVENANCE):
                continue
            for t in ctx:
                self.asserted.add(t)
        self.inferred = inferred
        self.ontology = dataset.graph(GRAPH_ONTOLOGY)

    def holds(self, t: Triple) -> bool:
        return t in self.asserted or t in self.inferred

    def _all(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[Triple]:
        seen: set[Triple] = set()
        for g in (self.asserted, self.inferred):
            for t in g.triples((s, p, o)):
                if t not in seen:
                    seen.add(t)
                    yield t

    # -- rules: each yields (rule name, premises) whose premises all hold -------------
    def candidates(self, t: Triple) -> Iterator[tuple[str, list[Triple]]]:
        s, p, o = t
        A = self._all
        if p == RDF.type:
            for d_cls, _, _ in A(None, RDFS.subClassOf, o):
                if d_cls != o and self.holds((s, RDF.type, d_cls)):
                    yield "cax-sco", [(d_cls, RDFS.subClassOf, o), (s, RDF.type, d_cls)]
            for _, _, d_cls in A(o, OWL.equivalentClass, None):
                if d_cls != o and self.holds((s, RDF.type, d_cls)):
                    yield "cax-eqc2", [(o, OWL.equivalentClass, d_cls), (s, RDF.type, d_cls)]
            for d_cls, _, _ in A(None, OWL.equivalentClass, o):
                if d_cls != o and self.holds((s, RDF.type, d_cls)):
                    yield "cax-eqc1", [(d_cls, OWL.equivalentClass, o), (s, RDF.type, d_cls)]
            for q, _, _ in A(None, RDFS.domain, o):
                for _, _, y in A(s, q, None):
                    yield "prp-dom", [(q, RDFS.domain, o), (s, q, y)]
                    break
            for q, _, _ in A(None, RDFS.range, o):
                for x, _, _ in A(None, q, s):
                    yield "prp-rng", [(q, RDFS.range, o), (x, q, s)]
                    break
        if p == RDFS.subClassOf:
            for _, _, mid in A(s, RDFS.subClassOf, None):
                if mid not in (s, o) and self.holds((mid, RDFS.subClassOf, o)):
                    yield "scm-sco", [(s, RDFS.subClassOf, mid), (mid, RDFS.subClassOf, o)]
        if p == RDFS.subPropertyOf:
            for _, _, mid in A(s, RDFS.subPropertyOf, None):
                if mid not in (s, o) and self.holds((mid, RDFS.subPropertyOf, o)):
                    yield "scm-spo", [(s, RDFS.subPropertyOf, mid), (mid, RDFS.subPropertyOf, o)]
        if isinstance(p, URIRef) and p != RDF.type:
            if self.holds((p, RDF.type, OWL.SymmetricProperty)) and self.holds((o, p, s)) and (o, p, s) != t:
                yield "prp-symp", [(p, RDF.type, OWL.SymmetricProperty), (o, p, s)]
            for p1, _, _ in A(None, OWL.inverseOf, p):
                if self.holds((o, p1, s)):
                    yield "prp-inv1", [(p1, OWL.inverseOf, p), (o, p1, s)]
            for _, _, p2 in A(p, OWL.inverseOf, None):
                if self.holds((o, p2, s)):
                    yield "prp-inv2", [(p, OWL.inverseOf, p2), (o, p2, s)]
            for q, _, _ in A(None, RDFS.subPropertyOf, p):
                if q != p and self.holds((s, q, o)):
                    yield "prp-spo1", [(q, RDFS.subPropertyOf, p), (s, q, o)]
            for q, _, _ in A(None, OWL.equivalentProperty, p):
                if q != p and self.holds((s, q, o)):
                    yield "prp-eqp2", [(q, OWL.equivalentProperty, p), (s, q, o)]
            for _, _, q in A(p, OWL.equivalentProperty, None):
                if q != p and self.holds((s, q, o)):
                    yield "prp-eqp1", [(p, OWL.equivalentProperty, q), (s, q, o)]
            if self.holds((p, RDF.type, OWL.TransitiveProperty)):
                for _, _, mid in A(s, p, None):
                    if mid not in (s, o) and self.holds((mid, p, o)):
                        yield "prp-trp", [(p, RDF.type, OWL.TransitiveProperty), (s, p, mid), (mid, p, o)]

    # -- search -------------------------------------------------------------------
    def _prove(self, t: Triple, depth: int, path: frozenset[Triple]) -> Explanation | None:
        if t in self.asserted:
            status = "ontology" if t in self.ontology else "asserted"
            if status == "ontology":
                return Explanation(t, status)
            graphs = sorted({getattr(g, "identifier", g) for *_, g in self.dataset.quads((t[0], t[1], t[2], None))}, key=str)
            return Explanation(t, status, evidence=self.evidence(t), graphs=graphs)
        if depth == 0 or not self.holds(t):
            return None
        for rule, premises in self.candidates(t):
            if any(q in path for q in premises):
                continue
            proofs = []
            for q in premises:
                proof = self._prove(q, depth - 1, path | {t})
                if proof is None:
                    break
                proofs.append(proof)
            else:
                return Explanation(t, "inferred", rule=rule, premises=proofs)
        return None

    def explain(self, t: Triple) -> Explanation:
        """A shortest derivation of ``t``.

        Raises:
            QueryError: the triple neither is asserted nor follows from the data.
        """
        if not self.holds(t):
            qualified = self.qualified(t)
            if qualified is not None:
                return qualified
            raise QueryError(
                "this triple is neither asserted nor inferred, nor hedged or denied by a source",
                hint="check the terms (ip4graph query who-says ...), or run with --reasoning owlrl",
            )
        for depth in range(1, MAX_DEPTH + 1):
            proof = self._prove(t, depth, frozenset())
            if proof is not None:
                return proof
        raise QueryError(
            "the triple is inferred, but by a rule `why` does not explain (equality or datatype rules)",
            hint="`ip4graph why` covers the class, property, inverse, symmetric and transitive rules",
        )

    def qualified(self, t: Triple) -> Explanation | None:
        """A triple the sources do not state as fact: hedged (an ``rdf:Statement`` with a certainty)
        or denied (an ``owl:NegativePropertyAssertion``, or one for every member of a grouping)."""
        s, p, o = t
        ds = self.dataset
        statements = sorted((st for st in set(ds.subjects(RDF.subject, s))
                             if (st, RDF.predicate, p) in ds and (st, RDF.object, o) in ds), key=str)
        if statements:
            levels = {ds.value(st, IP4.certainty) for st in statements}
            negated = any(str(ds.value(st, IP4.negated)).lower() == "true" for st in statements)
            claimed = sorted({curie(None, c) for st in statements for c in ds.objects(st, IP4.claimedBy)
                              if isinstance(c, URIRef)})
            by = f"; claimed by {', '.join(claimed)}" if claimed else ""
            evidence = sorted({e for st in statements for e in self._claims_holding(st)},
                              key=lambda e: (str(e.source), e.paragraph or 0, str(e.claim)))
            if levels == {IP4.Denied}:
                return Explanation(t, "denied", rule=f"denied{by}", evidence=evidence)
            words = ", ".join(sorted(curie(None, lv).split(":")[-1].lower() for lv in levels if isinstance(lv, URIRef)))
            tag = f"hedged ({words or 'uncertain'}{', leaning to no' if negated else ''}{by})"
            return Explanation(t, "hedged", rule=tag, evidence=evidence)
        denial = self._denial(s, p, o)
        if denial is not None:
            return Explanation(t, "denied", rule="denied", evidence=self._claims_holding(denial))
        members = sorted(set(ds.objects(s, IP4.hasMember)) | set(ds.subjects(IP4.memberOf, s)), key=str)
        denials = [self._denial(m, p, o) for m in members]
        if members and all(d is not None for d in denials):
            evidence = sorted({e for d in denials for e in self._claims_holding(d)},  # type: ignore[arg-type]
                              key=lambda e: (str(e.source), e.paragraph or 0, str(e.claim)))
            return Explanation(t, "denied", rule=f"denied for each of its {len(members)} members", evidence=evidence)
        return None

    def _denial(self, s: Node, p: Node, o: Node) -> Node | None:
        ds = self.dataset
        for n in set(ds.subjects(OWL.sourceIndividual, s)):
            if (n, OWL.assertionProperty, p) in ds and ((n, OWL.targetIndividual, o) in ds or (n, OWL.targetValue, o) in ds):
                return n
        return None

    def _claims_holding(self, node: Node) -> list[Evidence]:
        """The claims whose graphs describe ``node`` (a reified statement or a negative assertion)."""
        prov = self.dataset.graph(GRAPH_PROVENANCE)
        out = []
        for gid in sorted({getattr(g, "identifier", g) for *_, g in self.dataset.quads((node, None, None, None))}, key=str):
            if (gid, RDF.type, IP4.Claim) not in prov:
                continue
            para = prov.value(gid, IP4.paragraph)
            number = self.dataset.value(para, IP4.paragraphNumber) if para is not None else None
            quote = prov.value(gid, IP4.quote)
            out.append(Evidence(claim=gid, source=prov.value(gid, PROV.wasQuotedFrom),  # type: ignore[arg-type]
                                paragraph=int(number) if isinstance(number, Literal) else None,
                                quote=str(quote) if quote is not None else None,
                                certainty=prov.value(gid, IP4.certainty)))  # type: ignore[arg-type]
        return out

    def evidence(self, t: Triple) -> list[Evidence]:
        """The claims (quoted sources) that assert ``t``."""
        prov = self.dataset.graph(GRAPH_PROVENANCE)
        out = []
        for _, _, _, g in self.dataset.quads((t[0], t[1], t[2], None)):
            gid = getattr(g, "identifier", g)
            if (gid, RDF.type, IP4.Claim) not in prov:
                continue
            para = prov.value(gid, IP4.paragraph)
            number = self.dataset.value(para, IP4.paragraphNumber) if para is not None else None
            quote = prov.value(gid, IP4.quote)
            out.append(Evidence(
                claim=gid,
                source=prov.value(gid, PROV.wasQuotedFrom),  # type: ignore[arg-type]
                paragraph=int(number) if isinstance(number, Literal) else None,
                quote=str(quote) if quote is not None else None,
                certainty=prov.value(gid, IP4.certainty),  # type: ignore[arg-type]
            ))
        return sorted(out, key=lambda e: (str(e.source), e.paragraph or 0, str(e.claim)))
