"""A VoID and DCAT description of the dataset, computed from the data (never written by hand).

:func:`describe` counts what is in the dataset it is given and returns a graph with:

* ``void:Dataset`` / ``dcat:Dataset`` ``<https://w3id.org/ip4graph/dataset>``: ``void:triples``
  (distinct triples of the union of all graphs), ``void:entities`` (distinct IRIs under
  ``void:uriSpace`` ``ip4d:`` used as subjects), ``void:distinctSubjects``,
  ``void:distinctObjects``, ``void:properties``, ``void:classes``, a ``void:classPartition``
  per class and a ``void:propertyPartition`` per property, ``void:vocabulary`` for each
  namespace of a class or property used, ``dcterms:language`` for each language tag;
* one ``void:subset`` per named system graph (``sd:name``) and one for all claim graphs;
* one ``void:Linkset`` per (target dataset, link predicate): ``owl:sameAs`` and
  ``rdfs:seeAlso`` to Wikidata and DBpedia, with ``void:triples``;
* ``dcterms:source`` for every ``ip4:SourceDocument``; ``dcterms:license``,
  ``owl:versionInfo`` and ``dcterms:conformsTo`` taken from the ontology;
* a ``dcat:Distribution`` per export format and, with ``endpoint``, ``void:sparqlEndpoint``
  and a ``dcat:DataService``;
* what DCAT-AP asks of a dataset and its distributions: ``dcterms:publisher`` (a
  ``foaf:Agent``), ``dcat:contactPoint`` (a ``vcard:Kind``), ``dcterms:issued`` (the
  ontology's ``dcterms:created``), ``dcat:keyword`` (the labels of the groupings and of the
  IP4 members, from the data), ``dcat:theme``, ``dcat:landingPage``, and on every
  distribution ``dcat:accessURL`` (the download URL, else the endpoint, else the
  dereferenceable dataset IRI) and ``dcterms:license``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from .export import MEDIA_TYPES, ExportFormat
from .namespaces import (
    DBR,
    GRAPH_INFERRED,
    IP4,
    IP4C,
    IP4D,
    ONTOLOGY_IRI,
    PREFIXES,
    SYSTEM_GRAPHS,
    WD,
    bind_prefixes,
)
from .sparql_client import check_endpoint_url

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DATASET_IRI = URIRef("https://w3id.org/ip4graph/dataset")
LANG_BASE = "http://id.loc.gov/vocabulary/iso639-1/"
MEDIA_BASE = "https://www.iana.org/assignments/media-types/"


#: External datasets our links point to: name -> (dataset IRI, uriSpace, title, SPARQL endpoint).
TARGETS: dict[str, tuple[URIRef, str, str, str]] = {
    "wikidata": (URIRef("https://www.wikidata.org/"), str(WD), "Wikidata", "https://query.wikidata.org/sparql"),
    "dbpedia": (URIRef("https://dbpedia.org/"), str(DBR), "DBpedia", "https://dbpedia.org/sparql"),
}


def namespace_of(iri: URIRef) -> URIRef:
    """The vocabulary namespace of a class or property IRI (a known prefix, else up to the last ``#`` or ``/``)."""
    text = str(iri)
    known = [str(ns) for ns in PREFIXES.values() if text.startswith(str(ns))]
    if known:
        return URIRef(max(known, key=len))
    cut = max(text.rfind("#"), text.rfind("/"))
    return URIRef(text[: cut + 1])


def _target_of(iri: URIRef) -> str | None:
    for name, (_, space, _, _) in TARGETS.items():
        if str(iri).startswith(space):
            return name
    return None


def _quads(ds: Dataset | Graph) -> Iterable[tuple]:
    if isinstance(ds, Dataset):
        return ds.quads((None, None, None, None))
    return ((s, p, o, None) for s, p, o in ds)


def statistics(ds: Dataset | Graph) -> dict[str, object]:
    """The numbers the description states, computed in one pass over the data."""
    union: set[tuple] = set()
    per_graph: dict[URIRef, int] = Counter()
    for s, p, o, g in _quads(ds):
        union.add((s, p, o))
        name = getattr(g, "identifier", g)
        if name is not None:
            per_graph[name] += 1
    classes: dict[URIRef, set] = defaultdict(set)
    props: Counter = Counter()
    subjects, objects, entities, languages = set(), set(), set(), set()
    links: Counter = Counter()
    for s, p, o in union:
        props[p] += 1
        subjects.add(s)
        objects.add(o)
        if isinstance(s, URIRef) and str(s).startswith(str(IP4D)):
            entities.add(s)
        if p == RDF.type and isinstance(o, URIRef):
            classes[o].add(s)
        if isinstance(o, Literal) and o.language:
            languages.add(o.language.split("-")[0].lower())
        if isinstance(o, URIRef) and p in (OWL.sameAs, RDFS.seeAlso):
            target = _target_of(o)
            if target:
                links[(target, p)] += 1
    vocabularies = {namespace_of(p) for p in props} | {namespace_of(c) for c in classes}
    return {
        "triples": len(union),
        "entities": len(entities),
        "distinct_subjects": len(subjects),
        "distinct_objects": len(objects),
        "properties": dict(props),
        "classes": {c: len(v) for c, v in classes.items()},
        "vocabularies": sorted(vocabularies),
        "languages": sorted(languages),
        "linksets": dict(links),
        "graphs": dict(per_graph),
    }


def _count(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def describe(ds: Dataset | Graph, *, endpoint: str | None = None, download_base: str | None = None,
             dataset_iri: URIRef = DATASET_IRI) -> Graph:
    """The VoID + DCAT description of ``ds`` (a new graph; ``ds`` is not modified).

    ``endpoint``: the SPARQL endpoint serving the data (``void:sparqlEndpoint``, ``dcat:DataService``).
    ``download_base``: a URL prefix under which ``ip4graph.<ext>`` dumps are published.
    """
    stats = statistics(ds)
    d = dataset_iri
    g = Graph()
    bind_prefixes(g)
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.bind("sd", SD)
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("ip4graph: NATO and the Indo-Pacific 4", lang="en")))
    g.add((d, DCTERMS.description, Literal(
        "A knowledge graph of NATO's partnership with Australia, Japan, South Korea and New Zealand (the IP4): "
        "every fact in a claim named graph citing its source paragraph. This description is generated from the data.",
        lang="en")))
    g.add((d, VOID.uriSpace, Literal(str(IP4D))))
    g.add((d, VOID.triples, _count(stats["triples"])))  # type: ignore[arg-type]
    g.add((d, VOID.entities, _count(stats["entities"])))  # type: ignore[arg-type]
    g.add((d, VOID.distinctSubjects, _count(stats["distinct_subjects"])))  # type: ignore[arg-type]
    g.add((d, VOID.distinctObjects, _count(stats["distinct_objects"])))  # type: ignore[arg-type]
    props: dict = stats["properties"]  # type: ignore[assignment]
    classes: dict = stats["classes"]  # type: ignore[assignment]
    g.add((d, VOID.properties, _count(len(props))))
    g.add((d, VOID.classes, _count(len(classes))))
    g.add((d, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    for v in stats["vocabularies"]:  # type: ignore[union-attr]
        g.add((d, VOID.vocabulary, v))
    for lang in stats["languages"]:  # type: ignore[union-attr]
        g.add((d, DCTERMS.language, URIRef(LANG_BASE + lang)))
    for c, n in sorted(classes.items()):
        part = URIRef(f"{d}/class/{_slug(c)}")
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], c))
        g.add((part, VOID.entities, _count(n)))
    for p, n in sorted(props.items()):
        part = URIRef(f"{d}/property/{_slug(p)}")
        g.add((d, VOID.propertyPartition, part))
        g.add((part, VOID.property, p))
        g.add((part, VOID.triples, _count(n)))
    _graphs(g, d, stats["graphs"])  # type: ignore[arg-type]
    _linksets(g, d, stats["linksets"])  # type: ignore[arg-type]
    _provenance(g, d, ds)
    _distributions(g, d, download_base)
    _dcat_ap(g, d, ds, endpoint=endpoint)
    if endpoint:
        url = URIRef(check_endpoint_url(endpoint))
        g.add((d, VOID.sparqlEndpoint, url))
        svc = URIRef(f"{d}/service")
        g.add((svc, RDF.type, DCAT.DataService))
        g.add((svc, DCAT.endpointURL, url))
        g.add((svc, DCAT.servesDataset, d))
        g.add((svc, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        g.add((d, DCAT.accessService, svc))
    return g


def _slug(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(str(ns)):
            return f"{prefix}-{str(iri)[len(str(ns)):]}".replace("/", "-").replace("#", "-")
    import hashlib

    # stable across processes (Python's hash() of a str changes with every run)
    return "x-" + hashlib.sha256(str(iri).encode("utf-8")).hexdigest()[:16]


def _graphs(g: Graph, d: URIRef, per_graph: dict[URIRef, int]) -> None:
    claims = {n: c for n, c in per_graph.items() if str(n).startswith(str(IP4C))}
    for name, n in sorted(per_graph.items()):
        if name in claims or name not in SYSTEM_GRAPHS | {GRAPH_INFERRED}:
            continue
        sub = URIRef(f"{d}/graph/{str(name).rsplit('/', 1)[-1]}")
        g.add((d, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, SD.name, name))
        g.add((sub, VOID.triples, _count(n)))
    if claims:
        sub = URIRef(f"{d}/claims")
        g.add((d, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, DCTERMS.title, Literal("the claim graphs", lang="en")))
        g.add((sub, VOID.triples, _count(sum(claims.values()))))
        g.add((sub, VOID.documents, _count(len(claims))))


def _linksets(g: Graph, d: URIRef, links: dict[tuple[str, URIRef], int]) -> None:
    described = set()
    for (target, pred), n in sorted(links.items()):
        iri, space, title, sparql = TARGETS[target]
        local = "sameas" if pred == OWL.sameAs else "seealso"
        ls = URIRef(f"{d}/linkset/{target}-{local}")
        g.add((d, VOID.subset, ls))
        g.add((ls, RDF.type, VOID.Linkset))
        g.add((ls, VOID.subjectsTarget, d))
        g.add((ls, VOID.objectsTarget, iri))
        g.add((ls, VOID.linkPredicate, pred))
        g.add((ls, VOID.triples, _count(n)))
        if target not in described:
            described.add(target)
            g.add((iri, RDF.type, VOID.Dataset))
            g.add((iri, DCTERMS.title, Literal(title)))
            g.add((iri, VOID.uriSpace, Literal(space)))
            g.add((iri, VOID.sparqlEndpoint, URIRef(sparql)))
            g.add((iri, FOAF.homepage, iri))


def _provenance(g: Graph, d: URIRef, ds: Dataset | Graph) -> None:
    for doc in sorted(set(ds.subjects(RDF.type, IP4.SourceDocument))):
        g.add((d, DCTERMS.source, doc))
        for p in (DCTERMS.title, RDFS.label):
            for t in ds.objects(doc, p):
                if isinstance(t, Literal) and (t.language or "en").startswith("en"):
                    g.add((doc, p, t))
    onto = URIRef(ONTOLOGY_IRI)
    for p in (DCTERMS.license, OWL.versionInfo):
        for v in ds.objects(onto, p):
            g.add((d, p, v))
    for v in ds.objects(onto, OWL.versionIRI):
        g.add((d, DCTERMS.conformsTo, v))


def _distributions(g: Graph, d: URIRef, download_base: str | None) -> None:
    for fmt in ExportFormat:
        dist = URIRef(f"{d}/distribution/{fmt.value}")
        g.add((d, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"ip4graph as {fmt.name.replace('RDFXML', 'RDF/XML').title()}"
                                           + (" (named graphs kept)" if fmt.keeps_graphs else " (union of all graphs)"),
                                           lang="en")))
        g.add((dist, DCAT.mediaType, URIRef(MEDIA_BASE + MEDIA_TYPES[fmt])))
        g.add((dist, DCTERMS["format"], Literal(MEDIA_TYPES[fmt])))
        if download_base:
            url = URIRef(check_endpoint_url(download_base.rstrip("/") + f"/ip4graph.{fmt.value}"))
            g.add((dist, DCAT.downloadURL, url))
            g.add((d, VOID.dataDump, url))


VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
THEMES = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
PUBLISHER_NAME = "ip4graph developers"  # the authors in pyproject.toml
HOMEPAGE = URIRef("https://w3id.org/ip4graph")


def _dcat_ap(g: Graph, d: URIRef, ds: Dataset | Graph, *, endpoint: str | None) -> None:
    """The DCAT-AP fields: publisher, contact point, issued, keywords, theme; access URL and licence per distribution."""
    g.bind("vcard", VCARD)
    publisher = URIRef(f"{d}/publisher")
    g.add((d, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(PUBLISHER_NAME)))
    g.add((publisher, FOAF.homepage, HOMEPAGE))
    contact = URIRef(f"{d}/contact")
    g.add((d, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal(PUBLISHER_NAME)))
    g.add((contact, VCARD.hasURL, HOMEPAGE))
    g.add((d, DCAT.landingPage, HOMEPAGE))
    onto = URIRef(ONTOLOGY_IRI)
    for created in ds.objects(onto, DCTERMS.created):
        g.add((d, DCTERMS.issued, created))
    keywords = {"knowledge graph", "partnership"}
    groupings = [IP4D.nato, IP4D.ip4]
    members = [m for m in ds.subjects(IP4.memberOf, IP4D.ip4) if isinstance(m, URIRef)]
    for term in groupings + sorted(set(members), key=str):
        for lab in ds.objects(term, RDFS.label):
            if isinstance(lab, Literal) and (lab.language or "en") == "en":
                keywords.add(str(lab))
    for k in sorted(keywords):
        g.add((d, DCAT.keyword, Literal(k, lang="en")))
    g.add((d, DCAT.theme, THEMES.INTR))  # international issues
    g.add((d, DCAT.theme, THEMES.GOVE))  # government and public sector
    licences = list(ds.objects(onto, DCTERMS.license))
    for dist in list(g.objects(d, DCAT.distribution)):
        urls = list(g.objects(dist, DCAT.downloadURL))
        if urls:
            access = urls[0]
        elif endpoint:
            access = URIRef(check_endpoint_url(endpoint))
        else:
            access = d  # dereferenceable: ``ip4graph serve`` answers it with this description
        g.add((dist, DCAT.accessURL, access))
        for lic in licences:
            g.add((dist, DCTERMS.license, lic))


_ = BNode
