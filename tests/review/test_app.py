"""The review app through Flask's test client: pages, CSRF, token, escaping, typed corrections, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.output import validate
from extractor.review.app import create_app
from extractor.review.learn import load_aliases

from .conftest import csrf

INJECTED = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def client(results: Path, **kw: Any) -> Any:
    app = create_app(results, reviewer=kw.pop("reviewer", "An"), **kw)
    return app.test_client()


def queue(c: Any) -> list[dict[str, Any]]:
    return c.get("/queue.json").json


def post(c: Any, slug: str, **form: Any) -> Any:
    token = csrf(c.get(f"/item/{slug}").data.decode())
    version = c.get(f"/item/{slug}.json").json["version"]
    return c.post(f"/item/{slug}", data={"csrf_token": token, "version": version, **form})


def first(rows: list[dict[str, Any]], ret: str | None = None, **match: Any) -> dict[str, Any]:
    if ret:
        match["return"] = ret
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


def test_returns_list_and_queue(results_dir: Path) -> None:
    (results_dir / "manifest.jsonl").write_text('{"a": 1}\n', encoding="utf-8")
    (results_dir / "settings.json").write_text('{"not": "a result"}', encoding="utf-8")
    c = client(results_dir)
    rows = c.get("/returns.json").json
    assert len(rows) == 6
    row = first(rows, name="f000_r001.docx")
    assert row["form"] == "f000" and row["agency"] == "Sở Công Thương"
    assert row["accepted"] > 100 and row["review"] + row["failed"] == row["to_review"] > 0
    assert first(rows, name="f002_r004.docx")["agency"] == "Vụ Tổ chức cán bộ"  # read from contact.unit
    page = c.get("/").data.decode()
    assert "settings.json" in page and "not an extraction result" in page
    q = queue(c)
    assert [r["confidence"] for r in q] == sorted(r["confidence"] for r in q)
    assert {r["return"] for r in q} >= {"f000_r001.docx", "f002_r001.pdf"}
    assert c.get("/queue").status_code == 200


def test_field_page_shows_source_and_why(results_dir: Path) -> None:
    c = client(results_dir)
    q = queue(c)
    # a table cell whose text is no number (`17,839,8`)
    docx = first(q, ret="f002_r004.docx", category="failed", field_id="plan.projects.budget")
    html = c.get(f"/item/{docx['slug']}").data.decode()
    assert 'class="src-table"' in html and 'class="src-target"' in html
    assert "value: the text could not be read" in html and docx["label"] in html
    unmatched = first(q, ret="f000_r001.docx", kind="unmatched")
    html = c.get(f"/item/{unmatched['slug']}").data.decode()
    assert 'id="candidates"' in html and "<mark>" in html and 'id="context"' in html
    lost = first(q, ret="f000_r015.pdf", reasons=["not_found"])
    html = c.get(f"/item/{lost['slug']}").data.decode()
    assert "not found in this return" in html and 'id="crop"' not in html
    pdf = next(r for r in q if r["return"] == "f002_r001.pdf" and r["reasons"] != ["not_found"])
    html = c.get(f"/item/{pdf['slug']}").data.decode()
    assert 'id="crop"' in html
    png = c.get(f"/source/{pdf['slug']}.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_document_text_is_escaped_and_no_inline_script_allowed(results_dir: Path) -> None:
    path = results_dir / "f000_r001.docx.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["unmatched"][0]["label"] = INJECTED
    data["unmatched"][0]["raw"] = INJECTED
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    c = client(results_dir)
    slug = f"{data['source']['sha256']}/unmatched/0"
    for url in (f"/item/{slug}", "/queue", f"/return/{data['source']['sha256']}"):
        resp = c.get(url)
        html = resp.data.decode()
        assert "<script>window" not in html and "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


def test_posts_need_a_csrf_token(results_dir: Path) -> None:
    c = client(results_dir)
    slug = queue(c)[0]["slug"]
    resp = c.post(f"/item/{slug}", data={"action": "empty", "version": 0})
    assert resp.status_code == 400 and "CSRF" in resp.data.decode()
    assert c.get(f"/item/{slug}.json").json["decision"] is None
    assert post(c, slug, action="empty").status_code == 303
    assert c.get(f"/item/{slug}.json").json["decision"] == "empty"


def test_token_guards_every_request(results_dir: Path) -> None:
    c = client(results_dir, token="s3cret")
    assert c.get("/").status_code == 403
    assert c.get("/queue.json", headers={"X-Review-Token": "wrong"}).status_code == 403
    assert c.get("/queue.json", headers={"X-Review-Token": "s3cret"}).status_code == 200
    assert c.get("/?token=s3cret").status_code == 200
    assert c.get("/queue").status_code == 200  # the browser session now carries it


def test_non_local_host_needs_a_token(results_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXTRACTOR_REVIEW_TOKEN", raising=False)
    res = CliRunner().invoke(main, ["review", str(results_dir), "--host", "0.0.0.0"])
    assert res.exit_code != 0 and "without an access token" in res.output


def test_typed_corrections_and_errors(results_dir: Path) -> None:
    c = client(results_dir)
    item = next(r for r in queue(c) if r["category"] == "failed"
                and r["field_id"] == "plan.projects.budget")  # a decimal field (triệu đồng)
    slug = item["slug"]
    resp = post(c, slug, action="correct", value="abc")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(slug)
    assert "is not a number" in c.get(f"/item/{slug}").data.decode()  # a decimal field (triệu đồng)
    assert post(c, slug, action="correct", value="2.378,6").status_code == 303
    got = c.get(f"/item/{slug}.json").json
    assert got["decision"] == "correct" and got["current_value"] == 2378.6
    assert post(c, slug, action="undo").status_code == 303
    assert c.get(f"/item/{slug}.json").json["decision"] is None


def test_a_decision_needs_a_reviewer_name(results_dir: Path) -> None:
    c = client(results_dir, reviewer=None)
    slug = queue(c)[0]["slug"]
    post(c, slug, action="empty")
    assert "Enter your name" in c.get(f"/item/{slug}").data.decode()
    token = csrf(c.get("/queue").data.decode())
    c.post("/reviewer", data={"csrf_token": token, "name": "Chi"})
    post(c, slug, action="empty")
    assert c.get(f"/item/{slug}.json").json["decided_by"] == "Chi"


def test_export_merges_decisions_without_touching_the_results(results_dir: Path, tmp_path: Path) -> None:
    c = client(results_dir)
    q = queue(c)
    failed = first(q, ret="f002_r004.docx", category="failed", field_id="plan.projects.budget")
    unmatched = first(q, ret="f000_r001.docx", kind="unmatched")
    pdf = first(q, ret="f002_r001.pdf")
    post(c, failed["slug"], action="correct", value="7")
    post(c, unmatched["slug"], action="relabel", field_id="contact.position", alias="1")
    post(c, pdf["slug"], action="empty")
    sha4 = first(c.get("/returns.json").json, name="f000_r017.pdf")["sha256"]
    token = csrf(c.get(f"/return/{sha4}").data.decode())
    c.post(f"/return/{sha4}", data={"csrf_token": token, "version": 0, "action": "not_a_form"})
    before = {p.name: p.read_bytes() for p in results_dir.glob("*.json")}
    out = tmp_path / "reviewed"
    res = CliRunner().invoke(main, ["export-reviewed", str(results_dir), "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "6 reviewed results" in res.output and "3 field decisions" in res.output
    assert before == {p.name: p.read_bytes() for p in results_dir.glob("*.json")}
    fixed = json.loads((out / "f002_r004.docx.json").read_text(encoding="utf-8"))["fields"][failed["index"]]
    assert fixed["value"] == 7 and fixed["status"] == "accepted"
    assert fixed["review"] | {"at": None} == {"action": "correct", "by": "An", "at": None, "old_value": None,
                                              "old_field_id": failed["field_id"]}
    docx = json.loads((out / "f000_r001.docx.json").read_text(encoding="utf-8"))
    validate(docx)
    moved = next(f for f in docx["fields"] if f.get("review", {}).get("action") == "relabel")
    assert moved["field_id"] == "contact.position" and moved["review"]["old_field_id"] is None
    assert moved["value"] == unmatched["raw"] and moved["type"] == "text"
    was = [r for r in q if r["return"] == "f000_r001.docx" and r["kind"] == "unmatched"]
    assert len(docx["unmatched"]) == len(was) - 1
    assert docx["review"] == {"not_a_form": False, "by": None, "at": None}
    pdf_out = json.loads((out / "f002_r001.pdf.json").read_text(encoding="utf-8"))
    emptied = pdf_out[pdf["kind"]][pdf["index"]]
    assert emptied["value"] is None and emptied["status"] == "empty" and emptied["review"]["action"] == "empty"
    gone = json.loads((out / "f000_r017.pdf.json").read_text(encoding="utf-8"))
    assert gone["review"]["not_a_form"] is True and gone["review"]["by"] == "An"
    assert load_aliases(results_dir / "patterns-overlay") == {"contact.position": [unmatched["label"]]}
    # a reviewed export is not taken for an extraction result when the folder is reviewed again
    (results_dir / "reviewed").mkdir()
    (results_dir / "reviewed" / "x.json").write_text(json.dumps(docx, ensure_ascii=False), encoding="utf-8")
    assert len(client(results_dir).get("/returns.json").json) == 6


def test_inputs_a_batch_could_not_read_are_listed(results_dir: Path) -> None:
    lines = [{"run": "r1", "n": 1, "input": "inbox/a.docx", "status": "ok"},
             {"run": "r1", "n": 2, "input": "inbox/broken.pdf", "status": "failed",
              "error": "[E101] broken.pdf: damaged PDF <b>x</b>"},
             {"run": "r1", "n": 3, "input": "inbox/late.docx", "status": "failed", "error": "timed out"},
             {"run": "r2", "n": 3, "input": "inbox/late.docx", "status": "ok"}]  # a re-run got it
    (results_dir / "manifest.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    page = client(results_dir).get("/").data.decode()
    assert "inbox/broken.pdf" in page and "damaged PDF &lt;b&gt;x&lt;/b&gt;" in page
    assert "inbox/late.docx" in page  # final line of run r1 for input 3 is `failed`; run r2 is another input key
