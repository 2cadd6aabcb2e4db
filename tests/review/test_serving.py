"""How the review app is served: the Host check against DNS rebinding, the waitress server behind
`extractor review`, and a JSON twin for every page (found by walking the app's url_map)."""

from __future__ import annotations

import http.client
import os
import re
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.review import server as review_server
from extractor.review.app import create_app

from .conftest import REPO, csrf

ALTERNATE_RE = re.compile(r'<link rel="alternate" type="application/json" href="([^"]+)">')


def get(c: Any, url: str, host: str, **headers: str) -> Any:
    return c.get(url, headers={"Host": host, **headers})


def test_only_the_loopback_names_are_answered_by_default(results_dir: Path) -> None:
    c = create_app(results_dir, reviewer="An").test_client()
    for host in ("127.0.0.1", "127.0.0.1:5000", "localhost", "localhost:5000", "LOCALHOST.", "[::1]:5000"):
        assert get(c, "/queue.json", host).status_code == 200, host
    for host in ("evil.example", "evil.example:5000", "127.0.0.1.evil.example", "localhost.evil.example:5000",
                 "evil.example:5000@localhost", ""):
        resp = get(c, "/queue.json", host)
        assert resp.status_code == 400 and resp.mimetype == "text/plain", host
        assert "answers only to the host names" in resp.data.decode()
    # a state change from a rebound page is refused too, though it has the CSRF token of a page it read earlier
    slug = c.get("/queue.json").json[0]["slug"]
    token = csrf(c.get(f"/item/{slug}").data.decode())
    resp = c.post(f"/item/{slug}", headers={"Host": "evil.example"},
                  data={"csrf_token": token, "version": 0, "action": "empty"})
    assert resp.status_code == 400
    assert c.get(f"/item/{slug}.json").json["decision"] is None


def test_the_host_check_comes_before_the_token_and_the_routes(results_dir: Path) -> None:
    c = create_app(results_dir, token="s3cret").test_client()
    assert get(c, "/queue.json", "evil.example", **{"X-Review-Token": "s3cret"}).status_code == 400
    assert get(c, "/no-such-page", "evil.example").status_code == 400
    assert get(c, "/static/review.css", "evil.example").status_code == 400
    assert get(c, "/queue.json", "localhost", **{"X-Review-Token": "s3cret"}).status_code == 200


def test_the_given_host_and_port_are_answered(results_dir: Path) -> None:
    c = create_app(results_dir, hosts=("Review.LAN",), port=5000).test_client()
    for host in ("review.lan:5000", "127.0.0.1:5000", "localhost:5000"):
        assert get(c, "/queue.json", host).status_code == 200, host
    for host in ("review.lan:5001", "localhost:8080", "localhost", "review.lan:x", "evil.example:5000"):
        assert get(c, "/queue.json", host).status_code == 400, host


def test_split_host() -> None:
    split = review_server.split_host
    assert split("LocalHost:5000") == ("localhost", 5000)
    assert split("[::1]:8080") == ("::1", 8080) and split("::1") == ("::1", None) and split("[::1]") == ("::1", None)
    assert split("example.org.") == ("example.org", None) and split("a:b") == ("a", -1)


