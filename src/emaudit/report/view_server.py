"""``emaudit view``: a small local web page over the run store (stdlib ThreadingHTTPServer).

Pages: ``/`` lists the runs and offers a compare form, ``/run/NAME`` is the run's report,
``/run/NAME/answers?question=Q&flag=F`` filters its answers on the server (works without
JavaScript), ``/compare?a=A&b=B`` puts two runs side by side. Everything shown goes through the
same autoescaping templates as the HTML report. Bound to 127.0.0.1 unless told otherwise, and then
only requests addressed to a loopback name are answered (no DNS rebinding).
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..errors import UserError
from .compare import build_compare_context, render_compare_html
from .html import DEFAULT_MAX_ANSWERS, build_report_context, render_html, render_template
from .inputs import ReportInputs, load_inputs, open_store, run_names

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
RUN_FIELDS = ("name", "kind", "status", "items", "answered", "failed", "judgements", "judged_answers", "prompt_tokens",
              "completion_tokens", "created_at", "updated_at")


class RunSource(Protocol):
    def list_runs(self) -> list[dict[str, Any]]: ...

    def load(self, name: str) -> ReportInputs: ...


class StoreSource:
    """Runs from a store file; each call opens its own connection (SQLite objects stay in their thread)."""

    def __init__(self, path: Any) -> None:
        self.path = path
        open_store(path).close()  # fail early, as a UserError, when there is no store

    def list_runs(self) -> list[dict[str, Any]]:
        store = open_store(self.path)
        try:
            runs = store.list_runs()
        finally:
            store.close()
        return [asdict(r) if is_dataclass(r) and not isinstance(r, type) else dict(r) for r in runs]

    def load(self, name: str) -> ReportInputs:
        store = open_store(self.path)
        try:
            return load_inputs(store, name)
        finally:
            store.close()

    def names(self) -> list[str]:
        store = open_store(self.path)
        try:
            return run_names(store)
        finally:
            store.close()


def _answer_filter(context: Mapping[str, Any], question: str, flag: str) -> list[dict[str, Any]]:
    return [a for a in context["answers"]
            if (not question or a["question_id"] == question) and (not flag or flag in a["flags"])]


class _Handler(BaseHTTPRequestHandler):
    server: ViewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        if self.server.verbose:
            super().log_message(format, *args)

    def _send(self, status: int, body: str, content_type: str = "text/html; charset=utf-8") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error_page(self, status: int, message: str) -> None:
        page = render_template("view_error.html.j2", {"title": f"{status} {HTTPStatus(status).phrase}",
                                                      "message": message})
        self._send(status, page)

    def _host_allowed(self) -> bool:
        if not self.server.loopback_only:
            return True
        host = (self.headers.get("Host") or "").strip()
        if host.startswith("["):
            name = host[: host.find("]") + 1]
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name.lower() in LOOPBACK_NAMES

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._host_allowed():
            self._error_page(403, "this page only answers requests addressed to 127.0.0.1 or localhost")
            return
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = [unquote(p) for p in url.path.split("/") if p]
        try:
            if not parts:
                self._send(200, self._index())
            elif parts == ["compare"]:
                self._send(200, self._compare(params.get("a", ""), params.get("b", "")))
            elif len(parts) == 2 and parts[0] == "run":
                self._send(200, self._report(parts[1]))
            elif len(parts) == 3 and parts[0] == "run" and parts[2] == "answers":
                self._send(200, self._answers(parts[1], params.get("question", ""), params.get("flag", "")))
            elif parts == ["favicon.ico"]:
                self._send(204, "", "image/x-icon")
            else:
                self._error_page(404, "no such page")
        except UserError as e:
            self._error_page(404, str(e))
        except Exception as e:  # noqa: BLE001 - one bad run must not take the page down
            self._error_page(500, f"could not build this page: {type(e).__name__}: {e}")

    def _index(self) -> str:
        runs = [{k: r.get(k) for k in RUN_FIELDS} for r in self.server.source.list_runs()]
        runs.sort(key=lambda r: str(r.get("updated_at") or ""), reverse=True)
        return render_template("view_index.html.j2", {"title": "emaudit runs", "runs": runs,
                                                      "store": str(self.server.store_label)})

    def _context(self, name: str, max_answers: int = DEFAULT_MAX_ANSWERS) -> dict[str, Any]:
        return build_report_context(*self.server.source.load(name), max_answers=max_answers)

    def _report(self, name: str) -> str:
        context = self._context(name)
        context["nav"] = [("/", "all runs"), (f"/run/{quote(name, safe='')}/answers", "filter answers")]
        return render_html(context)

    def _answers(self, name: str, question: str, flag: str) -> str:
        context = self._context(name, max_answers=10**9)
        shown = _answer_filter(context, question, flag)
        return render_template("view_answers.html.j2", {
            **context, "title": f"answers of {name}", "shown": shown, "selected_q": question,
            "selected_flag": flag, "run_href": f"/run/{quote(name, safe='')}",
            "nav": [("/", "all runs"), (f"/run/{quote(name, safe='')}", "report")]})

    def _compare(self, a: str, b: str) -> str:
        if not a or not b:
            raise UserError("pick two runs to compare")
        context = build_compare_context(self._context(a), self._context(b))
        context["nav"] = [("/", "all runs")]
        return render_compare_html(context)


class ViewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, source: RunSource, host: str = "127.0.0.1", port: int = 0, *, verbose: bool = False,
                 store_label: str = "") -> None:
        self.source = source
        self.verbose = verbose
        self.store_label = store_label
        self.loopback_only = _is_loopback(host)
        if ":" in host:
            import socket

            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[0], self.server_address[1]
        host = str(host)
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_in_thread(server: ViewServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="emaudit-view", daemon=True)
    thread.start()
    return thread


def serve(source: RunSource, host: str = "127.0.0.1", port: int = 0, *, store_label: str = "",
          on_ready: Callable[[str], None] = print) -> None:
    """Serve until interrupted; ``on_ready`` gets the URL once the socket listens."""
    try:
        server = ViewServer(source, host, port, store_label=store_label)
    except OSError as e:
        raise UserError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    with server:
        on_ready(server.url)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
