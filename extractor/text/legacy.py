"""Legacy Vietnamese encodings (TCVN3, VNI) and mojibake: decode text to Unicode NFC.

    ENCODINGS.font("…VnTimeH") -> FontEncoding("TCVN3", capitals=True) | None
    ENCODINGS.decode(text, "TCVN3", capitals=False) -> str
    ENCODINGS.repair(text) -> (text, encoding | None)        # text in no legacy font that reads as mojibake
    repair_items(items) -> {encoding: chunks repaired}       # the same over a document's blocks, boxes kept
    JUDGE                                                    # extractor.text.syllables.Judge knowing the tables

Tables, font-name patterns and repair settings are data in `patterns/encodings.yaml`. Encodings:

- ``TCVN3`` (TCVN 5712:1993 VN3, the ABC fonts ``.VnTime``, ``.VnTimeH`` …): one character per letter,
  stored as the Windows-1252 character of its byte; a capitals font (``…H``) shows lowercase codes as capitals.
- ``VNI`` (``VNI-Times`` …): a base letter followed by a modifier character (``Vieät`` = Việt).
- ``UTF8_AS_CP1252``: UTF-8 bytes read as Windows-1252 (``Viá»‡t``), only as a repair.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from extractor.errors import PatternError
from extractor.text.syllables import Judge
from extractor.yamlfile import load_text, parse, yaml_error

PATTERN_FILE = Path(__file__).resolve().parents[2] / "patterns" / "encodings.yaml"
LABELS = {"TCVN3": "TCVN3", "VNI": "VNI", "UTF8_AS_CP1252": "UTF-8 read as Windows-1252"}
_SUBSET = re.compile(r"^[A-Z]{6}\+")
# what separates a label from its answer, or one answer from the next, inside a paragraph
_SEGMENT = re.compile(r"(?:[^:;()\[\]\t\n…☐☒▢.]|\.(?!\.))+")


class FontEncoding(NamedTuple):
    encoding: str
    capitals: bool


@dataclass(eq=False)
class Encodings:
    fonts: list[tuple[str, re.Pattern[str], re.Pattern[str] | None]]
    tcvn3: dict[int, str]  # str.translate table
    vni_letters: dict[str, str]
    vni_marks: dict[str, str]  # modifier -> combining characters
    vni_bases: str
    repair_order: tuple[str, ...]
    evidence: int
    lost: tuple[str, ...]  # TCVN3 letters tools drop (U+00AD, the soft hyphen, is TCVN3's ư)

    @functools.lru_cache(maxsize=256)  # noqa: B019 (one instance per process)
    def font(self, name: str | None) -> FontEncoding | None:
        """The legacy encoding a font name implies, or None."""
        if not name:
            return None
        key = _SUBSET.sub("", name).casefold()
        for encoding, pattern, capitals in self.fonts:
            if pattern.search(key):
                return FontEncoding(encoding, bool(capitals and capitals.search(key)))
        return None

    def decode(self, text: str, encoding: str, capitals: bool = False) -> str:
        """`text` (as stored in a font of `encoding`) in Unicode NFC."""
        if encoding == "TCVN3":
            out = text.translate(self.tcvn3)
        elif encoding == "VNI":
            out = self._vni(text)
        elif encoding == "UTF8_AS_CP1252":
            try:
                out = b"".join(_cp1252_byte(c) for c in text).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                return text
        else:
            raise ValueError(f"unknown encoding {encoding!r}")
        out = unicodedata.normalize("NFC", out)
        return out.upper() if capitals else out

    def _vni(self, text: str) -> str:
        out: list[str] = []
        for ch in text:
            marks = self.vni_marks.get(ch)
            if marks is not None and out and out[-1][:1] in self.vni_bases:
                out[-1] += marks
            else:
                out.append(self.vni_letters.get(ch, ch))
        return "".join(out)

    def mark_chars(self) -> set[str]:
        """Every character the tables decode (what mojibake is made of)."""
        return {chr(k) for k in self.tcvn3} | set(self.vni_letters) | set(self.vni_marks)

    def repair(self, text: str, judge: Judge | None = None, force: str | None = None,
               known: frozenset[str] | None = None) -> tuple[str, str | None]:
        """`text` with its mojibake decoded, and the encoding used (None: left as it was).

        Pieces are words for TCVN3 / VNI and space-separated chunks for double-encoded UTF-8; a piece is
        decodable when its decoding has no invalid word (and a valid one, or the piece itself was invalid).
        The text is cut into segments at `_SEGMENT` separators (a label's colon, a dotted leader, a tab): in a
        segment holding a legacy piece (invalid as given, with a character no Vietnamese text has) and no
        Vietnamese letter beyond U+00FF (so none of it is Unicode), every decodable piece is decoded, also
        one that happens to spell a valid syllable (TCVN3 `Sè` = Số, `ThÓ` = Thể), and an ASCII word that is
        no syllable gets TCVN3's lost `ư` back where that makes it one (`Hng` = Hưng; a word of one or two
        letters only when the result is in `known`); elsewhere only pieces invalid as given, and, with
        `known` (the syllables the forms use: the document has legacy text elsewhere), pieces whose decoding is
        known and which are not (`Cã` = Có, while `Có` stays). A decoded TCVN3 word still invalid gets a lost
        letter back where that makes it valid (`ngêi`: U+00AD, TCVN3's `ư`, dropped by PDF exports). The
        encoding repairing most pieces wins, and only when at least `evidence` of them held a character no
        Vietnamese text has, or every piece it repairs is a `known` syllable, or `force` is given.

        `force`: the document is legacy text throughout (`document_encoding`): only that encoding is tried, in
        every segment without Unicode letters, with no evidence needed."""
        judge = judge or JUDGE
        if force is None and known is None and not judge.verdict(text).invalid:
            return text, None
        segments = [(m.start(), m.end(), any(ord(c) > 0xFF and judge.syllables.vietnamese_char(c)
                                             for c in m.group()))
                    for m in _SEGMENT.finditer(text)]

        def segment(pos: int) -> int:
            return next((k for k, (a0, b0, _) in enumerate(segments) if a0 <= pos < b0), -1)

        best: tuple[int, str, list[tuple[int, int, str]]] | None = None
        for encoding in (force,) if force else self.repair_order:
            spans = _chunks(text) if encoding == "UTF8_AS_CP1252" else _words(judge, text)
            # start, end, decoded, eligible anywhere (invalid as given, or known), legacy evidence, ASCII
            found: list[tuple[int, int, str, bool, bool, bool]] = []
            for a, b in spans:
                piece = text[a:b]
                if piece.isascii():
                    if encoding == "TCVN3" and self.lost and any(c.islower() for c in piece):
                        if not judge.syllables.valid(piece):
                            out = self._restore(piece, judge)
                            if out != piece and (len(piece) > 2 or (known is not None and out.lower() in known)):
                                found.append((a, b, out, False, False, True))
                        elif known is not None and piece.lower() not in known:
                            out = self._restore(piece, judge, known)
                            if out != piece:
                                found.append((a, b, out, False, False, True))
                    continue
                given = judge.verdict(piece)
                out = self._decode_word(piece, encoding, judge)
                if encoding == "TCVN3" and known is not None and out.lower() not in known:
                    out = self._restore(out, judge, known)
                v = judge.verdict(_unglue(out))
                if out != piece and not v.invalid and (v.valid or given.invalid):
                    lexical = known is not None and piece.lower() not in known and out.lower() in known
                    found.append((a, b, out, given.invalid > 0 or lexical, given.invalid > 0 and judge.foreign(piece),
                                  False))
            legacy_segments = {k for k, (a0, b0, uni) in enumerate(segments) if not uni
                               and (force or any(f[4] and a0 <= f[0] < b0 for f in found))}
            fixed = [(a, b, out) for a, b, out, eligible, _, ascii_ in found
                     if (eligible and not ascii_) or segment(a) in legacy_segments]
            evidence = sum(f[4] for f in found)
            trusted = force or evidence >= self.evidence or (
                known is not None and all(_unglue(out).lower() in known for _, _, out in fixed))
            if fixed and trusted and (best is None or len(fixed) > best[0]):
                best = (len(fixed), encoding, fixed)
        if best is None:
            return text, None
        out, last = [], 0
        for a, b, piece in best[2]:
            out += [text[last:a], piece]
            last = b
        out.append(text[last:])
        return "".join(out), best[1]

    def _restore(self, word: str, judge: Judge, known: frozenset[str] | None = None) -> str:
        """`word` with a lost TCVN3 letter put back where that makes it valid (with `known`: a syllable the
        forms use, `Cha` → `Chưa`), else `word`."""
        for lost in self.lost:
            for i in range(1, len(word) + 1):
                cand = word[:i] + lost + word[i:]
                if (cand.lower() in known) if known is not None else not judge.verdict(cand).invalid:
                    return cand
        return word

    def _decode_word(self, piece: str, encoding: str, judge: Judge) -> str:
        out = self.decode(piece, encoding)
        if encoding == "TCVN3" and judge.verdict(out).invalid:
            out = self._restore(out, judge)
        letters = [c for c in piece if c.isascii() and c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            out = out.upper()  # a capitals font shows lowercase codes as capitals
        return out


def _unglue(text: str) -> str:
    """Words glued at a lowercase → capital change cut apart (`kêPhần` → `kê Phần`), for judging only."""
    return "".join(c + " " if c.islower() and n.isupper() else c for c, n in zip(text, text[1:] + " ", strict=True))


def _words(judge: Judge, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in judge.word_re.finditer(text)]


def _chunks(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^ \t\n]+", text)]


def _cp1252_byte(ch: str) -> bytes:
    """The Windows-1252 byte of `ch`; the five bytes Windows-1252 leaves undefined read as U+0081 … U+009D."""
    return ch.encode("cp1252") if ord(ch) > 0xFF or not 0x80 <= ord(ch) <= 0x9F else ch.encode("latin-1")


def _need(cond: bool, path: Path, message: str) -> None:
    if not cond:
        raise PatternError(message, path=str(path))


def load_encodings(path: Path = PATTERN_FILE) -> Encodings:
    """Load and validate `patterns/encodings.yaml`; `PatternError` naming the file and the entry."""
    try:
        raw: Any = load_text(path.read_text(encoding="utf-8"))
    except (OSError, yaml_error()) as exc:
        raise PatternError(f"cannot be read: {' '.join(str(exc).split())}", path=str(path)) from None
    keys = {"fonts", "TCVN3", "VNI", "combining", "repair"}
    _need(isinstance(raw, dict) and set(raw) == keys, path, f"must be a mapping with the keys {sorted(keys)}")
    fonts = []
    for k, f in enumerate(raw["fonts"] or []):
        _need(isinstance(f, dict) and f.get("encoding") in ("TCVN3", "VNI") and isinstance(f.get("pattern"), str),
              path, f"fonts[{k}]: needs encoding (TCVN3 or VNI) and pattern")
        try:
            fonts.append((f["encoding"], re.compile(f["pattern"]),
                          re.compile(f["capitals"]) if f.get("capitals") else None))
        except re.error as exc:
            raise PatternError(f"fonts[{k}]: bad regular expression ({exc})", path=str(path)) from None
    tcvn3: dict[int, str] = {}
    for code, letter in (raw["TCVN3"] or {}).items():
        _need(isinstance(code, str) and re.fullmatch(r"[0-9A-Fa-f]{2}", code) is not None and int(code, 16) >= 0xA0,
              path, f"TCVN3.{code}: keys are quoted hex bytes A0-FF")
        _need(isinstance(letter, str) and len(unicodedata.normalize("NFC", letter)) == 1, path,
              f"TCVN3.{code}: {letter!r} is not one letter")
        tcvn3[int(code, 16)] = unicodedata.normalize("NFC", letter)
    _need(len(set(tcvn3.values())) == len(tcvn3), path, "TCVN3: a letter is listed twice")
    comb = {}
    for name, cp in (raw["combining"] or {}).items():
        _need(isinstance(cp, str) and re.fullmatch(r"[0-9A-Fa-f]{4}", cp) is not None
              and unicodedata.combining(chr(int(cp, 16))) > 0, path, f"combining.{name}: not a combining mark")
        comb[str(name)] = chr(int(cp, 16))
    vni = raw["VNI"]
    _need(isinstance(vni, dict) and {"letters", "marks", "bases"} <= set(vni), path, "VNI: needs letters, marks, bases")
    letters = {}
    for src, dst in vni["letters"].items():
        _need(len(str(src)) == 1 and len(str(dst)) == 1, path, f"VNI.letters.{src}: one character to one letter")
        letters[str(src)] = str(dst)
    marks = {}
    for src, names in vni["marks"].items():
        _need(len(str(src)) == 1 and isinstance(names, list) and names and all(n in comb for n in names), path,
              f"VNI.marks.{src}: a list of names from `combining`")
        _need(str(src) not in letters, path, f"VNI.marks.{src}: also listed under letters")
        marks[str(src)] = "".join(comb[n] for n in names)
    rep = raw["repair"]
    _need(isinstance(rep, dict) and all(e in LABELS for e in rep.get("try") or [None])
          and isinstance(rep.get("evidence"), int), path, f"repair: needs try (from {sorted(LABELS)}) and evidence")
    lost = tuple(tcvn3.get(int(str(c), 16), "") for c in rep.get("lost_tcvn3") or [])
    _need(all(lost), path, "repair.lost_tcvn3: bytes of the TCVN3 table")
    return Encodings(fonts, tcvn3, letters, marks, str(vni["bases"]), tuple(rep["try"]), rep["evidence"], lost)


ENCODINGS = load_encodings()
JUDGE = Judge(ENCODINGS.mark_chars())
# a character that may start mojibake: one the tables decode that no Vietnamese text has (no repair is made
# without one, see `Encodings.repair`), so text without any is skipped cheaply
_SUSPECT_CHARS = frozenset(c for c in ENCODINGS.mark_chars() if not JUDGE.syllables.vietnamese_char(c))
_SUSPECT = re.compile("[" + re.escape("".join(sorted(_SUSPECT_CHARS))) + "]")
# the Latin-1 bytes of no suspect character (`_suspect_in` deletes them), when every suspect character is Latin-1
_NOT_SUSPECT = bytes(b for b in range(256) if chr(b) not in _SUSPECT_CHARS) \
    if all(ord(c) <= 0xFF for c in _SUSPECT_CHARS) else None


def _suspect_in(text: str) -> bool:
    """Whether `text` holds a suspect character (`_SUSPECT.search`). When they are all Latin-1 (the tables'
    are): its Latin-1 characters as bytes, less the bytes of no suspect one, are not empty. Over a return's
    text that is ~240K instructions against the regex's ~520K (one set test per character)."""
    if _NOT_SUSPECT is None:
        return _SUSPECT.search(text) is not None
    return bool(text.encode("latin-1", "ignore").translate(None, _NOT_SUSPECT))


def label(encodings: Counter[str] | dict[str, int] | list[str]) -> str:
    """``TCVN3 → Unicode`` (several: ``TCVN3, VNI → Unicode``), for warnings and the per-file line."""
    return ", ".join(LABELS.get(e, e) for e in encodings) + " → Unicode"


def document_encoding(texts: list[str], judge: Judge | None = None) -> str | None:
    """The legacy encoding a whole document is written in, or None: at least `WHOLE_MIN` of its words hold a
    character no Vietnamese text has, at most `WHOLE_UNICODE` as many hold a Vietnamese letter beyond U+00FF
    (a Unicode word), and one encoding repairs most of those words."""
    judge = judge or JUDGE
    if judge is JUDGE and _few_legacy_words(texts):
        return None
    legacy_words: list[str] = []
    unicode_words = 0
    for text in texts:
        if text.isascii():
            continue
        n, legacy = _text_evidence(text) if judge is JUDGE else _evidence(judge, text)
        unicode_words += n
        legacy_words += legacy
    if len(legacy_words) < WHOLE_MIN or unicode_words > WHOLE_UNICODE * len(legacy_words):
        return None
    votes = Counter({enc: sum(not judge.verdict(ENCODINGS._decode_word(w, enc, judge)).invalid for w in legacy_words)
                     for enc in ENCODINGS.repair_order})
    enc, n = votes.most_common(1)[0]
    return enc if n * 2 >= len(legacy_words) else None


@functools.lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """The syllables the forms themselves use (every word of every string in `patterns/*.yaml` and
    `patterns/forms/*.yaml`, lowercased): what tells `Cã` (TCVN3 for Có) from a word typed in Unicode when
    both spell a valid syllable."""
    words: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            words.update(w.lower() for w in JUDGE.words(node) if JUDGE.syllables.valid(w))
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(k)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    root = PATTERN_FILE.parent
    for path in sorted([*root.glob("*.yaml"), *root.glob("forms/*.yaml")]):
        if path.name in ("encodings.yaml", "syllables.yaml"):
            continue
        try:
            walk(parse(path.read_text(encoding="utf-8")))
        except (OSError, yaml_error()):
            continue  # the stage that owns the file reports it
    return frozenset(unicodedata.normalize("NFC", w) for w in words)


@functools.lru_cache(maxsize=1)
def _foreign_char() -> re.Pattern[str] | None:
    """One word character of `JUDGE`'s (the one-character group its word pattern repeats) that is no Vietnamese
    letter, or None when that pattern is not written as a repeated group. The Vietnamese letters are sought in
    ASCII and the Latin blocks they live in; missing one would only count more characters (a looser bound)."""
    word = JUDGE.word_re.pattern
    if not (word.startswith("(?:") and word.endswith(")+")):
        return None
    latin = (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x1EA0, 0x1F00))
    letters = "".join(c for c in map(chr, latin) if JUDGE.syllables.vietnamese_char(c))
    return re.compile(f"(?![{re.escape(letters)}]){word[:-1]}", JUDGE.word_re.flags)


