"""The blank forms' printed text: what a return shows that the clerk did not type.

`patterns/printed/<form>.yaml` lists each known form's printed lines (paragraphs and table cells, as the
blank form has them, dotted leaders kept). They are generated from the blank forms by
`python -m extractor.printed BLANK... --form-id ID` (DOCX/PDF through the readers, or a plain-text export one
line per paragraph or cell) and used for two things:

- text identical to the blank form (notes, row numbers, `Kính gửi`, formulas, worked examples) is never a
  value nor a review item;
- a line that is *not* printed text but starts (or ends) like a printed line that had a blank holds a typed
  value: the difference between the two is the value (`… của cơ quan1026/3238`, `năm sinh 28/2/1978`,
  `Chức vụ: Trưởng phòng …….`, `Thư điện tử: ……abc@sotttt.gov.vn`).

Keys are folded (no tones, lower case), with leaders, checkbox glyphs, numbering punctuation and spacing
removed, so the comparison survives retyped tones, spacing and dot runs.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import regex
from rapidfuzz import fuzz, process

from extractor import compiled
from extractor.blanks import LEADER, close_pair
from extractor.blanks import _is_ellipsis as is_ellipsis
from extractor.compiled import regex_compile
from extractor.text.normalize import WHITESPACE, fold, nfc
from extractor.yamlfile import load_text

PRINTED_DIR = Path(__file__).resolve().parent.parent / "patterns" / "printed"
# `(?:[.…_‥⋯]\s?){2,}|[…‥⋯]` matched a run at a time (see `blanks.LEADER`): the same matches
_LEADER = regex_compile(r"[.…_‥⋯](?:[.…_‥⋯]++|\s[.…_‥⋯])++\s?|[…‥⋯]")
_MARK_CHARS = "☐☑☒▢□■◻◼❑❒✓✔✗✘"
_MARKS = regex_compile(f"[{_MARK_CHARS}\uf020-\uf0ff]")
_NOISE_CHARS = " \t\n\u00a0\\-–—+*•:;,.()\\[\\]?!\"'“”"
_NOISE = regex_compile(f"[{_NOISE_CHARS}]+")
# the characters `_NOISE` matches, each deleted by `str.translate` (a regex sub costs ~4x more)
_NOISE_DELETED = {ord(c): None for c in _NOISE_CHARS if _NOISE.fullmatch(c)}
_NOISE_BYTES = bytes(sorted(k for k in _NOISE_DELETED if k < 128))  # its ASCII characters, for `bytes.translate`
_KEPT_RUN = re.compile(f"[^{_NOISE_CHARS}]+")  # (a literal class: `re` runs it at 60% of `regex`'s cost)
_TRIM = " \t\u00a0:;,.…_-"
_LABEL_COLON = regex_compile(r"[\p{L})]\s*:(?!//)")
_NUMBERING = regex_compile(r"(?:\s*(?:(?:\d{1,2}(?:\.\d{1,2})*|[ivx]{1,4}|[a-zđ])[.)]|[-+•*–])(?=\s|\d|$))+")
_LABEL_END = regex_compile(r"[\p{L})]\s*:\s*$")  # a label line whose blank is the next line or was never drawn
_VALUE_START = regex_compile(r"(?<=[\p{Ll})][ \t]+)\p{Lu}")  # a capital after a lower-case word
_MIN_LABEL = 5  # key characters of the words a spaced value follows ("hoten")
SPACED_LABEL_RATIO = 80  # rapidfuzz ratio of keys at which words typed before a value are a printed label
_MIN_HEAD = 4  # key characters a printed head needs to anchor a line ("adsl")
_SHORT_TAIL = 12  # key characters of a tail (a unit) the clerk may type over
_SUB_LABEL_WORDS = 4  # words of a sub-label a separator brings in between two blanks (`, chuyên ngành`)


@functools.lru_cache(maxsize=65536)
def line_key(text: str) -> str:
    """The comparison key of one printed or typed line: folded, leaders/boxes/punctuation/spaces removed."""
    masked = _masked(text)
    if masked.isascii():  # (most folded lines) the same deletions as bytes, at half the cost of `str.translate`
        return masked.encode("ascii").translate(None, _NOISE_BYTES).decode("ascii")
    return masked.translate(_NOISE_DELETED)


@functools.lru_cache(maxsize=64)
def _masked(text: str) -> str:
    """`text` folded, with leaders, boxes and leading numbering blanked out (same length as NFC `text`). The last
    few are remembered: a line's key is asked for (`is_printed`) just before its key positions (`align`)."""
    folded = masked = fold(text)
    plain = folded.isascii()  # (most folded lines: no mark, and no leader but of dots or underscores)
    if (not plain and _may_lead_wide(folded)) or close_pair(folded, "._"):  # (`_LEADER`: see `blanks._may_lead`)
        masked = _LEADER.sub(_spaces, masked)
    if not plain and max(folded) >= _FIRST_MARK:
        masked = _MARKS.sub(_spaces, masked)
    numbering = _NUMBERING.match(masked) if _may_number(masked) else None  # "3.", "1.2.", "a)", "-": not words
    if numbering:
        masked = " " * numbering.end() + masked[numbering.end():]
    return masked


