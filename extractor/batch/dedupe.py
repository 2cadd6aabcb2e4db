"""Which copy of a file is kept, and which returns are corrected resends — decided only on strong evidence.

    kept_copies(items) -> {sha256: Item}             the copy kept of each content (richest provenance first)
    decide(known, by_sender) -> Decision              superseded and possible resends
    reconcile(results, known, by_sender) -> (Decision, {sha256 whose result changed})

A return is **superseded** (``superseded_by`` = the newest's sha256 in its result JSON) only when

- it has the same form **and** the same agency *read from the return itself* as a newer one; or
- its agency is unknown and it came by e-mail from the same sender address as a newer one of the same form,
  each the only such return of its message (``by_sender``, `patterns/batch.yaml` ``resend_by_sender``);

and the newer one is *strictly* later (message date, else file time) and the only latest. Attachments of
one message (or entries of one archive) — one *parcel* — are never resends of each other; a tie in time is
never broken by anything else. What is left uncertain (equal times, several candidates in one message, a
time unknown) is kept, and each of those returns lists the others in ``possible_resend_of`` for the
report's checks (`extractor.report.checks`): nothing is dropped on a guess.

Two files holding the same return (a DOCX and its PDF export: the same form and every filled value equal,
at least ``same_values_min_filled`` of them) count once: the DOCX is kept and the other superseded by it —
no value is lost. Identical files (same sha256) are not resends either: the batch reports them as
``duplicate`` before extraction.
Running `reconcile` again changes nothing: it is how a run that was killed before this step finishes it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from extractor.batch.sources import Item
from extractor.batch.work import load_valid, result_path
from extractor.output import write_data


@dataclass
class Known:
    """What reconciliation needs to know about one result."""

    sha256: str
    form: str | None
    agency: str | None  # read from the return (folded), never the sender
    received: str | None  # UTC ISO 8601: message date, else file time
    sender: str | None = None  # the e-mail address of the message that carried it
    parcel: str | None = None  # the message (or archive) it came in; None for a loose file
    values_key: str | None = None  # equal for results holding the same values (`extractor.batch.work`)
    format: str | None = None
    review: int = 0  # fields to review
    name: str = ""  # the manifest's input


@dataclass
class Decision:
    """Older return → the newest that replaces it; uncertain return → the others it may be a resend of."""

    superseded: dict[str, str] = field(default_factory=dict)
    possible: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    same: set[str] = field(default_factory=set)  # superseded because another file holds the same values


def richness(item: Item) -> int:
    """How much a copy says about where it came from: 2 an e-mail attachment (sender, subject, date), 1 an
    archive entry, 0 a loose file."""
    prov = item.provenance
    return 2 if prov.sender or prov.subject or prov.date else 1 if prov.container else 0


def kept_copies(items: list[Item]) -> dict[str, Item]:
    """sha256 → the copy kept of each content: the richest provenance (`richness`), else the first met.

    Items already decided (failed, ignored) and items without a hash are left out."""
    kept: dict[str, Item] = {}
    for item in items:
        if item.status is None and item.sha256:
            best = kept.get(item.sha256)
            if best is None or richness(item) > richness(best):
                kept[item.sha256] = item
    return kept


def sender_address(sender: str | None) -> str | None:
    """``Name <a@b>`` → ``a@b`` (lower case); None when there is no address."""
    address = parseaddr(sender)[1].strip().lower() if sender else ""
    return address if "@" in address else None


def _settle(members: list[Known], one_per_parcel: bool, out: Decision) -> None:
    """Within one group of candidates: the older ones superseded by the only latest, the rest uncertain."""
    parcels = Counter(m.parcel for m in members if m.parcel)
    newest = None
    if all(m.received for m in members):
        latest = max(m.received for m in members)  # type: ignore[type-var]
        at_latest = [m for m in members if m.received == latest]
        if len(at_latest) == 1 and (not at_latest[0].parcel or parcels[at_latest[0].parcel] == 1):
            newest = at_latest[0]
    uncertain = []
    for m in members:
        if m is newest:
            continue
        alone = not one_per_parcel or not m.parcel or parcels[m.parcel] == 1
        if newest is not None and alone and m.received < newest.received:  # type: ignore[operator]
            out.superseded[m.sha256] = newest.sha256
        else:
            uncertain.append(m)
    if uncertain:
        circle = [*uncertain, newest] if newest is not None else uncertain
        for m in circle:
            out.possible[m.sha256] |= {o.sha256 for o in circle if o is not m}


def _same_values(known: list[Known], out: Decision) -> list[Known]:
    """Results holding the same values are one return: keep the DOCX, else the one with fewer fields to
    review, else the first by input name; the others are superseded by it. Returns the results kept."""
    by_key: dict[tuple[str, str], list[Known]] = defaultdict(list)
    for k in known:
        if k.form and k.values_key:
            by_key[(k.form, k.values_key)].append(k)
    for members in by_key.values():
        if len(members) > 1:
            keep = min(members, key=lambda k: (k.format != "docx", k.review, k.name))
            for k in members:
                if k is not keep:
                    out.superseded[k.sha256] = keep.sha256
                    out.same.add(k.sha256)
    return [k for k in known if k.sha256 not in out.same]


def decide(known: list[Known], by_sender: bool = True) -> Decision:
    """Superseded and possibly resent returns among `known` (see the module docstring)."""
    by_agency: dict[tuple[str, str], list[Known]] = defaultdict(list)
    by_address: dict[tuple[str, str], list[Known]] = defaultdict(list)
    out = Decision()
    for k in _same_values(known, out):
        if not k.form:
            continue
        if k.agency:
            by_agency[(k.form, k.agency)].append(k)
        elif by_sender and sender_address(k.sender):
            by_address[(k.form, sender_address(k.sender))].append(k)  # type: ignore[index]
    for members in by_agency.values():
        if len(members) > 1:
            _settle(members, False, out)
    for members in by_address.values():
        if len(members) > 1:
            _settle(members, True, out)
    for sha in out.same:  # the copy kept may itself be replaced by a later return: point at the current one
        while out.superseded.get(out.superseded[sha]):
            out.superseded[sha] = out.superseded[out.superseded[sha]]
    return out


def reconcile(results: Path, known: list[Known], by_sender: bool = True) -> tuple[Decision, set[str]]:
    """Write the decision into the results: ``superseded_by`` and ``possible_resend_of`` set where they apply
    and removed where they no longer do. Rewrites (atomically) only the result files that change; returns the
    decision and the sha256 of the results rewritten."""
    decision = decide(known, by_sender)
    changed: set[str] = set()
    for k in known:
        target = decision.superseded.get(k.sha256)
        possible = sorted(decision.possible.get(k.sha256, ()))
        path = result_path(results, k.sha256)
        data = load_valid(path)
        if data is None or (data.get("superseded_by") == target and data.get("possible_resend_of", []) == possible):
            continue
        data.pop("superseded_by", None)
        data.pop("possible_resend_of", None)
        if target:
            data["superseded_by"] = target
        if possible:
            data["possible_resend_of"] = possible
        write_data(data, path)
        changed.add(k.sha256)
    return decision, changed
