"""Every command's help has an Example, and every example command line runs (exit status 0).

The example lines are read from the help texts themselves and run by bash in a sandbox
project directory (a git repository holding a copy of ``data/``, the source texts in
``../shared/sources`` and ``~/texts``, the few input files the examples name), with the
``ip4graph`` of this checkout first on ``PATH``. Outputs land in the sandbox.

Two things are changed before running, and only these: the server's port (``8000``,
``3030``) becomes a free one, so that the test never collides with another server; and
lines that talk to a server (``curl``, ``describe --endpoint``) run while the example
server is up. What cannot run offline is listed in :data:`NOT_RUN` with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from ip4graph.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "third-source"
BIN = Path(sys.executable).parent

#: Example lines (their start) that are not run, and why.
NOT_RUN = {
    "ip4graph enrich --endpoint https://query.wikidata.org/sparql":
        "asks the public Wikidata endpoint (network); test_enrich.py runs the same code on a local endpoint",
    "ip4graph links check --endpoint https://query.wikidata.org/sparql":
        "asks the public Wikidata endpoint (network); test_links.py runs the same code on a local endpoint",
    "ip4graph links check --endpoint dbpedia=https://dbpedia.org/sparql":
        "asks the public DBpedia endpoint (network); test_links.py runs the same code on a local endpoint",
    "ip4graph load --backend sparql --endpoint http://127.0.0.1:8890/sparql":
        "needs a Virtuoso server with its update endpoint (test_server_virtuoso.py, when one is installed)",
}


def _commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(main)
    out: list[tuple[str, click.Command]] = []

    def walk(cmd: click.Command, path: list[str]) -> None:
        out.append((" ".join(path) or "ip4graph", cmd))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, [*path, name])

    walk(main, [])
    return out


def examples(help_text: str) -> list[str]:
    """The command lines of a help text's ``Example:`` block (continuations joined, comments cut)."""
    if "Example:" not in help_text:
        return []
    block = help_text.split("Example:", 1)[1]
    lines: list[str] = []
    pending = ""
    for raw in block.splitlines():
        if not raw.strip():
            if lines or pending:
                break
            continue
        line = pending + raw.strip()
        if line.endswith("\\"):
            pending = line[:-1].rstrip() + " "
            continue
        pending = ""
        lines.append(re.sub(r"\s+#\s.*$", "", line))
    return lines


COMMANDS = _commands()


def test_every_command_has_help_with_an_example():
    """Every command and sub-command (the group lists them lazily: ``main.commands`` is empty)."""
    assert len(COMMANDS) > 25
    for name, command in COMMANDS:
        assert command.help, f"{name} has no help"
        assert examples(command.help), f"{name}'s help has no example"
        assert any("ip4graph" in line for line in examples(command.help)), name
        assert _run_help(name).exit_code == 0, name


def _run_help(name: str):
    from click.testing import CliRunner

    args = [] if name == "ip4graph" else name.split()
    return CliRunner().invoke(main, [*args, "--help"])


