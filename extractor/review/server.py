"""Serving the review app: the Host check (a defence against DNS rebinding) and a production WSGI server.

    HostGuard(wsgi_app, config)            WSGI middleware: 400 for a Host the app was not started for
    make_server(app, host, port, threads)  a waitress server for the app, not yet running

A page on any web site can make the browser resolve its own name to 127.0.0.1 (DNS rebinding) and then read
the review pages, CSRF token included, as "same origin". Such requests still carry the site's name in their
``Host`` header, so the app answers only to the names it was started for: 127.0.0.1, localhost, ::1, the
``--host`` it listens on and any ``--allow-host``, on the port it listens on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
HOSTS_KEY = "REVIEW_HOSTS"  # app.config: frozenset of host names (lower case, IPv6 without brackets)
PORT_KEY = "REVIEW_PORT"  # app.config: the port the server listens on; None while unknown (any port)


def host_names(extra: Iterable[str] = ()) -> frozenset[str]:
    """The loopback names plus `extra`, normalised as `split_host` returns them."""
    return frozenset(split_host(n)[0] for n in (*LOOPBACK_NAMES, *extra) if n and n.strip())


def split_host(value: str) -> tuple[str, int | None]:
    """A Host header (or a bare name) as (name, port): lower case, no trailing dot, IPv6 without brackets;
    port None when absent, -1 when it is not a number."""
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:5000
        name, _, rest = value[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else None
    elif value.count(":") > 1:  # a bare IPv6 address
        name, port_text = value, None
    else:
        name, sep, port_text = value.partition(":")
        port_text = port_text if sep else None
    port = None if port_text is None else int(port_text) if port_text.isdigit() else -1
    return name.rstrip("."), port


class HostGuard:
    """WSGI middleware answering 400 to any request whose Host is not one the app was started for; the port
    in the Host must be the server's (or absent, which means 80) once the server's port is known."""

    def __init__(self, app: Callable[..., Any], config: Mapping[str, Any]) -> None:
        self.app = app
        self.config = config

    def allowed(self, host: str | None) -> bool:
        if not host:
            return False
        name, port = split_host(host)
        expected = self.config.get(PORT_KEY)
        return name in self.config[HOSTS_KEY] and (expected is None or (port or 80) == expected)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if self.allowed(host):
            return self.app(environ, start_response)
        names = ", ".join(sorted(self.config[HOSTS_KEY]))
        body = (f"400: this review server answers only to the host names it was started for ({names}); "
                f"got Host {(host or '(none)')[:100]!r}. Open it by one of those names, or start it with "
                "--allow-host NAME.\n").encode()
        start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                           ("Content-Length", str(len(body))),
                                           ("X-Content-Type-Options", "nosniff")])
        return [body]


def make_server(app: Any, host: str, port: int, threads: int = 4) -> Any:
    """A waitress server for the Flask `app` on host:port (port 0: a free one), not yet running (`.run()`;
    `.close()` from another thread stops it). Tells the app's Host check the port it really listens on."""
    from waitress import create_server

    server = create_server(app, host=host, port=port, threads=threads)
    app.config[PORT_KEY] = listen_port(server)
    return server


def listen_port(server: Any) -> int | None:
    """The port a waitress server listens on (None when its sockets got different ones)."""
    if hasattr(server, "effective_port"):
        return int(server.effective_port)
    ports = {int(p) for _h, p in server.effective_listen}
    return ports.pop() if len(ports) == 1 else None