def test_cli_hands_its_host_and_port_to_the_host_check(results_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: dict[str, Any] = {}

    class FakeServer:
        def run(self) -> None:
            started["ran"] = True

        def close(self) -> None:
            started["closed"] = True

    def fake_make_server(app: Any, host: str, port: int, threads: int = 4) -> FakeServer:
        started.update(app=app, host=host, port=port, threads=threads)
        return FakeServer()

    monkeypatch.setattr(review_server, "make_server", fake_make_server)
    res = CliRunner().invoke(main, ["review", str(results_dir), "--host", "review.example", "--port", "5050",
                                    "--token", "t0k", "--allow-host", "reviews.internal", "--threads", "2"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "http://review.example:5050/?token=…" in res.output
    assert (started["host"], started["port"], started["threads"], started["ran"], started["closed"]) == (
        "review.example", 5050, 2, True, True)
    c = started["app"].test_client()
    token = {"X-Review-Token": "t0k"}
    for host in ("review.example:5050", "reviews.internal:5050", "localhost:5050", "127.0.0.1:5050"):
        assert get(c, "/returns.json", host, **token).status_code == 200, host
    for host in ("evil.example:5050", "review.example:5000", "review.example.evil.example:5050"):
        assert get(c, "/returns.json", host, **token).status_code == 400, host


def test_a_port_in_use_is_a_one_line_error(results_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        res = CliRunner().invoke(main, ["review", str(results_dir), "--port", str(port)])
    assert res.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in res.output, res.output


def _request(port: int, path: str, host: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)  # direct: no proxy from the environment
    conn.putrequest("GET", path, skip_host=True)
    conn.putheader("Host", host)
    conn.endheaders()
    resp = conn.getresponse()
    resp.read()
    return resp


def test_review_command_serves_with_waitress(results_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    env.pop("EXTRACTOR_REVIEW_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "review", str(results_dir), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
        deadline, line = time.monotonic() + 120, ""
        while "http://" not in line and proc.poll() is None and time.monotonic() < deadline:
            if sel.select(timeout=1):
                line += proc.stdout.readline()  # type: ignore[union-attr]
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, f"no address printed: {line!r}"
        port = int(m.group(1))
        assert port != 0
        ok = _request(port, "/queue.json", f"127.0.0.1:{port}")
        assert ok.status == 200 and ok.getheader("Server") == "waitress"
        assert ok.getheader("Content-Type") == "application/json"
        assert _request(port, "/", f"localhost:{port}").status == 200
        bad = _request(port, "/queue.json", f"evil.example:{port}")
        assert bad.status == 400 and bad.getheader("Server") == "waitress"
        assert _request(port, "/", "localhost:1").status == 400
    finally:
        proc.terminate()
        try:
            _out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    assert "development server" not in err and "Traceback" not in err, err


def _sample_args(c: Any) -> dict[str, Any]:
    """A value for every argument of the app's routes: an item of a PDF return that has a place on the page (so
    its page crop exists; a field the return lacks, `not_found`, has none)."""
    row = next(r for r in c.get("/queue.json").json if r["return"].endswith(".pdf") and r["reasons"] != ["not_found"])
    return {"sha": row["sha256"], "kind": row["kind"], "idx": row["index"]}


def test_every_page_has_a_json_twin(results_dir: Path) -> None:
    app = create_app(results_dir, reviewer="An")
    c = app.test_client()
    args = _sample_args(c)
    pages: dict[str, str] = {}
    with app.test_request_context():
        rules = [r for r in app.url_map.iter_rules() if "GET" in (r.methods or ()) and r.endpoint != "static"]
        urls = {}
        for rule in rules:
            missing = set(rule.arguments) - set(args)
            assert not missing, f"route {rule.rule}: add a sample value for {missing} to this test"
            urls[rule.endpoint] = app.url_for(rule.endpoint, **{k: args[k] for k in rule.arguments})
    for endpoint, url in urls.items():
        resp = c.get(url)
        assert resp.status_code == 200, url
        if resp.mimetype != "text/html":
            continue
        links = ALTERNATE_RE.findall(resp.data.decode())
        assert len(links) == 1, f"page {url} ({endpoint}) links no JSON twin"
        twin = c.get(links[0])
        assert twin.status_code == 200 and twin.is_json and twin.json is not None, f"{url} -> {links[0]}"
        pages[url] = links[0]
    sha = args["sha"]
    item = f"/item/{sha}/{args['kind']}/{args['idx']}"
    assert pages == {"/": "/returns.json", "/queue": "/queue.json", f"/return/{sha}": f"/return/{sha}.json",
                     item: f"{item}.json"}
    assert ALTERNATE_RE.findall(c.get("/queue?all=1").data.decode()) == ["/queue.json?all=1"]


def test_return_json_is_the_return_page(results_dir: Path) -> None:
    c = create_app(results_dir, reviewer="An").test_client()
    row = next(r for r in c.get("/returns.json").json if r["name"] == "f000_r001.docx")
    sha = row["sha256"]
    got = c.get(f"/return/{sha}.json").json
    page = c.get(f"/return/{sha}").data.decode()
    assert {k: got[k] for k in row} == row
    assert len(got["items"]) == page.count("<tr data-href=") > 100
    assert [i["slug"] for i in got["items"]][:2] == [f"{sha}/fields/0", f"{sha}/fields/1"]
    assert got["decision"] == {"state": None, "by": None, "at": None, "version": 0}
    token = csrf(page)
    c.post(f"/return/{sha}", data={"csrf_token": token, "version": 0, "action": "not_a_form"})
    got = c.get(f"/return/{sha}.json").json
    assert got["not_a_form"] is True and (got["decision"]["state"], got["decision"]["by"]) == ("not_a_form", "An")
    assert c.get("/return/0123abc.json").status_code == 404
