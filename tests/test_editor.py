"""The schema in a real editor's language server: yaml-language-server, over LSP.

VS Code's YAML extension, Neovim and Helix all run Red Hat's
yaml-language-server. This test installs it from the npm registry (once, into
a cache under the user's cache folder), opens deal files the way an editor
does, and reads what the editor would show: no diagnostic on any shipped deal
(each finds the schema through its own first line), a diagnostic on the line
of each seeded mistake, completion of a stream's fields and of a choice, and
the reference's words on hover. It is skipped only where npm is not
installed, and says so.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEALS, ROOT

SERVER_VERSION = "1.25.0"
SETTINGS = {"validate": True, "completion": True, "hover": True, "schemaStore": {"enable": False}}


def _server() -> Path:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: yaml-language-server cannot be had")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    home = cache / "computelease-tests" / f"yaml-language-server-{SERVER_VERSION}"
    binary = home / "node_modules" / ".bin" / "yaml-language-server"
    if not binary.exists():
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--silent",
                "--prefix",
                str(home),
                f"yaml-language-server@{SERVER_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return binary


class Client:
    """Just enough of an LSP client: requests, notifications, and the server's diagnostics."""

    def __init__(self, binary: Path, root: Path) -> None:
        self.process = subprocess.Popen(
            [str(binary), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": {"workspace": {"configuration": True}},
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})

    def _read(self) -> None:
        out = self.process.stdout
        assert out is not None
        while True:
            length = 0
            while (line := out.readline().decode()) not in ("\r\n", ""):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":")[1])
            if not length:
                return
            self.inbox.put(json.loads(out.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        self._send({"id": self.next_id, "method": method, "params": params})
        reply = self._until(lambda m: m.get("id") == self.next_id and "method" not in m)
        return reply.get("result")

    def _until(self, done: Callable[[dict[str, Any]], bool], timeout: float = 30) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                message = self.inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            method = message.get("method")
            if method == "workspace/configuration":
                items = message["params"]["items"]
                self._send({"id": message["id"], "result": [SETTINGS for _ in items]})
            elif method == "textDocument/publishDiagnostics":
                self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
            elif method is not None and "id" in message:
                self._send({"id": message["id"], "result": None})
            if done(message):
                return message
        raise AssertionError("yaml-language-server did not answer in time")

    def open(self, path: Path, text: str | None = None) -> list[tuple[int, str]]:
        """Open a file as an editor does; its diagnostics as (1-based line, message)."""
        uri = path.resolve().as_uri()
        body = text if text is not None else path.read_text(encoding="utf-8")
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": body}
        self.notify("textDocument/didOpen", {"textDocument": document})
        self._until(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )
        return [(d["range"]["start"]["line"] + 1, d["message"]) for d in self.diagnostics[uri]]

    def labels(self, path: Path, line: int, character: int) -> list[str]:
        where = {"textDocument": {"uri": path.resolve().as_uri()}}
        result = self.request(
            "textDocument/completion",
            {**where, "position": {"line": line, "character": character}},
        )
        items = result["items"] if isinstance(result, dict) else result
        return sorted(item["label"] for item in items)

    def hover(self, path: Path, line: int, character: int) -> str:
        where = {"textDocument": {"uri": path.resolve().as_uri()}}
        result = self.request(
            "textDocument/hover", {**where, "position": {"line": line, "character": character}}
        )
        return str(result["contents"]["value"])

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def editor() -> Iterator[Client]:
    client = Client(_server(), ROOT)
    yield client
    client.close()


@pytest.mark.parametrize("deal", sorted(p.name for p in DEALS.glob("*.yaml")))
def test_every_shipped_deal_opens_without_a_diagnostic(editor: Client, deal: str) -> None:
    assert editor.open(DEALS / deal) == []


def test_each_seeded_mistake_is_flagged_on_its_line(editor: Client, tmp_path: Path) -> None:
    shutil.copy(ROOT / "computelease" / "deal.schema.json", tmp_path)
    text = (DEALS / "reflection.yaml").read_text(encoding="utf-8")
    text = text.replace("../computelease/deal.schema.json", "deal.schema.json")
    text = text.replace("    amount: $150M ", "    amout: $150M  ", 1)
    text = text.replace("every: month", "every: monthly", 1)
    text = text.replace("start: 2026-07-01", "start: 07/01/2026", 1)
    lines = text.splitlines()
    found = editor.open(tmp_path / "bad.yaml", text)
    at = {line for line, _ in found}
    assert at == {
        next(i + 1 for i, x in enumerate(lines) if x.startswith("start: 07/01/2026")),
        next(i + 1 for i, x in enumerate(lines) if "amout:" in x),
        next(i + 1 for i, x in enumerate(lines) if "every: monthly" in x),
    }
    assert any("Property amout is not allowed" in m for _, m in found)


def test_a_starter_deal_completes_and_explains_itself(
    editor: Client, lease: Any, tmp_path: Path
) -> None:
    deal = tmp_path / "deals" / "fresh.yaml"
    assert lease("new", deal, "--start", "2027-01-01").exit_code == 0
    text = deal.read_text(encoding="utf-8")
    assert editor.open(deal) == []
    lines = text.splitlines()
    timing = next(i for i, x in enumerate(lines) if x.startswith("    timing:"))
    probe = "\n".join([*lines[: timing + 1], "    ", *lines[timing + 1 :]]) + "\n"
    path = deal.with_name("probe.yaml")
    path.write_text(probe, encoding="utf-8")
    editor.open(path, probe)
    fields = editor.labels(path, timing + 1, 4)
    assert {"escalation", "per_gpu_hour", "until", "variable"} <= set(fields)
    every = next(i for i, x in enumerate(lines) if x.startswith("    every:"))
    assert {"month", "quarter", "year", "once"} <= set(editor.labels(path, every, 11))
    months = next(i for i, x in enumerate(lines) if x.startswith("months:"))
    assert "Term in whole months" in editor.hover(path, months, 2)
