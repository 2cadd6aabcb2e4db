"""The review web app (Flask, server-rendered Jinja templates, a little vanilla JS for shortcuts).

    create_app(results_dir, db_path, reviewer=, token=, overlay=, source_roots=) -> Flask

Pages: ``/`` returns list, ``/queue`` review queue (lowest confidence first), ``/return/<sha>`` one return's
fields, ``/item/<sha>/<kind>/<i>`` one field with its source; JSON twins ``/returns.json``, ``/queue.json``,
``/item/…/<i>.json``. Every state change is a POST checked by Flask-WTF's CSRF token. Document text is
untrusted: templates autoescape everything and the Content-Security-Policy allows no inline script.
With a `token`, every request must carry it (``?token=`` once per browser session, or the
``X-Review-Token`` header).
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.wrappers import Response as BaseResponse

from extractor.catalogue import Catalogue, load_catalogue
from extractor.errors import ConflictError, ReviewError
from extractor.review import source_view
from extractor.review.learn import save_alias
from extractor.review.results import KINDS, ItemKey, ResultSet, load_results
from extractor.review.server import HOSTS_KEY, PORT_KEY, HostGuard, host_names
from extractor.review.store import NONE, Store
from extractor.review.validate import HINTS, option_choices, parse_input
from extractor.review.views import current, field_detail, item_row, queue, return_row

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def create_app(results_dir: str | Path, db_path: str | Path | None = None, *, reviewer: str | None = None,
               token: str | None = None, overlay: str | Path | None = None,
               source_roots: tuple[Path, ...] = (), secret_key: str | None = None,
               catalogue: Catalogue | None = None, hosts: Iterable[str] = (), port: int | None = None) -> Flask:
    """The review app over the results in `results_dir`, decisions in `db_path` (default DIR/review.sqlite),
    learnt aliases in `overlay` (default DIR/patterns-overlay). It answers only to the loopback names and
    `hosts`, on `port` (any port while None; `server.make_server` sets the one it listens on)."""
    root = Path(results_dir)
    if not root.is_dir():
        raise ReviewError("results folder not found", path=str(root))
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_hex(32), SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True, WTF_CSRF_TIME_LIMIT=None, REVIEWER=reviewer, REVIEW_TOKEN=token or None)
    app.config.update({HOSTS_KEY: host_names(hosts), PORT_KEY: port})
    app.wsgi_app = HostGuard(app.wsgi_app, app.config)  # type: ignore[method-assign]
    CSRFProtect(app)
    results = load_results(root)
    store = Store(Path(db_path) if db_path else root / "review.sqlite")
    cat = catalogue or load_catalogue()
    overlay_dir = Path(overlay) if overlay else root / "patterns-overlay"
    roots = (root, *[Path(r) for r in source_roots], Path.cwd())
    app.extensions["review"] = {"results": results, "store": store, "overlay": overlay_dir}

    @app.before_request
    def check_token() -> Any:
        expected = app.config["REVIEW_TOKEN"]
        if not expected or session.get("token_ok"):
            return None
        given = request.headers.get("X-Review-Token") or request.args.get("token") or ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return Response("403: this review server needs its access token (?token=…)\n", 403,
                            mimetype="text/plain")
        if request.args.get("token"):
            session["token_ok"] = True
        return None

    @app.after_request
    def headers(resp: BaseResponse) -> BaseResponse:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        return resp

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str, int]:
        return render_template("error.html", message=f"Request refused: {exc.description}"), 400

    @app.context_processor
    def globals_() -> dict[str, Any]:
        return {"reviewer": who(), "skipped": results.skipped, "failed_inputs": results.failed_inputs,
                "twin": twin_url()}

    def twin_url() -> str | None:
        """The JSON twin of the page being rendered (endpoint X_page -> X_json), None for other endpoints."""
        endpoint = request.endpoint or ""
        twin = endpoint.removesuffix("_page") + "_json"
        if not endpoint.endswith("_page") or twin not in app.view_functions:
            return None
        query = {k: v for k, v in request.args.items() if k != "token"}
        return url_for(twin, **(request.view_args or {}), **query)

    def who() -> str | None:
        return session.get("reviewer") or app.config["REVIEWER"]

    def ret_or_404(sha: str) -> Any:
        ret = results.get(sha)
        if ret is None:
            abort(404)
        return ret

    def key_or_404(sha: str, kind: str, idx: int) -> ItemKey:
        key = ItemKey(sha, kind, idx)
        if kind not in KINDS or results.item(key) is None:
            abort(404)
        return key

    def neighbours(key: ItemKey) -> tuple[str | None, str | None]:
        """(previous item in the queue, next undecided item after this one)."""
        rows = queue(results, store.all_current(), include_done=True)
        slugs = [r["slug"] for r in rows]
        pos = slugs.index(key.slug) if key.slug in slugs else -1
        prev = rows[pos - 1]["slug"] if pos > 0 else None
        later = rows[pos + 1:] + rows[:max(pos, 0)]
        nxt = next((r["slug"] for r in later if not r["decision"] and r["slug"] != key.slug), None)
        return prev, nxt

    # ── pages ────────────────────────────────────────────────────────────────────────────────────────
    @app.get("/")
    def returns_page() -> str:
        return render_template("returns.html", rows=_returns(results, store))

    @app.get("/returns.json")
    def returns_json() -> Response:
        return jsonify(_returns(results, store))

    @app.get("/queue")
    def queue_page() -> str:
        include = request.args.get("all") == "1"
        return render_template("queue.html", rows=queue(results, store.all_current(), include), include=include)

    @app.get("/queue.json")
    def queue_json() -> Response:
        return jsonify(queue(results, store.all_current(), request.args.get("all") == "1"))

    @app.get("/return/<sha>")
    def return_page(sha: str) -> str:
        ret = ret_or_404(sha)
        decisions = store.all_current()
        items = [item_row(ret, k, ret.field(k.kind, k.index), decisions.get(k, NONE)) for k in ret.item_keys()]
        doc = decisions.get(ItemKey(sha, "return", 0), NONE)
        return render_template("return.html", ret=return_row(ret, decisions), items=items, doc=doc)

    @app.get("/return/<sha>.json")
    def return_json(sha: str) -> Response:
        ret = ret_or_404(sha)
        decisions = store.all_current()
        doc = decisions.get(ItemKey(sha, "return", 0), NONE)
        return jsonify(return_row(ret, decisions) | {
            "source_path": ret.source_path,
            "decision": {"state": doc.state, "by": doc.by, "at": doc.at, "version": doc.version},
            "items": [item_row(ret, k, ret.field(k.kind, k.index), decisions.get(k, NONE))
                      for k in ret.item_keys()]})

    @app.get("/item/<sha>/<kind>/<int:idx>.json")
    def item_json(sha: str, kind: str, idx: int) -> Response:
        key = key_or_404(sha, kind, idx)
        return jsonify(field_detail(ret_or_404(sha), key, store.current(key)) | {"history": store.history(key)})

    @app.get("/item/<sha>/<kind>/<int:idx>")
    def item_page(sha: str, kind: str, idx: int) -> str:
        key = key_or_404(sha, kind, idx)
        ret = ret_or_404(sha)
        d = store.current(key)
        item = field_detail(ret, key, d)
        source_html, context, source_error = None, "", None
        try:
            if not item["location"]:  # a field of the form no slot of the return gave (reason not_found)
                raise ReviewError("not found in this return: the form asks for it, but no answer to it was located;"
                                  " look for it in the document")
            path = source_view.find_source(ret.source_path, sha, roots)
            if ret.format in ("pdf", "image"):  # an image is a scan: cropped like a scanned PDF
                context = source_view.pdf_context(path, item["location"])
            else:
                view = source_view.docx_view(path, item["location"])
                source_html, context = view.html, view.context
        except ReviewError as exc:
            source_error = str(exc)
        spec = cat.fields.get(item["field_id"]) if item["field_id"] else None
        prev, nxt = neighbours(key)
        return render_template(
            "item.html", item=item, ret=return_row(ret, store.all_current()), source_html=source_html,
            context=context, source_error=source_error, choices=option_choices(spec, item["type"]),
            hint=HINTS.get(item["type"] or "text", ""), field_ids=sorted(cat.fields), prev=prev, next=nxt,
            history=store.history(key), doc=store.current(ItemKey(sha, "return", 0)),
            current_json=_choice_json(item["current_value"]))

    @app.get("/source/<sha>/<kind>/<int:idx>.png")
    def source_png(sha: str, kind: str, idx: int) -> Response:
        key = key_or_404(sha, kind, idx)
        ret = ret_or_404(sha)
        try:
            path = source_view.find_source(ret.source_path, sha, roots)
            png = source_view.pdf_crop_png(path, results.item(key)["location"])
        except ReviewError as exc:
            return Response(str(exc), 404, mimetype="text/plain")
        return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})

    # ── actions ──────────────────────────────────────────────────────────────────────────────────────
    @app.post("/reviewer")
    def set_reviewer() -> BaseResponse:
        name = " ".join((request.form.get("name") or "").split())[:80]
        if name:
            session["reviewer"] = name
        return redirect(request.form.get("next") or url_for("queue_page"), 303)

    @app.post("/item/<sha>/<kind>/<int:idx>")
    def item_action(sha: str, kind: str, idx: int) -> Any:
        key = key_or_404(sha, kind, idx)
        ret = ret_or_404(sha)
        f = ret.field(kind, idx)
        action = request.form.get("action", "")
        by = who()
        here = url_for("item_page", sha=sha, kind=kind, idx=idx)
        if not by:
            flash("Enter your name (top right) before deciding: every decision records who made it.", "error")
            return redirect(here, 303)
        try:
            seen = int(request.form.get("version", ""))
        except ValueError:
            abort(400)
        d = store.current(key)
        shown = current(f, d) if d.version == seen else current(f, NONE)
        try:
            if action == "undo":
                store.undo(key, seen_version=seen, by=by, shown=shown)
                session["last"] = key.slug
                flash("Undone.", "info")
                return redirect(here, 303)
            value, fid = _decision_value(action, f, request.form, cat, shown)
            store.decide(key, action, seen_version=seen, by=by, value=value, field_id=fid, shown=shown)
            session["last"] = key.slug
            if action == "relabel" and request.form.get("alias") and f["label"].strip():
                if save_alias(overlay_dir, f["label"], fid, cat):
                    store.add_alias(f["label"], fid, str(overlay_dir), by)
                flash(f"Saved “{f['label']}” as a label of {fid} in {overlay_dir}.", "info")
        except ConflictError as exc:
            now = store.current(key)
            return render_template("conflict.html", message=str(exc), item=field_detail(ret, key, now),
                                   back=here), 409
        except ReviewError as exc:
            flash(exc.message, "error")
            return redirect(here, 303)
        _prev, nxt = neighbours(key)
        return redirect(url_for("item_page", **_slug_args(nxt)) if nxt else url_for("queue_page"), 303)

    @app.post("/return/<sha>")
    def return_action(sha: str) -> Any:
        ret_or_404(sha)
        key = ItemKey(sha, "return", 0)
        by = who()
        back = request.form.get("next") or url_for("return_page", sha=sha)
        if not by:
            flash("Enter your name (top right) before deciding.", "error")
            return redirect(back, 303)
        action = request.form.get("action", "")
        try:
            seen = int(request.form.get("version", ""))
        except ValueError:
            abort(400)
        try:
            if action == "undo":
                store.undo(key, seen_version=seen, by=by)
            else:
                store.decide(key, action, seen_version=seen, by=by)
            session["last"] = key.slug
        except ConflictError as exc:
            return render_template("error.html", message=str(exc)), 409
        except ReviewError as exc:
            flash(exc.message, "error")
        flash("Return marked as not a form." if action == "not_a_form" else "Return decision changed.", "info")
        return redirect(url_for("queue_page") if action == "not_a_form" else back, 303)

    @app.post("/undo-last")
    def undo_last() -> Any:
        by, slug = who(), session.get("last")
        if not by or not slug:
            flash("Nothing to undo in this session.", "error")
            return redirect(url_for("queue_page"), 303)
        sha, kind, idx = slug.split("/")
        key = ItemKey(sha, kind, int(idx))
        try:
            store.undo(key, seen_version=store.current(key).version, by=by)
            flash("Undone your last decision.", "info")
        except ReviewError as exc:
            flash(exc.message, "error")
        if kind == "return":
            return redirect(url_for("return_page", sha=sha), 303)
        return redirect(url_for("item_page", sha=sha, kind=kind, idx=int(idx)), 303)

    return app


def _slug_args(slug: str) -> dict[str, Any]:
    sha, kind, idx = slug.split("/")
    return {"sha": sha, "kind": kind, "idx": int(idx)}


def _returns(results: ResultSet, store: Store) -> list[dict[str, Any]]:
    decisions = store.all_current()
    rows = [return_row(r, decisions) for r in results.returns.values()]
    return sorted(rows, key=lambda r: (bool(r["superseded_by"]), r["agency"].casefold(), r["name"]))


def _choice_json(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [json.dumps(v, ensure_ascii=False) for v in values if v is not None]


def _decision_value(action: str, f: dict[str, Any], form: Any, cat: Catalogue,
                    shown: tuple[Any, str | None]) -> tuple[Any, str | None]:
    """The (value, field id) an action sets, validated by the field's type."""
    fid = shown[1]
    if action == "accept":
        if not fid:
            raise ReviewError("this slot has no field id: choose one (f) instead of accepting")
        return shown[0], fid
    if action == "empty":
        return None, fid
    if action == "correct":
        spec = cat.fields.get(fid) if fid else None
        return parse_input(form.getlist("value"), spec.type if spec else f["type"], spec), fid
    if action == "relabel":
        new = (form.get("field_id") or "").strip()
        spec = cat.fields.get(new)
        if spec is None:
            raise ReviewError(f"field id {new!r} is not in the catalogue")
        typed = [v for v in form.getlist("value") if v.strip()]
        if typed:
            return parse_input(typed, spec.type, spec), new
        if shown[0] is not None and f["type"] == spec.type:
            return shown[0], new
        try:  # no value typed: read the slot's text as the new field's type
            return parse_input([f["raw"] or ""], spec.type, spec), new
        except ReviewError as exc:
            raise ReviewError(f"the text {f['raw']!r} does not read as {spec.type} for {new}: type the value "
                              f"too ({exc.message})") from None
    raise ReviewError(f"unknown action {action!r}")
