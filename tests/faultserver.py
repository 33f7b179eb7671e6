"""A mirror server that misbehaves on purpose, the ways real sites do, path by path.

It serves a mirror folder exactly as ``thinkscrape.mirror`` does (same path resolution,
query ignored) on 127.0.0.1 with an OS-chosen port, and a test configures faults per URL
path::

    with FaultServer(root) as server:
        server.set_fault("/reports", Fault("status", status=503, times=2))
        server.set_fault("/robots.txt", Fault("body", body=b"User-agent: *\\nDisallow: /press"))
        ... crawl server.base_url ...
        assert server.counts["/reports"] == 3

Fault kinds (``times`` = how many requests get the fault before the path behaves; None =
every request):

- ``status``: answer ``status`` (500, 503, 429...) with ``headers`` (e.g. Retry-After);
- ``reset``: close the connection without answering (TCP RST);
- ``delay``: wait ``seconds`` before answering normally (a timeout when over
  DOWNLOAD_TIMEOUT);
- ``truncate``: announce a Content-Length larger than the body sent, then close;
- ``redirect``: answer 302 to ``location`` (a path on this server, or a full URL elsewhere);
- ``body``: answer 200 with ``body`` instead of the file;
- ``rewrite``: answer 200 with ``rewrite(file bytes)`` (markup changed under the spider).

Every request is counted per path (``counts``, query stripped), listed in ``requests`` (the
full target) and timed in ``arrivals``. ``delay_all`` slows every answer down, for tests that
must interrupt a crawl half-way. ``etags=True`` gives every page an ETag (a digest of its bytes)
and answers a matching ``If-None-Match`` with 304, as a web server serving files does. Waits
are capped at ``MAX_WAIT`` seconds so no test can hang on the server.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from thinkscrape.mirror import HTML_CONTENT_TYPE, resolve_mirror_path

MAX_WAIT = 10.0  # seconds: the longest any answer is held back

FAULT_KINDS = ("status", "reset", "delay", "truncate", "redirect", "body", "rewrite")


@dataclass
class Fault:
    kind: str
    times: int | None = None  # faulty answers before the path recovers; None: forever
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    location: str = ""
    body: bytes = b""
    rewrite: Callable[[bytes], bytes] | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {FAULT_KINDS}")


class _FaultHandler(BaseHTTPRequestHandler):
    server: _FaultHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        fault = self.server.owner._take_fault(path, self.path)
        if self.server.owner.delay_all:
            time.sleep(min(self.server.owner.delay_all, MAX_WAIT))
        if fault is None:
            self._serve_file(path)
            return
        getattr(self, f"_fault_{fault.kind}")(fault, path)

    # --- normal answers ------------------------------------------------------------------
    def _file_bytes(self, path: str) -> bytes | None:
        found = resolve_mirror_path(self.server.owner.root, path)
        return found.read_bytes() if found is not None else None

    def _serve_file(self, path: str) -> None:
        body = self._file_bytes(path)
        if body is None:
            self._send(HTTPStatus.NOT_FOUND, b"<html><body><h1>404 Not Found</h1></body></html>")
            return
        headers = {}
        if self.server.owner.etags:
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            headers["ETag"] = etag
            if self.headers.get("If-None-Match") == etag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", etag)
                self.end_headers()
                return
        self._send(HTTPStatus.OK, body, content_type=self._content_type(path), headers=headers)

    def _content_type(self, path: str) -> str:
        return "text/plain; charset=utf-8" if path.endswith(".txt") else HTML_CONTENT_TYPE

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = HTML_CONTENT_TYPE,
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    # --- faults ----------------------------------------------------------------------------
    def _fault_status(self, fault: Fault, path: str) -> None:
        body = f"<html><body><h1>{fault.status}</h1></body></html>".encode()
        self._send(fault.status, body, headers=fault.headers)

    def _fault_reset(self, fault: Fault, path: str) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _fault_delay(self, fault: Fault, path: str) -> None:
        time.sleep(min(fault.seconds, MAX_WAIT))
        try:
            self._serve_file(path)
        except OSError:
            pass  # the client gave up waiting, as it should

    def _fault_truncate(self, fault: Fault, path: str) -> None:
        body = self._file_bytes(path) or b"<html><body>gone</body></html>"
        half = body[: len(body) // 2]
        self._send(HTTPStatus.OK, half, length=len(body))
        self.close_connection = True

    def _fault_redirect(self, fault: Fault, path: str) -> None:
        self._send(HTTPStatus.FOUND, b"", headers={"Location": fault.location})

    def _fault_body(self, fault: Fault, path: str) -> None:
        self._send(HTTPStatus.OK, fault.body, content_type=self._content_type(path))

    def _fault_rewrite(self, fault: Fault, path: str) -> None:
        body = self._file_bytes(path)
        if body is None or fault.rewrite is None:
            self._serve_file(path)
            return
        self._send(HTTPStatus.OK, fault.rewrite(body), content_type=self._content_type(path))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return  # quiet: the tests read the counters, not a log


class _FaultHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: FaultServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _FaultHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients dropping kept-alive connections (or timing out on purpose) are expected
        # here; anything else is still reported the standard way.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class FaultServer:
    """A running fault-injecting mirror server; a context manager that stops it on exit."""

    def __init__(
        self, root: Path | None = None, delay_all: float = 0.0, etags: bool = False
    ) -> None:
        # With no mirror folder every path is a 404: an "other host" that must never be asked.
        self.root = Path(root).resolve() if root is not None else Path("/nonexistent-mirror")
        self.delay_all = delay_all
        self.etags = etags
        self.counts: Counter[str] = Counter()
        self.requests: list[str] = []
        self.arrivals: list[tuple[float, str]] = []  # (time.monotonic(), path) per request
        self._faults: dict[str, Fault] = {}
        self._served_faulty: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd = _FaultHTTPServer(self)
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"faults-{self.port}", daemon=True
        )
        self._thread.start()

    def set_fault(self, path: str, fault: Fault) -> None:
        """Make ``path`` (no query) misbehave as ``fault`` from the next request on."""
        with self._lock:
            self._faults[path] = fault
            self._served_faulty[path] = 0

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._served_faulty.clear()

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()
            self.requests.clear()
            self.arrivals.clear()

    def _take_fault(self, path: str, target: str) -> Fault | None:
        """Count the request; the fault it gets, if the path still has one to give."""
        with self._lock:
            self.counts[path] += 1
            self.requests.append(target)
            self.arrivals.append((time.monotonic(), path))
            fault = self._faults.get(path)
            if fault is None:
                return None
            if fault.times is not None and self._served_faulty[path] >= fault.times:
                return None
            self._served_faulty[path] += 1
            return fault

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=MAX_WAIT)
        self._httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