def foreign_chars(texts: list[str]) -> int:
    """How many characters of `texts` are word characters no Vietnamese text has: at least one stands in each
    word `JUDGE.foreign` finds, so no more words of `texts` are foreign (a huge count when it cannot be told).
    A regex pass over each text, remembered by text, instead of `_evidence`'s words: 143 M -> 67 M instructions
    over the first 20 unseen returns' repair (4 of them with a few bullets `·`)."""
    pattern = _foreign_char()
    if pattern is None:
        return 2**62
    total = 0
    for text in texts:
        n = _FOREIGN.get(text)
        if n is None:
            n = len(pattern.findall(text))
            if len(_FOREIGN) >= EVIDENCE_MAX:
                _FOREIGN.clear()
            _FOREIGN[text] = n
        total += n
    return total


_FOREIGN: dict[str, int] = {}  # text -> `foreign_chars([text])`


WHOLE_MIN = 20  # legacy words a document needs before it is taken as legacy text throughout
WHOLE_UNICODE = 0.05  # ... and the most Unicode words it may hold per legacy word


def _evidence(judge: Judge, text: str) -> tuple[int, tuple[str, ...]]:
    """A text's Unicode words (a Vietnamese letter beyond U+00FF) and its legacy words (a character no
    Vietnamese text has, and no valid syllable), as `document_encoding` counts them."""
    unicode_words = 0
    legacy_words = []
    for w in judge.words(text):
        if w.isascii():
            continue
        if any(ord(c) > 0xFF and judge.syllables.vietnamese_char(c) for c in w):
            unicode_words += 1
        elif judge.foreign(w) and judge.verdict(w).invalid:
            legacy_words.append(w)
    return unicode_words, tuple(legacy_words)