def _all_examples() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for name, command in COMMANDS:
        for line in examples(command.help or ""):
            seen.setdefault(line, name)
    return [(name, line) for line, name in seen.items()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A project directory in which every example finds what it names (copied for each test)."""
    base = tmp_path_factory.mktemp("examples")
    project, home = base / "project", base / "home"
    shutil.copytree(ROOT / "data", project / "data")
    sources = ROOT.parent / "shared" / "sources"
    if not sources.is_dir():  # the shipped texts live beside the checkout (see test_curation_validation.py)
        pytest.fail(f"the shipped source texts are expected in {sources}")
    shutil.copytree(sources, base / "shared" / "sources")
    note = EXAMPLE / "sources" / "example-analyst-note.txt"
    for folder in (project / "texts", home / "texts"):
        folder.mkdir(parents=True)
        shutil.copy(note, folder / "mofa-2025.txt")
    for text in [*sources.glob("*.txt"), note]:
        shutil.copy(text, home / "texts" / text.name)
    # your own claims, as docs/data-authoring.md writes them (the worked example of a third source)
    mine = (EXAMPLE / "source-example-note.trig").read_text(encoding="utf-8") + "\n" + \
        (EXAMPLE / "claims-example-note.trig").read_text(encoding="utf-8")
    (project / "data" / "claims-mine.trig").write_text(mine, encoding="utf-8")
    (project / "old").mkdir()
    (project / "old" / "claims-mine.trig").write_text(mine, encoding="utf-8")
    shutil.copy(ROOT / "tests" / "data" / "valid" / "minimal.trig", project / "mydata.trig")
    sheet = "".join(row for row in (EXAMPLE / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
                    if "ip4d:example-" not in row)  # rows naming only entities of the graph (no entities sheet)
    sheet = sheet.replace(",example-note,", ",mofa-2025,")
    (project / "claims.csv").write_text(sheet, encoding="utf-8")
    (project / "my-query.rq").write_text(
        "CONSTRUCT { ?a ip4:partnerOf ?b } WHERE { ?a ip4:partnerOf ?b }\n", encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("IP4GRAPH_")},
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "IP4GRAPH_STORE": str(base / "store"),
        "IP4GRAPH_CACHE": str(base / "cache"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    for args in (["init", "-q"], ["add", "data"], ["commit", "-qm", "data"]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True)
    return project, env


@pytest.fixture()
def sandbox(template, tmp_path):
    """A fresh copy of the project (examples write into it); the compiled store and caches are shared."""
    project, env = template
    copy = tmp_path / "project"
    shutil.copytree(project, copy, symlinks=True)
    shared = tmp_path / "shared"
    shared.symlink_to(project.parent / "shared")  # ../shared/sources, as beside a checkout
    return copy, env


def _run(line: str, project: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=project, env=env, capture_output=True,
                          text=True, timeout=timeout)


class _Server:
    """``line`` (an ``ip4graph serve`` example) running in the background until stopped with Ctrl-C."""

    def __init__(self, line: str, project: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        port = re.search(r"--port (\d+)", line)
        self.line = line.replace(port.group(0), f"--port {self.port}") if port else f"{line} --port {self.port}"
        self.proc = subprocess.Popen(["bash", "-c", self.line], cwd=project, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 300
        self.log = ""
        while "ip4graph endpoint at" not in self.log:
            out = self.proc.stderr.readline()  # type: ignore[union-attr]
            self.log += out
            assert out or self.proc.poll() is None, f"{self.line} stopped: {self.log}"
            assert time.monotonic() < deadline, f"{self.line} did not start: {self.log}"

    def stop(self) -> int:
        os.killpg(self.proc.pid, signal.SIGINT)  # Ctrl-C: the documented way to stop it
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise
        self.log += err
        return self.proc.returncode


def _needs_server(line: str) -> bool:
    return "127.0.0.1:8000" in line and "ip4graph serve" not in line


def _not_run(line: str) -> str | None:
    return next((reason for start, reason in NOT_RUN.items() if line.startswith(start)), None)


#: Lines that need a running server are run by the test below, against the example server;
#: the lines of NOT_RUN are not run (their reason says which test covers the same code).
EXAMPLES = [(c, line) for c, line in _all_examples() if not _needs_server(line) and _not_run(line) is None]


def test_every_line_not_run_is_an_example_and_everything_else_runs():
    """NOT_RUN names only lines that exist (no stale entry hides a new example) and nothing local."""
    lines = [line for _, line in _all_examples()]
    for start in NOT_RUN:
        assert any(line.startswith(start) for line in lines), f"NOT_RUN entry {start!r} matches no example"
        assert "://" in start and "localhost" not in start, start
    assert len(EXAMPLES) + sum(_needs_server(line) for line in lines) + sum(
        _not_run(line) is not None for line in lines) == len(lines)


@pytest.mark.parametrize(("command", "line"), EXAMPLES,
                         ids=[f"{c.replace(' ', '-')}-{i}" for i, (c, _) in enumerate(EXAMPLES)])
def test_example_runs(sandbox, command, line):
    project, env = sandbox
    if "ip4graph serve" in line:
        server = _Server(line, project, env)
        status = server.stop()
        assert status == 0 and "stopped" in server.log, server.log
        return
    if "build/gen-5k.trig" in line and "generate" not in line and not (project / "build" / "gen-5k.trig").exists():
        assert _run("ip4graph generate --triples 5000 --seed 1 -o build/gen-5k.trig", project, env).returncode == 0
    if "data/source-mofa-2025.trig" in line and not (project / "data" / "source-mofa-2025.trig").exists():
        made = _run('ip4graph source add texts/mofa-2025.txt --id mofa-2025 --title "Notes" --date 2025-03',
                    project, env)
        assert made.returncode == 0, made.stderr
    done = _run(line, project, env)
    assert done.returncode == 0, f"{line}\nstdout: {done.stdout[-2000:]}\nstderr: {done.stderr[-2000:]}"


def test_examples_that_talk_to_a_server_run_against_the_example_server(sandbox):
    """``curl ... /sparql`` and ``describe --endpoint``: the port of the example server is put in the URL."""
    project, env = sandbox
    lines = [line for _, line in _all_examples() if _needs_server(line)]
    assert any(line.startswith("curl") for line in lines) and any("describe" in line for line in lines)
    server = _Server("ip4graph serve", project, env)
    try:
        for line in lines:
            done = _run(line.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}"), project, env, timeout=120)
            assert done.returncode == 0, f"{line}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            if line.startswith("curl"):
                assert "japan" in done.stdout
    finally:
        assert server.stop() == 0, server.log


# --------------------------------------------------------------------------- one syntax across commands


def _param_commands() -> list[str]:
    found = []
    for name, command in COMMANDS:
        for param in command.params:
            if isinstance(param, click.Option) and "-p" in param.opts:
                found.append(name)
                assert param.metavar == "NAME=VALUE", name
                assert param.multiple, name
    return found


@pytest.mark.parametrize(("args", "more"), [
    (["query", "agreements-between", "--format", "csv"], []),
    (["viz", "--query", "describe-entity"], []),
    (["analyze", "centrality", "--query", "describe-entity"], ["--top", "3"]),
    (["analyze", "communities", "--query", "describe-entity"], []),
    (["analyze", "bridges", "--query", "describe-entity"], []),
    (["analyze", "paths", "Japan", "NATO", "--query", "describe-entity"], []),
])
def test_every_command_with_parameters_takes_name_equals_value(args, more):
    """`-p NAME=VALUE` everywhere (viz used to take `-p NAME VALUE`); `-p NAME VALUE` is refused with a hint."""
    from click.testing import CliRunner

    assert {a for a in _param_commands()} >= {"query", "viz", "analyze centrality", "analyze paths",
                                               "analyze communities", "analyze bridges"}
    runner = CliRunner()
    params = ["-p", "a=NATO", "-p", "b=Japan"] if args[0] == "query" else ["-p", "entity=Japan"]
    ok = runner.invoke(main, [*args, *params, *more])
    assert ok.exit_code == 0, ok.output
    assert "Japan" in ok.stdout or "japan" in ok.stdout
    old = runner.invoke(main, [*args, "-p", "entity", "Japan", *more])
    assert old.exit_code == 2 and "NAME=VALUE" in old.output


def test_output_is_optional_where_standard_output_makes_sense(tmp_path):
    """Commands that write one document print it without -o: the same bytes as the file."""
    from click.testing import CliRunner

    runner = CliRunner()
    cases = [
        (["viz", "--focus", "Japan"], "viz.html"),
        (["timeline"], "timeline.html"),
        (["export", "--format", "ttl"], "export.ttl"),
        (["describe"], "void.ttl"),
        (["docs"], "reference.md"),
        (["claims", "template", "--source", "mofa-2025"], "claims.csv"),
    ]
    for args, name in cases:
        printed = runner.invoke(main, args)
        assert printed.exit_code == 0, (args, printed.output)
        target = tmp_path / name
        written = runner.invoke(main, [*args, "-o", str(target)])
        assert written.exit_code == 0, (args, written.output)
        assert printed.stdout.rstrip("\n") == target.read_text(encoding="utf-8").rstrip("\n"), args
    for name, command in COMMANDS:
        for param in command.params:
            if isinstance(param, click.Option) and "-o" in param.opts and param.required:
                assert name == "generate", f"{name}: -o is required"  # a .trig or .nq file: its name says which


def test_claims_compile_prints_the_trig_without_o(template, tmp_path, monkeypatch):
    from click.testing import CliRunner

    project, _ = template
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)  # `source add` writes data/source-mofa-2025.trig here
    added = runner.invoke(main, ["source", "add", str(project / "texts" / "mofa-2025.txt"), "--id", "mofa-2025",
                                 "--title", "Notes", "--date", "2025-03"])
    assert added.exit_code == 0, added.output
    shutil.copy(project / "claims.csv", "claims.csv")
    printed = runner.invoke(main, ["--add", "data/source-mofa-2025.trig", "claims", "compile", "claims.csv"])
    assert printed.exit_code == 0, printed.output
    assert "ip4c:" in printed.stdout and "claims; save them with -o" in printed.stderr
    written = runner.invoke(main, ["--add", "data/source-mofa-2025.trig", "claims", "compile", "claims.csv",
                                   "-o", "out.trig"])
    assert written.exit_code == 0
    assert Path("out.trig").read_text(encoding="utf-8").rstrip("\n") == printed.stdout.rstrip("\n")
