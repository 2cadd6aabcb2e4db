"""The extraction pipeline: reader → slots → matching → answers → confidence → Result."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from pathlib import Path

from extractor.answers import read_answer
from extractor.catalogue import Catalogue, load_catalogue
from extractor.confidence import (
    AMBIGUOUS_PREFIX,
    RUNNER_UP,
    Evidence,
    apply_doubts,
    consistency,
    doubts,
    empty_in_doubt,
    ocr_cap,
    score,
    status_of,
)
from extractor.coverage import NOT_FOUND, UNPLACED, missing_fields, unplaced_blocks, unplaced_text
from extractor.matching import FormGuess, Match, Matcher, detect_form
from extractor.model import Block, Document, Field, Result
from extractor.printed import Printed, load_printed
from extractor.readers import read
from extractor.repeats import several_returns
from extractor.slots import Slot, find_slots

DEFAULT_THRESHOLD = 0.9
# objects allocated (net) between two young collections of the cyclic garbage collector once a return has been
# extracted (Python's default: 700). A return allocates and frees far more than that, nearly all freed by
# reference counting (the pipeline makes no reference cycles): with the default, collections cost about a third
# of a DOCX return's CPU time, most of it walking the catalogue and caches that live as long as the process.
GC_YOUNG_THRESHOLD = 5000
# returns after each of which what is alive is frozen (`settle_gc`): a process's first returns fill its caches
# (texts scored, typed values read, rows remembered), which then live as long as it does
SETTLE_RETURNS = 32
# formats whose reader leaves next to no cyclic garbage (the DOCX reader's trees are freed by reference counting:
# ~2 objects a return in the 100 returns of the unseen-wording case), while pdfminer's page objects refer to each
# other (~500 objects a PDF return, ~12 MB of peak memory over 32 returns if frozen)
ACYCLIC_FORMATS = frozenset({"docx"})
_settled = 0


def settle_gc(fmt: str | None = None) -> None:
    """After a process's first return, the objects alive now (modules, catalogue, matching tables, caches) are
    frozen out of the garbage collector's walks (`gc.freeze`) and young collections made rarer. After each of
    the next returns up to the `SETTLE_RETURNS`th, what is alive is frozen again as long as every one of them
    was of a format whose reader leaves next to no cyclic garbage (`fmt` in `ACYCLIC_FORMATS`): first sights fill the
    caches, and the collector walked them for nothing (~20 passes, ~40 ms over 20 reworded DOCX returns). A
    return of another format ends it. Cyclic garbage made later is still collected. Nothing here changes a
    result."""
    global _settled
    if _settled >= SETTLE_RETURNS:
        return
    first, acyclic = _settled == 0, fmt in ACYCLIC_FORMATS
    if first or acyclic:
        gc.freeze()
    if first:
        young, *older = gc.get_threshold()
        if young:  # 0: the caller turned collection off; leave it so
            gc.set_threshold(max(young, GC_YOUNG_THRESHOLD), *older)
    _settled = _settled + 1 if acyclic else SETTLE_RETURNS


def settling() -> bool:
    """Will `settle_gc` freeze what is alive after the next return?"""
    return _settled < SETTLE_RETURNS


class Stopwatch:
    """CPU seconds spent in each stage, summed over the returns it timed (`extractor` benchmarks use it)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.process_time()

    def start(self) -> None:
        self._last = time.process_time()

    def lap(self, stage: str) -> None:
        """Charge the CPU time since the previous lap (or `start`) to `stage`."""
        now = time.process_time()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now


def extract_path(path: str | os.PathLike[str], catalogue: Catalogue | None = None,
                 threshold: float = DEFAULT_THRESHOLD, watch: Stopwatch | None = None) -> Result:
    """Read one return and extract every field; raises InputError for files that cannot be read."""
    if watch:
        watch.start()
    doc = read(Path(path))
    if watch:
        watch.lap("read")
    return extract_with_evidence(doc, catalogue, threshold, watch)[0]


def extract_document(doc: Document, catalogue: Catalogue | None = None,
                     threshold: float = DEFAULT_THRESHOLD) -> Result:
    """Every field of an already-read document."""
    return extract_with_evidence(doc, catalogue, threshold)[0]


def extract_with_evidence(doc: Document, catalogue: Catalogue | None = None,
                          threshold: float = DEFAULT_THRESHOLD, watch: Stopwatch | None = None
                          ) -> tuple[Result, list[tuple[Field, Evidence]]]:
    """The result, and the evidence behind each matched field (for calibration and debugging).

    With `watch`, the CPU time of each stage (slots, match, answers, confidence) is added to it."""
    lap = watch.lap if watch else _no_lap
    if watch:
        watch.start()
    cat = catalogue or load_catalogue()
    printed = load_printed()
    slots = find_slots(doc, cat.units, printed)
    lap("slots")
    headings = [b.text for b in doc.items if isinstance(b, Block) and b.bold]
    guess = detect_form(slots, headings, cat)
    matches = Matcher(cat).assign(slots, guess.id)
    lap("match")
    result, evidence = read_matches(doc, cat, printed, slots, headings, guess, matches, threshold, lap)
    settle_gc(doc.source.format)
    return result, evidence