def _may_lead_wide(text: str) -> bool:
    """Can `_LEADER` match `text` by a `…`, `‥` or `⋯` (each a match, or part of one)? Else a match is two of `._`
    with at most one `\\s` character between them (`blanks.close_pair`)."""
    return "…" in text or "‥" in text or "⋯" in text


# the lowest character `_MARKS` matches (■, U+25A0): a text whose highest character is below it holds none
_FIRST_MARK = min(_MARK_CHARS + "\uf020")
# what a `_NUMBERING` match can begin with once its `\s*` took the white space: a digit (`\d`: any decimal
# digit, which `str.isdigit` takes too), a lower-case letter of `[ivx]` or `[a-zđ]`, a bullet
_NUMBER_STARTS = frozenset("abcdefghijklmnopqrstuvwxyzđ-+•*–")


def _may_number(masked: str) -> bool:
    """False when `_NUMBERING` cannot match at the start of `masked`: past its spaces and tabs, the first character
    neither begins an alternative nor is white space of any kind (`\\s` may take more than spaces and tabs)."""
    rest = masked.lstrip(" \t")
    c = rest[:1]
    if c.isalpha() and c != "đ":  # `[ivx]{1,4}` or `[a-zđ]`, then `[.)]`: after the letters of `ivx` (four at most)
        k = 1
        while k < 5 and rest[k:k + 1] in _ROMAN:
            k += 1
        return rest[k:k + 1] in _CLOSE_NUMBER and c in _NUMBER_STARTS
    return bool(c) and (c in _NUMBER_STARTS or c.isdigit() or c.isspace() or c in WHITESPACE)


_ROMAN = frozenset("ivx")
_CLOSE_NUMBER = frozenset(".)")


def _spaces(m: regex.Match[str]) -> str:
    return " " * len(m.group())


def _key_and_positions(text: str) -> tuple[str, list[int]]:
    """The key of NFC `text` and, for each key character, its position in `text` (folding keeps positions)."""
    return line_key(text), _positions(text)


def _positions(text: str) -> list[int]:
    """For each character of `line_key(text)` (NFC `text`), its position in `text`: the kept characters come in
    runs (words), each run's positions a range."""
    keep: list[int] = []
    for m in _KEPT_RUN.finditer(_masked(text)):
        keep.extend(range(m.start(), m.end()))
    return keep


@dataclass(frozen=True)
class Blank:
    """Where a printed line's blank sits in a typed line, and what was typed there."""

    start: int
    end: int
    raw: str