EVIDENCE_MAX = 65536  # texts whose evidence is remembered (the printed text of a form comes back every return)
_EVIDENCE: dict[str, tuple[int, tuple[str, ...]]] = {}


def _text_evidence(text: str) -> tuple[int, tuple[str, ...]]:
    """`_evidence` with the default judge, remembered by text (`_few_legacy_words` reads what is known)."""
    known = _EVIDENCE.get(text)
    if known is None:
        known = _evidence(JUDGE, text)
        if len(_EVIDENCE) >= EVIDENCE_MAX:
            _EVIDENCE.clear()
        _EVIDENCE[text] = known
    return known


def _few_legacy_words(texts: list[str]) -> bool:
    """Whether `texts` surely hold fewer than `WHOLE_MIN` legacy words (`document_encoding` is then None): those
    of texts seen before counted, the others' bounded by `foreign_chars`, without working out their words."""
    known = 0
    new = []
    for text in texts:
        if text.isascii():
            continue
        evidence = _EVIDENCE.get(text)
        if evidence is None:
            new.append(text)
        else:
            known += len(evidence[1])
    return known + (foreign_chars(new) if new else 0) < WHOLE_MIN


@functools.lru_cache(maxsize=65536)  # the printed text of a form (a bullet `·` is suspect) comes back every return
def _repair(text: str) -> tuple[str, str | None]:
    """`Encodings.repair` of a text on its own evidence (no `force`, no `known`), with the default judge."""
    return ENCODINGS.repair(text, JUDGE)


