"""Serve an offline mirror of a site (a folder of saved pages) on 127.0.0.1.

A mirror folder holds one file per URL path, the way a static-site generator writes it:
``/reports`` is ``reports/index.html``, ``/articles-multimedia/p2/`` is
``articles-multimedia/p2/index.html`` and ``/robots.txt`` is ``robots.txt``; a folder whose
page is XML (a feed at ``/feed/``) holds ``index.xml`` instead, and one whose page is JSON (an
API at ``/api/posts``) ``index.json``.

A query string that changes the page has a file of its own beside the path's, named with
``@`` and the query as wget names pages for Windows (``--restrict-file-names=windows``):
``/reports?page=2`` is ``reports/index.html@page=2`` and ``/sitemap.xml?page=1`` is
``sitemap.xml@page=1`` (``mirror_file_name`` gives the name). Any other query is ignored:
``/reports?area=defense`` is answered with the unfiltered ``/reports`` page, and a tracking
parameter never turns a known page into a 404 (``/reports?page=2&utm_source=x`` is page 2).

Used by the tests (a session fixture), the benchmarks and ``thinkscrape demo``::

    with serve_mirror(Path("tests/mirrors/cnas")) as mirror:
        crawl(base_url=mirror.base_url)
"""

from __future__ import annotations

import mimetypes
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

HTML_CONTENT_TYPE = "text/html; charset=utf-8"


def resolve_mirror_path(root: Path, url_path: str) -> Path | None:
    """The file that answers ``url_path`` in the mirror at ``root``, or None (a 404).

    A path names either a file (``/robots.txt``) or a folder holding ``index.html`` (or
    ``index.xml``: a feed served at ``/feed/``; or ``index.json``: an API's answer); a
    query with a file of its own beside it (the whole query, else one of its parameters)
    picks that file. Paths that would climb out of ``root`` (``..``) resolve to None.
    """
    parts_of_url = urlsplit(url_path)
    path = unquote(parts_of_url.path)
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") or "\\" in part or "\x00" in part for part in parts):
        return None
    candidate = root.joinpath(*parts)
    for found in (
        candidate,
        candidate / "index.html",
        candidate / "index.xml",
        candidate / "index.json",
    ):
        if found.is_file():
            return _query_file(found, parts_of_url.query) or found
    return None


def _query_file(path_file: Path, query: str) -> Path | None:
    """The file of ``path_file``'s page for this query, if the mirror holds one."""
    if not query:
        return None
    parameters = [p for p in query.split("&") if p]
    for option in (query, *parameters):
        name = f"{path_file.name}@{unquote(option)}"
        if "/" in name or "\\" in name or "\x00" in name:
            continue
        found = path_file.with_name(name)
        if found.is_file():
            return found
    return None


def mirror_file_name(url_path: str) -> str:
    """The file, relative to a mirror folder, that holds the page at ``url_path``:
    ``reports/index.html`` for ``/reports``, ``reports/index.html@page=2`` for
    ``/reports?page=2``, ``sitemap.xml@page=1`` for ``/sitemap.xml?page=1``. A last path
    segment with a dot in it names a file, any other a folder."""
    parts = urlsplit(url_path)
    segments = [s for s in unquote(parts.path).split("/") if s]
    if not segments or "." not in segments[-1] or parts.path.endswith("/"):
        segments.append("index.html")
    name = "/".join(segments)
    return f"{name}@{unquote(parts.query)}" if parts.query else name


def _content_type(path: Path) -> str:
    name = path.name.split("@", 1)[0]  # a query's page has the type of its path's file
    if name.endswith((".html", ".htm")):
        return HTML_CONTENT_TYPE
    guessed, _ = mimetypes.guess_type(name)
    if guessed is None:
        return "application/octet-stream"
    if guessed.startswith("text/"):
        return f"{guessed}; charset=utf-8"
    return guessed


class _MirrorRequestHandler(BaseHTTPRequestHandler):
    server: _MirrorHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, as crawlers expect from a real site

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        found = resolve_mirror_path(self.server.root, self.path)
        if found is None:
            body = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"
            self.send_response(HTTPStatus.NOT_FOUND)
            content_type = HTML_CONTENT_TYPE
        else:
            body = found.read_bytes()
            self.send_response(HTTPStatus.OK)
            content_type = _content_type(found)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        # Quiet: a crawl makes thousands of requests and the tests read their own output.
        return


class _MirrorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client never keeps the process alive

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        super().__init__(("127.0.0.1", port), _MirrorRequestHandler)


class MirrorServer:
    """A running mirror server; a context manager that stops it on exit."""

    def __init__(self, root: Path, port: int = 0) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"mirror folder not found: {self.root}")
        self._httpd = _MirrorHTTPServer(self.root, port)
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"mirror-{self.port}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port; safe to call more than once."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def __enter__(self) -> MirrorServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"MirrorServer(root={str(self.root)!r}, base_url={self.base_url!r})"


def serve_mirror(root: Path, port: int = 0) -> MirrorServer:
    """Start serving the mirror folder ``root`` on 127.0.0.1 in a background thread.

    ``port=0`` lets the OS choose a free port; read it from ``.base_url`` or ``.port``.
    """
    return MirrorServer(root, port)


def main(argv: list[str] | None = None) -> None:
    """``python -m thinkscrape.mirror FOLDER [--port N]``: serve a mirror until Ctrl-C."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Serve an offline site mirror on 127.0.0.1.")
    parser.add_argument("root", type=Path, help="the mirror's folder, e.g. tests/mirrors/cnas")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    with serve_mirror(args.root, port=args.port) as mirror:
        print(f"Serving {args.root} at {mirror.base_url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