@dataclass(frozen=True, eq=False)
class Printed:
    """Every known form's printed lines, as keys, with the blanks they had."""

    lines: frozenset[str]  # keys of whole printed lines (leaders and all)
    text: str  # every key, one a line: a typed piece is printed text when it is a substring
    heads: dict[str, tuple[tuple[str, ...], ...]]  # first words' key → the pieces between blanks, per line
    head_lengths: tuple[int, ...]  # the lengths of the head keys, longest first
    # the first key characters of every head → the lengths of the heads that begin so, longest first: a quick "no",
    # and the only lengths worth a look-up (a head of another length begins otherwise)
    starts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # folded labels a separator brings in between two blanks of a printed line (`……, chuyên ngành……`)
    sub_labels: frozenset[str] = frozenset()
    labels: tuple[str, ...] = ()  # keys of the words before a line's first blank or final colon: the labels

    def is_printed(self, text: str) -> bool:
        """Is `text` a whole printed line (or nothing but leaders, boxes and punctuation)?"""
        key = line_key(text)
        return not key or key in self.lines

    def in_printed(self, text: str) -> bool:
        """Is `text` printed words: a piece of some printed line (or empty once leaders are removed)?"""
        return _in_printed(self, line_key(text))

    def align(self, text: str, spaced: bool = False) -> list[Blank] | None:
        """See `_align` (remembered per line: the printed lines of a form come back in every return)."""
        found = _align(self, text, spaced)
        return list(found) if found is not None else None

    def _align(self, text: str, spaced: bool = False) -> list[Blank] | None:
        """The blanks of the printed line that `text` (NFC, not itself printed) was typed over: each blank
        spans what lies between the printed words around it. None when no printed line with blanks begins
        like `text` and has its other printed words in order. With `spaced`, a value may follow its label's
        words and a space alone when it starts with a capital (`, chuyên ngành Kỹ sư …`, colon and dots
        deleted); without, words after words are a heading's."""
        key = line_key(text)
        lengths = self.starts.get(key[:_MIN_HEAD])
        if lengths is None:
            return None
        pos: list[int] | None = None  # the key's positions in `text`, worked out for the first head found
        for n in lengths:
            if n > len(key):
                continue
            entries = self.heads.get(key[:n])
            if not entries:
                continue
            if pos is None:
                pos = _positions(text)
            for pieces in entries:
                found = _match(key, pieces, _Boundaries(text, pos))
                if found is None:
                    continue
                blanks = [_blank(text, pos, a, b) for a, b in found]
                if all(_fits(text, b, spaced) for b in blanks):
                    return blanks
        return None


@dataclass(frozen=True)
class _Boundaries:
    """A line's key text and the positions in the line its characters come from."""

    text: str
    pos: list[int]

    def word_start(self, at: int) -> bool:
        """Does key position `at` begin a word of the text (printed words are not found inside a word)?"""
        p = self.pos[at] if at < len(self.pos) else len(self.text)
        return p == 0 or not (self.text[p - 1].isalpha() and self.text[p].isalpha())


def _match(key: str, pieces: tuple[str, ...], bounds: _Boundaries) -> list[tuple[int, int]] | None:
    """Key ranges of the blanks between `pieces` (the first is the head, at the start of `key`)."""
    cursor = len(pieces[0])
    spans: list[tuple[int, int]] = []
    last = len(pieces) - 1
    for k, piece in enumerate(pieces[1:], start=1):
        if k == last:
            if not piece or not key.endswith(piece) or len(key) - len(piece) < cursor \
                    or not bounds.word_start(len(key) - len(piece)):
                if piece and len(piece) > _SHORT_TAIL:
                    return None  # the words after the blank are missing: another line
                spans.append((cursor, len(key)))  # a short tail (a unit) the clerk typed over
            else:
                spans.append((cursor, len(key) - len(piece)))
            return spans
        at = key.find(piece, cursor)
        while at >= 0 and not bounds.word_start(at):
            at = key.find(piece, at + 1)
        if at < 0:
            return None
        spans.append((cursor, at))
        cursor = at + len(piece)
    return spans


@functools.lru_cache(maxsize=65536)
def _in_printed(printed: Printed, key: str) -> bool:
    return not key or key in printed.lines or key in printed.text


@functools.lru_cache(maxsize=16384)
def _align(printed: Printed, text: str, spaced: bool = False) -> tuple[Blank, ...] | None:
    found = printed._align(text, spaced)
    return tuple(found) if found is not None else None


@functools.lru_cache(maxsize=16384)
def spaced_label(printed: Printed, text: str) -> int | None:
    """Where the value starts in a line typed as a label's words, a space and a value (colon and dots deleted:
    `Họ tên Hồ Văn Khánh`, `2. Người báo cáo Dương Minh Tuấn`): at a capital after a lower-case word,
    the words before being one of the printed labels, reworded at most slightly (`Họ tên` for `Họ và tên:`);
    the best such place, the earliest of equals. None when there is none."""
    places: list[int] = []
    keys: list[str] = []
    for m in _VALUE_START.finditer(text):
        key = line_key(text[:m.start()])
        if len(key) >= _MIN_LABEL:
            places.append(m.start())
            keys.append(key)
    if not keys or not printed.labels:
        return None
    # every place's words against every label in one call: each row's best is `extractOne`'s score (scores below the
    # cutoff are 0, the cutoff is above 0), the first row of the highest best the earliest of equals
    best = process.cdist(keys, printed.labels, scorer=fuzz.ratio, score_cutoff=SPACED_LABEL_RATIO, workers=1,
                         dtype=np.float64).max(axis=1)
    k = int(best.argmax())
    return places[k] if best[k] >= SPACED_LABEL_RATIO else None


