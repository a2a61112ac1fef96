"""Agreement between sources: the section of the build report that lists the facts more
than one source states, the ones only one states, and the ones where sources disagree.

Runs the named queries ``source-agreement`` and ``source-disagreements`` on the asserted
data; ``construct-source-disagreements`` gives the disagreements as ``ip4:contradicts`` links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Dataset

from .catalog import load_catalog
from .namespaces import PREFIXES
from .terms import curie, label


@dataclass
class Agreement:
    """Facts by how many sources state them, and the disagreements."""

    several: list[tuple[str, str, str, str]] = field(default_factory=list)
    single: list[tuple[str, str, str, str]] = field(default_factory=list)
    disputed: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def markdown(self) -> list[str]:
        lines = ["## Agreement between sources", "",
                 f"{len(self.several)} fact(s) stated by more than one source, {len(self.single)} by only one, "
                 f"{len(self.disputed)} disagreement(s) (queries `source-agreement`, `source-disagreements`, "
                 "`construct-source-disagreements`).", ""]
        lines += ["### Where sources disagree", ""]
        lines += [f"- {s} *{p}* {o}: stated in `{c}`, denied or doubted in `{other}`" for s, p, o, c, other in self.disputed] \
            or ["None."]
        lines += ["", "### Stated by more than one source", ""]
        lines += [f"- {s} *{p}* {o} ({docs})" for s, p, o, docs in self.several] or ["None."]
        lines += ["", "### Stated by only one source", ""]
        lines += [f"- {s} *{p}* {o} ({docs})" for s, p, o, docs in self.single] or ["None."]
        return lines + [""]


def source_agreement(ds: Dataset, *, run: Callable[[str], Iterable[tuple]] | None = None) -> Agreement:
    """Run the agreement queries on the asserted dataset ``ds`` (labels come from ``ds``).

    ``run`` evaluates a query text elsewhere (``ip4graph build`` passes the store's own engine,
    which answers in milliseconds where rdflib takes seconds); by default rdflib evaluates on ``ds``.
    """
    catalog = load_catalog()
    out = Agreement()
    if run is None:
        def run(text: str) -> Iterable[tuple]:
            return ds.query(text, initNs=PREFIXES)  # type: ignore[return-value]

    def name(t: object) -> str:
        return label(ds, t)

    for row in run(catalog.get("source-agreement").text):
        s, p, o, agreement, _, docs = row
        documents = ", ".join(curie(ds, d) for d in sorted(str(docs).split()))  # type: ignore[arg-type]
        documents = documents.replace("<", "").replace(">", "")
        fact = (name(s), name(p), name(o), documents)
        (out.several if str(agreement) == "several sources" else out.single).append(fact)
    for row in run(catalog.get("source-disagreements").text):
        s, p, o, claim, _, other = row[:6]
        out.disputed.append((name(s), name(p), name(o), curie(ds, claim), curie(ds, other)))
    return out