def read_matches(doc: Document, cat: Catalogue, printed: Printed, slots: list[Slot], headings: list[str],
                 guess: FormGuess, matches: list[Match], threshold: float = DEFAULT_THRESHOLD,
                 lap: Callable[[str], None] | None = None) -> tuple[Result, list[tuple[Field, Evidence]]]:
    """The stages after matching: each matched slot's answer and confidence, the fields the form prints that
    no slot gave, the typed text no slot took; the result and the evidence behind each matched field. Reads
    its inputs only (it may run again on them)."""
    lap = lap or _no_lap
    specs = [cat.fields.get(m.field_id) if m.field_id else None for m in matches]
    answers = [read_answer(m.slot, spec, m.template) for m, spec in zip(matches, specs, strict=True)]
    lap("answers")
    values = {m.field_id: a.value for m, a in zip(matches, answers, strict=True) if m.field_id and m.row is None}
    fails = consistency(values, cat, guess.id)
    fields: list[Field] = []
    unmatched: list[Field] = []
    evidence: list[tuple[Field, Evidence]] = []
    form_confidence = guess.confidence
    doc_doubts = doc.doubts
    for m, a, spec in zip(matches, answers, specs, strict=True):
        s = m.slot
        if m.field_id is None and (a.raw is None or _printed_item(s.label, a.raw, printed)):
            continue  # nothing typed, or the blank form's own words (a note, a worked example)
        cands = [{"field_id": f, "score": sc} for f, sc in m.candidates[:3]]
        if m.field_id is None:
            label, raw = _review_label(s, a.raw)
            unmatched.append(Field(None, label, s.section, s.column, a.value, raw, a.unit, None, 0.0, "review",
                                   s.location, None, ["no field matched"], cands))
            continue
        type_ = spec.type if spec else None
        ev = Evidence(m, a, form_confidence, fails.get(m.field_id, []) if m.row is None else [])
        conf, reasons = score(ev)
        if s.location.get("ocr") is not None:  # read by OCR (`ocr_cap` leaves any other value as it is)
            conf, reasons = ocr_cap(conf, reasons, s.location, a, type_)
        found = doubts(a, doc_doubts, type_)
        status = status_of(a.value, a, conf, threshold)
        if status == "empty" and empty_in_doubt(ev):
            status, conf = "review", min(conf, round(threshold - 0.01, 4))
        if found:  # (`apply_doubts` changes nothing without one)
            conf, status = apply_doubts(conf, status, reasons, found, threshold)
        field = Field(m.field_id, s.label, s.section, s.column, a.value, a.raw, a.unit or (spec.unit if spec else None),
                      type_, conf, status, s.location, m.row, reasons, cands)
        fields.append(field)
        evidence.append((field, ev))
    _empty_runner_up_in_doubt(fields, threshold)
    if guess.id in cat.forms:  # a field the form prints that no slot gave: a reviewer looks for it
        for t in missing_fields(cat.forms[guess.id], (f.field_id for f in fields)):
            fields.append(Field(t.field, t.label, t.section, t.column, None, None, t.unit, t.type, 0.0, "review", {},
                                None, [NOT_FOUND, *doc.doubts]))
    if guess.id is not None:  # typed and printed text can be told apart only on a known form
        for block, above in unplaced_blocks(doc.items, slots, printed):
            label, text = unplaced_text(block, above)
            unmatched.append(Field(None, label, "", None, text, text, None, None, 0.0, "review",
                                   dict(block.location), None, [UNPLACED]))
    warnings = list(doc.warnings)
    several = several_returns(headings, cat.forms[guess.id].headings if guess.id in cat.forms else ())
    if several:
        warnings.append(several)
    result = Result(doc.source, guess.id, guess.confidence, fields, unmatched, warnings, guess.scores,
                    list(doc.repairs))
    lap("confidence")
    return result, evidence


def _empty_runner_up_in_doubt(fields: list[Field], threshold: float) -> None:
    """An empty field that another field's value was as close to (`ambiguous: <this field>`) is not known to be
    empty: the value may be its own, the two blanks told apart wrongly. A reviewer looks (reason `runner_up`)."""
    runners_up = {r.split()[1] for f in fields if f.value is not None for r in f.reasons
                  if r.startswith(AMBIGUOUS_PREFIX) and len(r.split()) > 1}
    for f in fields:
        if f.status == "empty" and f.field_id in runners_up and f.row is None:
            f.status, f.confidence = "review", min(f.confidence, round(threshold - 0.01, 4))
            f.reasons.append(RUNNER_UP)


def _printed_item(label: str, raw: str, printed: Printed) -> bool:
    """Is an unmatched slot the blank form's own words: its label and text a piece of a printed line (`Ghi chú:
    Số liệu phần này tính đến …`), or its text a whole printed line with words? A typed number never is."""
    return printed.in_printed(f"{label} {raw}") or (any(ch.isalpha() for ch in raw) and printed.is_printed(raw))


def _review_label(slot: Slot, raw: str) -> tuple[str, str]:
    """Label and text of a review item no field matched, as the reviewer needs them. A slot "label" without a
    letter is no label but what the clerk typed before the blank (`236 ….. máy` in a table cell): the item
    shows that text whole, named by the row's label or the question the slot answers."""
    if any(ch.isalpha() for ch in slot.label):
        return slot.label, raw
    name = next((t for t in (slot.row_label, slot.context) if t and any(ch.isalpha() for ch in t)), "")
    typed = " ".join(slot.label.split())
    if not name or not typed:
        return slot.label, raw
    return name, typed if raw in typed else f"{typed} {raw}"


def _no_lap(stage: str) -> None:
    pass