@functools.lru_cache(maxsize=16384)
def label_score(printed: Printed, text: str) -> float:
    """How close `text` is to the printed label it is most like (rapidfuzz ratio of keys, 0–100): a reworded label
    scores ~75 and up, a typed name or agency (`UBND phường`, `Sở Y tế`) ~45–60."""
    found = process.extractOne(line_key(text), printed.labels, scorer=fuzz.ratio)
    return found[1] if found is not None else 0.0


def _fits(text: str, blank: Blank, spaced: bool = False) -> bool:
    """A blank that does not cut a word in two and holds no label of its own (`đang sử dụng: 5` after the
    head `Số máy chủ` is another line's wording, not a value). Words typed after the label's words and a
    space are a value only when `spaced` and they start with a capital."""
    s = blank.start
    if 0 < s < len(text) and text[s - 1].isalpha() and text[s].isalpha() and not (
            (text[s - 1].islower() and text[s].isupper()) or any(ch.isdigit() for ch in blank.raw)):
        return False  # the printed words end inside a word ("chủyếu"), unless a value is glued on ("ngànhPhòng")
    at = text.find(blank.raw[:1], s) if blank.raw else s  # the printed colon before the value is not its own
    span = _LEADER.sub(" ", text[max(s, at):blank.end]).strip()
    if "\t" in span or _LABEL_COLON.search(span):
        return False
    gap = text[s:text.find(blank.raw, s)] if blank.raw else ""
    # words after words, no colon or dots between: a heading, not a label and its value
    return not (blank.raw and gap and not gap.strip() and text[:s].rstrip()[-1:].isalpha()
                and not any(ch.isdigit() or ch == "@" for ch in blank.raw)
                and not (spaced and blank.raw[:1].isupper()))


def _blank(text: str, pos: list[int], a: int, b: int) -> Blank:
    """The blank between key positions a and b: from after the printed character before it to the printed
    character after it, trimmed of leaders and separators."""
    start = pos[a - 1] + 1 if a > 0 else 0
    end = pos[b] if b < len(pos) else len(text)
    raw = _LEADER.sub(" ", text[start:end]).strip(_TRIM)
    raw = raw.lstrip(")]").rstrip("([").strip(_TRIM)  # a printed "(Cấp tỉnh)" keeps its brackets
    if raw and not line_key(raw):
        raw = ""
    return Blank(start, end, " ".join(raw.split()))


def build(lines: Iterable[str]) -> Printed:
    """The printed lines' keys, and the pieces of the lines that have blanks, by their first words."""
    keys: dict[str, None] = {}
    labels: dict[str, None] = {}
    heads: dict[str, list[tuple[str, ...]]] = {}
    sub_labels: set[str] = set()
    for line in lines:
        key = line_key(line)
        if not key:
            continue
        keys.setdefault(key)
        texts = _blank_split(nfc(line))
        sub_labels.update(label for t in texts[1:-1] if (label := _sub_label(t)))
        pieces = [line_key(p) for p in texts]
        if len(pieces) > 1 and pieces[0] or _LABEL_END.search(line):
            labels.setdefault(pieces[0] if len(pieces) > 1 else key)
        while len(pieces) > 2 and not pieces[-1] and not pieces[-2]:
            pieces.pop()  # "……… ………" at the end: one blank
        if len(pieces) < 2 or len(pieces[0]) < _MIN_HEAD or not all(pieces[1:-1]):
            continue  # no blank, a short head, or two blanks with nothing printed between them
        entry = tuple(pieces)
        if entry not in heads.setdefault(pieces[0], []):
            heads[pieces[0]].append(entry)
    for entries in heads.values():
        entries.sort(key=len, reverse=True)  # the line with the most printed pieces first
    lengths = tuple(sorted({len(h) for h in heads}, reverse=True))
    starts: dict[str, tuple[int, ...]] = {}
    for h in heads:
        starts[h[:_MIN_HEAD]] = starts.get(h[:_MIN_HEAD], ()) + (len(h),)
    starts = {s: tuple(sorted(set(n), reverse=True)) for s, n in starts.items()}
    return Printed(frozenset(keys), "\n".join(keys), {h: tuple(e) for h, e in heads.items()}, lengths,
                   starts, frozenset(sub_labels), tuple(labels))


