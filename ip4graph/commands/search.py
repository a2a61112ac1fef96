"""The search command: names and quotes that contain a text (see :mod:`ip4graph.search`)."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from ..errors import Ip4GraphError
from .common import EXIT_FAIL, EXIT_OK, State, fail, pass_state

FORMATS = ("table", "json", "csv", "tsv")
#: The columns of csv and tsv output, one row per hit (quote columns empty for names).
COLUMNS = ("rank", "kind", "match", "score", "curie", "name", "type", "property", "text", "lang", "before", "matched",
           "after", "document", "paragraph", "certainty", "mentions", "iri")


@click.command("search")
@click.argument("text")
@click.option("--lang", type=click.Choice(["en", "fr", "ja", "ko"]), default=None,
              help="Only names in this language, and names shown in it (default: every language, shown in English). "
                   "Quotes are searched whatever the language.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["label", "quote", "comment"]),
              help="What to search (repeatable): label (rdfs:label, skos:prefLabel, skos:altLabel), quote "
                   "(claims' ip4:quote), comment (rdfs:comment). Default: label and quote.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many hits.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table (names, then quotes with the match in «»), json, csv or tsv (one row per hit).")
@pass_state
def search_cmd(state: State, text: str, lang: str | None, kinds: tuple[str, ...], limit: int, fmt: str) -> None:
    """Find entities by name and claims by quote: case, accents and width do not matter.

    Names are searched in every language (English, French, Japanese, Korean); a quote hit
    shows its claim, source, paragraph, certainty and the quote around the match. Hits are
    ranked: exact name, then names starting with the text, then names with a word starting
    with it, then names containing it; quotes after names of the same kind of match.

    Exit status: 0 with hits, 1 with none, 2 on error (an empty text, for one).

    \b
    Example:
      ip4graph search Japan
      ip4graph search 일본 --lang ko
      ip4graph search "corée" --kind label
      ip4graph search flourish --kind quote --format json
    """
    from ..search import DEFAULT_KINDS, search

    try:
        hits = search(state.kg(), text, lang=lang, kinds=kinds or DEFAULT_KINDS, limit=limit)
    except Ip4GraphError as exc:
        fail(exc)
        return
    if fmt == "json":
        click.echo(json.dumps({"text": text, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False, indent=1))
    elif fmt in ("csv", "tsv"):
        click.echo(delimited(hits, "," if fmt == "csv" else "\t"), nl=False)
    else:
        click.echo(table(hits))
    sys.exit(EXIT_OK if hits else EXIT_FAIL)


def _row(rank: int, hit) -> list[str]:  # noqa: ANN001 - a SearchHit
    snip = hit.snippet()
    c = hit.claim
    return [str(rank), hit.kind.value, hit.match.value, f"{hit.score:g}", hit.curie, hit.name, hit.type_name,
            _short(str(hit.property)), hit.text, hit.lang or "", snip.before, snip.match, snip.after,
            c.document_name if c else "", str(c.paragraph) if c and c.paragraph is not None else "",
            c.certainty_name if c else "", "; ".join(m.name for m in c.mentions) if c else "", str(hit.iri)]


def _short(iri: str) -> str:
    from ..terms import curie

    return curie(None, iri)  # type: ignore[arg-type]


def delimited(hits: list, sep: str) -> str:
    """One row per hit with the :data:`COLUMNS`; tabs and newlines in tsv cells become spaces."""
    buf = io.StringIO()
    if sep == ",":
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(COLUMNS)
        for i, h in enumerate(hits, 1):
            w.writerow(_row(i, h))
        return buf.getvalue()
    lines = ["\t".join(COLUMNS)]
    for i, h in enumerate(hits, 1):
        lines.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in _row(i, h)))
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Japanese and Korean characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _grid(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(h), *(_width(r[i]) for r in rows)) if rows else _width(h) for i, h in enumerate(header)]
    out = ["  ".join(_pad(h, widths[i]) for i, h in enumerate(header)).rstrip(),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    return out


def table(hits: list) -> str:
    """Names first (name, CURIE, type, what matched), then quotes (claim, source, ¶, certainty, quote)."""
    names = [h for h in hits if h.claim is None]
    quotes = [h for h in hits if h.claim is not None]
    lines: list[str] = []
    if names:
        rows = []
        for h in names:
            matched = h.snippet().marked() + (f" @{h.lang}" if h.lang else "")
            rows.append([h.name, h.curie, h.type_name, matched, f"{h.match.value} {_short(str(h.property))}"])
        lines += _grid(["name", "curie", "type", "matched", "how"], rows)
    if quotes:
        if lines:
            lines.append("")
        rows = []
        for h in quotes:
            c = h.claim
            rows.append([h.curie, c.document_name, str(c.paragraph or ""), c.certainty_name,
                         h.snippet().marked()])
        lines += _grid(["claim", "source", "¶", "certainty", "quote"], rows)
        for h in quotes:
            about = ", ".join(m.name for m in h.claim.mentions)
            if about:
                lines.append(f"  {h.curie} is about: {about}")
    n = len(hits)
    lines.append(f"({n} hit{'s' if n != 1 else ''})")
    return "\n".join(lines)


COMMANDS = [search_cmd]