def repair_items(items: list[Any], judge: Judge | None = None) -> Counter[str]:
    """Repair mojibake in the blocks of a document (`Block`s and `Table` cells), in place; box offsets
    follow the text. A document in legacy text throughout (`document_encoding`) is decoded word by word
    wherever the decoding is valid; otherwise each block is repaired on its own evidence (`Encodings.repair`).
    Returns the number of blocks repaired per encoding."""
    from extractor.model import Block, Table, item_texts  # (the model imports nothing from here; kept local)

    used: Counter[str] = Counter()
    texts = item_texts(items)
    if not _suspect_in("\n".join(texts)):
        return used  # nothing any table decodes that Vietnamese text would not hold: the common case, cheaply
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, Block):
            blocks.append(item)
        elif isinstance(item, Table):
            blocks += [b for row in item.rows for cell in row for b in cell.blocks]
    candidates = [b for b in blocks if b.text and not b.text.isascii()]
    suspect = [b for b in candidates if _SUSPECT.search(b.text)]  # the blocks repaired on their own evidence
    force = document_encoding([b.text for b in candidates], judge)
    plain = _repair if judge is None or judge is JUDGE else functools.partial(ENCODINGS.repair, judge=judge)

    found = False
    if not force:  # is there legacy text anywhere? then the forms' own syllables may settle ambiguous words
        found = any(plain(b.text)[1] not in (None, "UTF8_AS_CP1252") for b in suspect)
    known = lexicon() if force or found else None
    repair = plain if known is None and not force else functools.partial(ENCODINGS.repair, judge=judge, force=force,
                                                                        known=known)

    def fix(block: Block) -> None:
        if not block.boxes:
            block.text, enc = repair(block.text)
            used.update([enc] if enc else [])
            return
        text, start, encs = "", 0, set()
        for box in sorted(block.boxes, key=lambda b: b.offset):
            seg, enc = repair(block.text[start:box.offset])
            encs.add(enc)
            text += seg
            new_offset = len(text)
            text += block.text[box.offset]
            start = box.offset + 1
            box.offset = new_offset
        seg, enc = repair(block.text[start:])
        encs.add(enc)
        block.text = text + seg
        used.update(e for e in encs if e)

    for block in candidates if force or known is not None else suspect:  # else only suspect text is repaired
        fix(block)
    return used