def _sub_label(piece: str) -> str | None:
    """The folded label of a printed piece between two blanks that a separator brings in (`, chuyên ngành`): a few
    words after a comma, none other."""
    text = piece.strip()
    if not text.startswith(","):
        return None
    words = fold(text.strip(" ,:;")).split()
    return " ".join(words) if 0 < len(words) <= _SUB_LABEL_WORDS and all(w.isalpha() for w in words) else None


def _blank_split(line: str) -> list[str]:
    """The printed words between a line's blanks. A dot run that closes a list (`Cao đẳng....;`) is no blank;
    a separator with no letters between two blanks (`……/……`, a ratio) makes them one blank."""
    pieces, pos = [], 0
    for m in LEADER.finditer(line):
        if is_ellipsis(line, m):
            continue
        pieces.append(line[pos:m.start()])
        pos = m.end()
    pieces.append(line[pos:])
    merged = [pieces[0]]
    for k, piece in enumerate(pieces[1:], start=1):
        if k < len(pieces) - 1 and not any(ch.isalpha() for ch in piece):
            continue  # "……/……": one blank
        merged.append(piece)
    return merged


def load_printed(directory: str | None = None) -> Printed:
    """The printed lines of every form in `directory` (default: `patterns/printed/`, plus the `printed/` folder of
    the overlay in $EXTRACTOR_PATTERNS_OVERLAY, where `extractor template draft --overlay` writes a new form's)."""
    if directory is not None:
        return _load_printed((directory,))
    overlay = os.environ.get("EXTRACTOR_PATTERNS_OVERLAY")
    return _load_printed((str(PRINTED_DIR),) + ((str(Path(overlay) / "printed"),) if overlay else ()))


@functools.lru_cache(maxsize=4)
def _load_printed(directories: tuple[str, ...]) -> Printed:
    """Built once per set of files: kept in the user's cache (`extractor.compiled`) under a key made of every
    file's content and of the code that builds it (this module, `blanks.py`)."""
    paths = sorted(p for d in directories for p in Path(d).glob("*.yaml"))
    here = Path(__file__).resolve()
    key = compiled.fingerprint([here, here.parent / "blanks.py", *paths])
    found = compiled.load("printed", key)
    if isinstance(found, Printed):
        return found
    lines: list[str] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            data = load_text(fh.read()) or {}
        lines += [str(x) for x in data.get("lines", [])]
    printed = build(lines)
    compiled.store("printed", key, printed)
    return printed


# -- generation --------------------------------------------------------------------------------------------
def lines_of(path: Path) -> list[str]:
    """The printed lines of a blank form: every paragraph and table-cell paragraph, in order."""
    if path.suffix.lower() == ".txt":
        return [nfc(x).strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    from extractor.model import Table
    from extractor.readers import read

    out: list[str] = []
    for item in read(path).items:
        blocks = [b for row in item.rows for c in row for b in c.blocks] if isinstance(item, Table) else [item]
        out += [nfc(b.text).strip() for b in blocks if b.text.strip()]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extractor.printed", description=__doc__.split("\n\n")[0])
    ap.add_argument("blank", nargs="+", type=Path, help="blank form(s): DOCX, PDF, .doc or a .txt export")
    ap.add_argument("--form-id", required=True)
    ap.add_argument("-o", "--output", type=Path, help="default: patterns/printed/ID.yaml")
    args = ap.parse_args(argv)
    seen: dict[str, None] = {}
    for p in args.blank:
        for line in lines_of(p):
            seen.setdefault(line)
    out = args.output or PRINTED_DIR / f"{args.form_id}.yaml"
    out.parent.mkdir(parents=True, exist_ok=True)
    head = (f"# Generated by `python -m extractor.printed` from {', '.join(p.name for p in args.blank)}:\n"
            "# the printed lines of the blank form (never a value, never a review item).\n")
    import yaml

    body = yaml.safe_dump({"form": args.form_id, "lines": list(seen)}, allow_unicode=True, sort_keys=False, width=200)
    out.write_text(head + body, encoding="utf-8")
    print(f"{out}: {len(seen)} printed lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
