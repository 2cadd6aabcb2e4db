"""The review app in a real browser: Playwright driving Debian's Chromium headless (installed by `.ci/run`),
never a downloaded browser build. Also takes the README's screenshots: into docs/images/review-*.png when
UPDATE_SCREENSHOTS=1 is set, into the test's temp folder otherwise (a test run leaves the checkout clean)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.output import validate
from extractor.review.app import create_app
from extractor.review.server import PORT_KEY, make_server

from .conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IMAGES = REPO / "docs" / "images"


def images_dir(tmp_path: Path) -> Path:
    """Where screenshots go: the README's folder only when asked to refresh them."""
    return IMAGES if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (Debian package; .ci/run installs it)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """The app on a free loopback port, served as `extractor review` serves it (waitress, Host check on)."""
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{app.config[PORT_KEY]}"
    finally:
        server.close()
        thread.join(timeout=30)


def pick(rows: list[dict[str, Any]], ret: str, **match: Any) -> dict[str, Any]:
    return next(r for r in rows if r["return"] == ret and all(r[k] == v for k, v in match.items()))


def item_url(base: str, row: dict[str, Any]) -> str:
    return f"{base}/item/{row['slug']}"


def set_name(page: Any, base: str, name: str) -> None:
    page.goto(base + "/")
    page.fill("#reviewer-name", name)
    page.click("header .reviewer button")
    assert page.input_value("#reviewer-name") == name


def type_and_save(page: Any, base: str, row: dict[str, Any], key: str, text: str) -> None:
    """Open the item, focus a box with its shortcut key, type, save with Enter and wait for the next item."""
    page.goto(item_url(base, row))
    page.keyboard.press(key)
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: row["slug"] not in url)


def test_review_a_season(browser: Any, results_dir: Path, tmp_path: Path) -> None:
    app = create_app(results_dir)
    with serve(app) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        set_name(page, base, "Lan")
        assert page.locator("#returns tbody tr").count() == 6
        queue = page.request.get(base + "/queue.json").json()

        page.goto(base + "/queue")
        assert page.locator("#queue tbody tr").count() == len(queue)
        shots = images_dir(tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "review-queue.png"))

        # correct a value: c focuses the value box, Enter saves and moves on
        failed = pick(queue, "f002_r004.docx", category="failed", field_id="plan.projects.budget")
        type_and_save(page, base, failed, "c", "12")

        # change a field id: f focuses the field id box
        unmatched = pick(queue, "f000_r001.docx", kind="unmatched")
        type_and_save(page, base, unmatched, "f", "contact.position")

        # mark one empty (e), accept one (a) and take it back with "undo last" (U)
        pdf = pick(queue, "f002_r001.pdf")
        page.goto(item_url(base, pdf))
        page.keyboard.press("e")
        page.wait_for_url(lambda url: pdf["slug"] not in url)
        accepted = next(r for r in queue if r["field_id"] and r["slug"] not in (failed["slug"], pdf["slug"]))
        page.goto(item_url(base, accepted))
        page.keyboard.press("a")
        page.wait_for_url(lambda url: accepted["slug"] not in url)
        page.keyboard.press("Shift+U")
        page.wait_for_url(lambda url: accepted["slug"] in url)
        assert page.locator("#decision").count() == 0

        # reload: the decisions are kept
        for row, decision, text in ((failed, "correct", "12"), (unmatched, "relabel", "contact.position"),
                                    (pdf, "empty", "—")):
            page.goto(item_url(base, row))
            page.reload()
            assert page.inner_text("#decision") == decision
            assert text in page.inner_text("#value") + page.inner_text("#field-id")
        assert "n" in page.get_attribute("#next-link", "data-key")

        # a PDF field with its page crop, for the README
        crop_row = next(r for r in queue if r["return"] == "f000_r017.pdf" and r["kind"] == "fields"
                        and any(x.startswith(("ambiguous", "unparsed")) for x in r["reasons"]))
        page.goto(item_url(base, crop_row))
        page.wait_for_function("document.querySelector('#crop').complete && "
                               "document.querySelector('#crop').naturalWidth > 300")
        page.screenshot(path=str(shots / "review-field-pdf.png"))
        page.close()

    out = tmp_path / "reviewed"
    res = CliRunner().invoke(main, ["export-reviewed", str(results_dir), "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    fixed = json.loads((out / "f002_r004.docx.json").read_text(encoding="utf-8"))["fields"][failed["index"]]
    assert (fixed["value"], fixed["review"]["action"], fixed["review"]["by"]) == (12, "correct", "Lan")
    docx = json.loads((out / "f000_r001.docx.json").read_text(encoding="utf-8"))
    validate(docx)
    moved = [f for f in docx["fields"] if f.get("review", {}).get("action") == "relabel"]
    assert [(f["field_id"], f["label"]) for f in moved] == [("contact.position", unmatched["label"])]
    pdf_out = json.loads((out / "f002_r001.pdf.json").read_text(encoding="utf-8"))
    emptied = pdf_out[pdf["kind"]][pdf["index"]]
    assert (emptied["value"], emptied["status"], emptied["review"]["action"]) == (None, "empty", "empty")
    undone = json.loads((out / f"{accepted['return']}.json").read_text(encoding="utf-8"))
    assert "review" not in undone[accepted["kind"]][accepted["index"]]


def test_injected_script_label_does_not_execute(browser: Any, results_dir: Path) -> None:
    path = results_dir / "f001_r016.docx.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    kind = "unmatched" if data["unmatched"] else "fields"
    data[kind][0]["label"] = evil
    data[kind][0]["raw"] = evil
    data[kind][0]["status"] = "review"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    app = create_app(results_dir, reviewer="An")
    with serve(app) as base:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for url in (f"/item/{data['source']['sha256']}/{kind}/0", "/queue"):
            page.goto(base + url)
            page.wait_for_load_state("load")
            assert page.evaluate("typeof window.__pwned") == "undefined"
        page.goto(base + f"/item/{data['source']['sha256']}/{kind}/0")
        assert page.inner_text("#label") == evil
        assert page.locator("main script, main img[src=x]").count() == 0
        assert dialogs == []
        page.close()


def test_concurrent_edit_is_reported(browser: Any, results_dir: Path) -> None:
    app = create_app(results_dir)
    store = app.extensions["review"]["store"]
    with serve(app) as base:
        one, two = browser.new_context(), browser.new_context()
        a, b = one.new_page(), two.new_page()
        set_name(a, base, "An")
        set_name(b, base, "Bình")
        row = a.request.get(base + "/queue.json").json()[0]
        url = item_url(base, row)
        a.goto(url)
        b.goto(url)  # both see version 0
        a.fill("#value-input", "first")
        a.click("#save-value")
        a.wait_for_url(lambda u: row["slug"] not in u)
        b.fill("#value-input", "second")
        b.click("#save-value")
        message = b.inner_text(".conflict")
        assert "An changed this item" in message and "not saved" in message
        from extractor.review.results import ItemKey

        now = store.current(ItemKey(row["sha256"], row["kind"], row["index"]))
        assert (now.value, now.by, now.version) == ("first", "An", 1)
        one.close()
        two.close()
