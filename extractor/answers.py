"""Read the answer of a matched slot as a typed value: typed text parsed by the field's type, checkbox
groups mapped to the field's option keys (ticked boxes, typed X, or the options left after the clerk
deleted the others)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from extractor.catalogue import FieldSpec, Keys, TemplateSlot
from extractor.compiled import regex_compile
from extractor.slots import Slot
from extractor.text.normalize import clean_label, fold, nfc
from extractor.text.ranges import Range, read_range, same_bounds
from extractor.text.values import parse_value
from extractor.text.vocab import load_vocabulary

UNPLACED = "unplaced_text"  # the slot's region holds typed text that is neither its value nor printed words
AFTER_BLANK = 0.5  # a text value found after its blank's dots: shown to a reviewer (printed words may be cut out)
OPTION_MIN = 0.6  # how close an option's text must be to one of the field's options
OPTION_LETTER = 0.8  # the quality of an option known only by its letter (`B. …`), its words reworded
OPTION_PLACE = 0.7  # an option known by its place between the options known by their words
OPTION_PLACE_MIN = 0.5  # … whose words it must share at least this much (token set ratio)
OPTION_PLACE_MARGIN = 0.15  # how far its words must be closer to it than to the other options of that place
OPTION_RANGE = 0.9  # the quality of an option known by the bounds it states (`Trên 20 Mb` for `KT > 20 Mb`)
_LETTER = regex_compile(r"\s*([A-ZĐ])[.)]\s")
_NUMBER_TYPES = frozenset({"integer", "decimal", "percent"})
GLUED_LABEL_NUMBER = 0.9  # a value glued to the number its field's label ends with (`năm 2018` + `88`)
GLUED_YEAR = 0.6  # … to a year after a year word, the field's label ending with no such number: for a reviewer
_TRAILING_NUMBER = regex_compile(r"(?<![\d.,])(\d+)[\s.:…]*$")
_GLUED_YEAR = regex_compile(r"((?:19|20)\d\d)(\d.*)")
LABEL_CUT = 70  # rapidfuzz score at which the words before a typed text are the field's label, reworded
LABEL_WORDS = 0.6  # the share of the words before the cut that must be words of the label
_WORD = regex_compile(r"\w+")
LABEL_CUT_QUALITY = 0.9  # the quality of a text value read after a reworded label cut off
_VALUE_WORD = regex_compile(r"(?<=^|[\s(])(?:\p{Lu}|\d|[\w.+-]+@)")
FORMAT_MARK = 0.85  # the quality of options shown chosen by formatting alone (every box empty)
CHOSEN_STYLES = ("bold", "highlight")  # an option's text formatted so to show it chosen (Span.style)
NOT_CHOSEN_STYLES = ("strike",)  # … or struck through to show it is not


@dataclass(slots=True)
class Answer:
    """A slot's answer: its typed value, the text it was read from, its unit, whether it parsed, how sure, why."""

    value: Any
    raw: str | None
    unit: str | None
    ok: bool
    quality: float
    reason: str | None


EMPTY = Answer(None, None, None, True, 1.0, "empty")


def read_answer(slot: Slot, spec: FieldSpec | None, template: TemplateSlot | None = None) -> Answer:
    """The typed value of `slot` for field `spec`, read as the template slot it was matched to."""
    if slot.options is not None:  # remembered by its options' texts, states, marks and styles (all `_choice` reads)
        key = (tuple([(o.text, o.checked, o.mark, o.styles) for o in slot.options]), id(spec), None)
        try:
            hit = _ANSWERS.get(key)
        except TypeError:  # styles given as a list: read, not remembered
            return _choice(slot, spec, spec.type if spec else "text")
        if hit is not None and hit[0] is spec:
            return hit[2]
        return _remember(key, spec, None, _choice(slot, spec, spec.type if spec else "text"))
    raw = slot.raw
    if not raw and not slot.extra:
        return EMPTY  # an untouched blank
    # a typed text is read by what `_typed_answer` reads of the slot, the spec and the template: remembered by those
    key = (raw, slot.extra, slot.whole_line, slot.label, slot.unit_text, id(spec), id(template))
    hit = _ANSWERS.get(key)
    if hit is not None and hit[0] is spec and hit[1] is template:
        return hit[2]
    return _remember(key, spec, template, _typed_answer(slot, spec, template))


def _remember(key: tuple[Any, ...], spec: FieldSpec | None, template: TemplateSlot | None, answer: Answer) -> Answer:
    """`answer`, kept in `_ANSWERS` under `key` unless its value could be changed in place (a list)."""
    if answer.value is None or type(answer.value) in _SCALARS:
        if len(_ANSWERS) >= _ANSWERS_MAX:
            _ANSWERS.clear()
        _ANSWERS[key] = (spec, template, answer)
    return answer


# answers by what reading them looks at: a typed text's (raw, extra, whole_line, label, unit_text of the slot, id
# of the spec, id of the template), a choice's (its options' text, checked, mark and styles, id of the spec, None);
# the spec and the template are kept with the entry, so their ids are never another's. Each entry is what
# `_typed_answer` or `_choice` gives for them (they read nothing else, and nothing changes an `Answer`); cleared
# past the bound.
_ANSWERS: dict[tuple[Any, ...], tuple[FieldSpec | None, TemplateSlot | None, Answer]] = {}
_ANSWERS_MAX = 65536
_SCALARS = frozenset({str, int, float, bool})


def _typed_answer(slot: Slot, spec: FieldSpec | None, template: TemplateSlot | None) -> Answer:
    """`read_answer` of a slot with typed text (`raw` or `extra`) and no options."""
    type_ = spec.type if spec else "text"
    raw = slot.raw
    labels = (template.label, *(spec.labels if spec else ())) if template is not None else ()
    cut = False
    if raw and template is not None:
        raw = strip_printed(raw, template.before, template.after)
    if raw and type_ == "text" and template is not None:
        stripped = strip_label(raw, labels)
        at = cut_label(raw, labels) if stripped == raw and slot.whole_line else None
        raw, cut = (stripped, False) if at is None else (raw[at:], True)
    glued: tuple[str, float] | None = None
    if raw and type_ in _NUMBER_TYPES:
        raw, glued = cut_label_number(raw, slot.label, labels)
    if not raw or _only_printed(raw, spec, template, slot):
        if slot.extra and type_ == "text" and not raw:
            # a text answer typed after the dots of an empty blank (`Họ tên:……………Lê Hoàng Minh`) or after its label
            # and a space: read, but for a reviewer to confirm (the finder may have cut printed-looking words out of
            # it); the rest of the label the document prints for it cut off (`… CNTT và kiến nghị (nếu có) Đề nghị …`)
            line = f"{slot.label} {' '.join(slot.extra.split())}"
            at = cut_label(line, labels, start=len(slot.label) + 1)
            value = line[at:] if at is not None else " ".join(slot.extra.split())
            return Answer(value, slot.extra, None, False, AFTER_BLANK, "after_blank")
        if slot.extra:  # typed text the finder could not place: never a silent empty
            return Answer(None, slot.extra, None, False, 0.0, UNPLACED)
        return EMPTY
    if type_ in ("choice", "multi_choice"):
        return _typed_choice(raw, spec, type_)
    joined = False
    if slot.extra and type_ == "text":
        # a text answer the finder cut after a number ("168 | Lê Duẩn, phường 9"): the whole text is the value
        raw, joined = f"{raw} {slot.extra}", True
    parsed = parse_value(raw, type_, spec.unit if spec else None)
    unit = parsed.unit or slot.unit_text or None
    if parsed.value is None and parsed.reason == "empty":
        return EMPTY
    if slot.extra and not joined:  # more typed text than the value read: show it, never accept silently
        return Answer(parsed.value, f"{raw} {slot.extra}", unit, False, 0.0, UNPLACED)
    reason, quality = (parsed.reason, parsed.quality) if not joined else ("joined_text", min(parsed.quality, 0.95))
    if glued is not None and glued[1] < quality:
        reason, quality = glued
    if cut and parsed.ok:
        reason, quality = "label_cut", min(quality, LABEL_CUT_QUALITY)
    return Answer(parsed.value if parsed.ok else None, raw, unit, parsed.ok, quality, reason)


def _only_printed(raw: str, spec: FieldSpec | None, template: TemplateSlot | None, slot: Slot) -> bool:
    """The slot holds only the form's own words after the blank (`…… máy`, `…… triệu đồng` left empty)."""
    if any(map(str.isdigit, raw)):
        return False
    typed = fold(raw)
    printed = (template.after if template else "", spec.unit if spec else "", slot.unit_text or "")
    return any(p and (fold(p) == typed or fold(p).startswith(typed + " ")) for p in printed)


_OPTION_KEYS: dict[tuple[str, str, int], tuple[FieldSpec | None, tuple[Any, float]]] = {}
_OPTION_KEYS_MAX = 65536


def _option_key(text: str, spec: FieldSpec | None, type_: str) -> tuple[Any, float]:
    """See `_read_option_key` (remembered per field spec: the printed options come back in every return; the spec
    is kept with its entry, so its id is never another spec's)."""
    key = (text, type_, id(spec))
    hit = _OPTION_KEYS.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1]
    found = _read_option_key(text, spec, type_)
    if len(_OPTION_KEYS) >= _OPTION_KEYS_MAX:
        _OPTION_KEYS.clear()
    _OPTION_KEYS[key] = (spec, found)
    return found


def _read_option_key(text: str, spec: FieldSpec | None, type_: str) -> tuple[Any, float]:
    """The field option a printed option text stands for, and how sure."""
    if spec is None or not spec.options:
        return _boolean_word(text) if type_ == "boolean" else (text, 0.5)
    text = nfc(text)
    if type_ == "boolean":
        word = parse_value(text, "boolean")
        if word.ok:  # "Có sử dụng", "Chưa đưa vào sử dụng", "Không": the yes/no word leads the option
            return word.value, 0.95 if word.quality >= 1.0 else 0.85
    k = Keys.of(text)
    best, score = None, 0.0
    wordings = [(opt.key, ok) for opt in spec.options for ok in opt.keys]
    if type_ == "boolean":  # a reworded, mistyped yes/no option ("Chaư sử dụng"): every yes/no wording known
        wordings += _boolean_wordings()
    for key, ok in wordings:
        s = max(fuzz.ratio(k.tone, ok.tone), fuzz.ratio(k.folded, ok.folded) * 0.98) / 100
        if s > score:
            best, score = key, s
    ranged = _by_range(text, spec)
    if ranged is not None:  # the bounds tell the option, however reworded (`Dưới 2 Gb` for `500 Mb < DL < 2Gb`)
        return ranged, max(score, OPTION_RANGE) if ranged == best else OPTION_RANGE
    if score < OPTION_MIN:  # "B. Chữ ký số của tổ chức …" for "B. Chữ ký số công cộng": the same option letter
        lettered = _by_letter(text, spec)
        if lettered is not None:
            return lettered, OPTION_LETTER
    if score < OPTION_MIN and type_ == "boolean":
        return _boolean_word(text)
    return (best, score) if score >= OPTION_MIN else (None, score)


def _by_letter(text: str, spec: FieldSpec) -> Any:
    """The option printed with the same leading letter (`A.`, `B)`) as `text`, when exactly one has it."""
    m = _LETTER.match(text)
    if m is None:
        return None
    found = {opt.key for opt in spec.options for t in opt.texts
             if (n := _LETTER.match(nfc(t))) is not None and n.group(1) == m.group(1)}
    return next(iter(found)) if len(found) == 1 else None


def _by_range(text: str, spec: FieldSpec) -> Any:
    """The one option whose printed range has every bound `text` states (`Trên 20 Mb` → `KT > 20 Mb`), or None."""
    typed = _printed_range(text)  # the same reading, remembered: option texts come back in every return
    if typed is None:
        return None
    found = {opt.key for opt in spec.options for t in opt.texts
             if (printed := _printed_range(t)) is not None and same_bounds(typed, printed)}
    return next(iter(found)) if len(found) == 1 else None


@functools.lru_cache(maxsize=4096)
def _printed_range(text: str) -> Range | None:
    return read_range(text)


@functools.lru_cache(maxsize=1)
def _boolean_wordings() -> list[tuple[bool, Keys]]:
    """The yes/no words of patterns/vocabulary.yaml (`đang sử dụng`, `chưa sử dụng` …) as option wordings."""
    voc = load_vocabulary()
    return [(True, Keys.of(w)) for w in voc.true_words] + [(False, Keys.of(w)) for w in voc.false_words]


def _boolean_word(text: str) -> tuple[Any, float]:
    parsed = parse_value(text, "boolean")
    return (parsed.value, parsed.quality * 0.9) if parsed.ok else (None, 0.0)


def _choice(slot: Slot, spec: FieldSpec | None, type_: str) -> Answer:
    opts = slot.options or []
    keyed = [(o, *_option_key(o.text, spec, type_)) for o in opts]
    if type_ == "boolean" and len(opts) == 1 and keyed[0][1] is None:
        # a single box after an item ("Ứng dụng một cửa điện tử ☐"): ticked is yes; left empty says nothing
        o = opts[0]
        if o.checked is None:
            return Answer(None, o.text, None, False, 0.0, "unreadable_box")
        return Answer(True, o.text, None, True, 0.95, "single_box") if o.checked else EMPTY
    if spec and spec.options and len(opts) == len(spec.options) and any(k is None for _, k, _ in keyed):
        # reworded options the catalogue does not know: the n-th printed option is the n-th option
        keyed = [(o, k if k is not None else spec.options[n].key, s if k is not None else 0.7)
                 for n, (o, k, s) in enumerate(keyed)]
    elif spec and spec.options and any(k is None for _, k, _ in keyed):
        keyed = _by_place(keyed, spec)
    marked = [(o, k, s) for o, k, s in keyed if o.checked]
    unknown = [o for o in opts if o.checked is None]
    n_field = len(spec.options) if spec and spec.options else 0
    reason = None
    quality = 1.0
    shown = None if marked or unknown else by_format(opts)
    if shown is not None and not shown:  # options formatted in ways that contradict each other
        return Answer(None, "; ".join(o.text for o in opts), None, False, 0.0, "format_unclear")
    if shown:
        marked = [(o, k, s) for o, k, s in keyed if any(o is x for x in shown)]
        reason, quality = "format_mark", FORMAT_MARK
    if marked:
        chosen = [(k, s) for _, k, s in marked]
        if any(o.mark == "typed_x" for o, _, _ in marked):
            reason, quality = "typed_mark", 0.85
    elif unknown:
        return Answer(None, "; ".join(o.text for o in opts), None, False, 0.0, "unreadable_box")
    elif n_field and 0 < len(opts) < n_field:
        # the clerk deleted the options not chosen
        chosen = [(k, s) for _, k, s in keyed]
        reason, quality = "deleted_options", 0.75
    else:
        return Answer(None, None, None, True, 1.0, "empty")
    keys = [k for k, _ in chosen if k is not None]
    raw = "; ".join(o.text for o, *_ in (marked or keyed))
    if not keys:
        return Answer(None, raw, None, False, 0.0, "unknown_option")
    if len(keys) < len(chosen):  # a chosen option the field does not know: shown for review, never dropped
        value = sorted(set(keys), key=str) if type_ == "multi_choice" else None
        return Answer(value, raw, None, False, 0.0, "unknown_option")
    if min([quality] + [s for _, s in chosen]) < quality and reason is None:
        reason = "option_wording"
    quality = min([quality] + [s for _, s in chosen])
    if type_ == "multi_choice":
        return Answer(sorted(set(keys), key=str), raw, None, True, quality, reason)
    if len(set(map(str, keys))) > 1:  # several options ticked in a single-choice group: never a silent pick
        return Answer(None, raw, None, False, 0.0, "several_marked")
    return Answer(keys[0], raw, None, True, quality, reason)


def _by_place(keyed: list[tuple[Any, Any, float]], spec: FieldSpec) -> list[tuple[Any, Any, float]]:
    """Options the field does not know by their words, known by their place: the clerk kept the printed order, so
    an option between two known ones is one of the field's options between those two, not known already: the
    one its words are clearly closest to (`Tài liệu họp` before `Văn bản gửi …`: `Tài liệu phục vụ các cuộc hội
    họp`, not `Lịch công tác`). Nothing changes when the known options are out of order."""
    order = {opt.key: n for n, opt in enumerate(spec.options)}
    places = [order.get(k) if k is not None else None for _, k, _ in keyed]
    known = [p for p in places if p is not None]
    if len(known) != len({*known}) or known != sorted(known):
        return keyed
    taken = set(known)
    out = list(keyed)
    for n, (o, k, _s) in enumerate(keyed):
        if k is not None:
            continue
        lo = max((p for p in places[:n] if p is not None), default=-1)
        hi = min((p for p in places[n + 1:] if p is not None), default=len(spec.options))
        between = [m for m in range(lo + 1, hi) if m not in taken]
        key = _closest(o.text, [spec.options[m] for m in between])
        if key is not None:
            out[n] = (o, key, OPTION_PLACE)
            taken.add(order[key])
    return out


def _closest(text: str, options: Sequence[Any]) -> Any:
    """The key of the option in `options` whose words `text` shares (token set ratio ≥ OPTION_PLACE_MIN), clearly
    more than any other's (OPTION_PLACE_MARGIN); None when none does, or two are as close."""
    k = Keys.of(text)
    scored = sorted(((max(fuzz.token_set_ratio(k.tone, ok.tone) for ok in opt.keys) / 100, opt.key)
                     for opt in options), key=lambda p: -p[0])
    if not scored or scored[0][0] < OPTION_PLACE_MIN:
        return None
    if len(scored) >= 2 and scored[0][0] - scored[1][0] < OPTION_PLACE_MARGIN:
        return None
    return scored[0][1]
def by_format(opts: Sequence[Any]) -> list[Any] | None:
    """The options a group with every box empty shows chosen by their text's formatting: the options made bold
    or highlighted while others are not, the options left when others are struck through. None when the
    formatting tells nothing (no option formatted, or all alike); [] when styles point at different options."""
    found = []
    for style in CHOSEN_STYLES + NOT_CHOSEN_STYLES:
        having = [o for o in opts if style in o.styles]
        if 0 < len(having) < len(opts):
            chosen = having if style in CHOSEN_STYLES else [o for o in opts if style not in o.styles]
            found.append(frozenset(map(id, chosen)))
            pick = chosen
    if not found:
        return None
    return pick if len(set(found)) == 1 else []


def _typed_choice(raw: str, spec: FieldSpec | None, type_: str) -> Answer:
    """A choice answered by typing the option's text into a blank."""
    parts = [p.strip() for p in raw.replace(",", ";").split(";") if p.strip()] if type_ == "multi_choice" else [raw]
    keys, scores = [], []
    for p in parts:
        k, s = _option_key(p, spec, type_)
        if k is not None:
            keys.append(k)
            scores.append(s)
    if not keys:
        return Answer(None, raw, None, False, 0.0, "unknown_option")
    value: Any = sorted(set(keys), key=str) if type_ == "multi_choice" else keys[0]
    return Answer(value, raw, None, True, min(scores) * 0.9, "typed_option")


def cut_label_number(raw: str, label: str, labels: Sequence[str]) -> tuple[str, tuple[str, float] | None]:
    """See `_cut_label_number` (remembered: the printed labels come back in every return)."""
    return _cut_label_number(raw, label, tuple(labels))


@functools.lru_cache(maxsize=16384)
def _cut_label_number(raw: str, label: str, labels: tuple[str, ...]) -> tuple[str, tuple[str, float] | None]:
    """The value without the number its label ends with, when the clerk typed it glued to that number (`… năm
    201888 điểm` for `… năm 2018 …… điểm`: the slot's `label` stops at `năm`, one of the field's `labels` ends with
    `2018`); the reason and quality of the cut, None when nothing was cut. A `raw` that is that number alone is the
    printed number, no value (""). Without a field label ending with the number, a year glued after a year word of
    the slot's label (`năm`, vocabulary.yaml) is cut for a reviewer to confirm."""
    text = raw.strip()
    if _TRAILING_NUMBER.search(label):
        return raw, None  # the label keeps its own number: what follows is the value
    for n in _label_numbers(labels):
        if text == n:
            return "", None
        if text.startswith(n) and text[len(n)].isdigit():
            return text[len(n):], ("glued_to_label", GLUED_LABEL_NUMBER)
    m = _GLUED_YEAR.fullmatch(text)
    if m and (words := fold(label).split()) and words[-1] in _year_words():
        return m.group(2), ("glued_to_label", GLUED_YEAR)
    return raw, None


@functools.lru_cache(maxsize=4096)
def _label_numbers(labels: tuple[str, ...]) -> tuple[str, ...]:
    """The numbers `labels` end with, longest first (in the order `_cut_label_number` tries them). Kept by the
    labels alone: a field's labels come back in every return, its typed values do not (4096 fields' worth)."""
    numbers = {m.group(1) for t in labels if (m := _TRAILING_NUMBER.search(t))}
    return tuple(sorted(numbers, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _year_words() -> frozenset[str]:
    return frozenset(fold(w) for w in load_vocabulary().year_words)


def strip_label(raw: str, labels: Sequence[str]) -> str:
    """A text value without its own label typed in front of it, colon and dots deleted (`Họ và tên Đỗ Thị Hòa`
    in the blank of `Họ và tên`): the longest of `labels` whose words, tones aside, begin the value; the value
    itself when none does, or when nothing would be left."""
    words = nfc(raw).split()
    folded = tuple(w.strip(":") for w in fold(" ".join(words)).split())
    best = 0
    for label in labels:
        lw = _folded_label_words(label)
        if best < len(lw) < len(words) and folded[:len(lw)] == lw:
            best = len(lw)
    return " ".join(words[best:]).lstrip(":.… ") if best else raw


@functools.lru_cache(maxsize=8192)
def _folded_label_words(label: str) -> tuple[str, ...]:
    """The folded words of a label, as `strip_label` compares them (remembered: labels are the catalogue's)."""
    return tuple(w.strip(":") for w in fold(clean_label(label)).split())


def cut_label(line: str, labels: Sequence[str], start: int = 0) -> int | None:
    """Where the value starts in `line` when the label this document prints for it was typed in front, reworded
    or without tones (`Kê tên cac CSDL chuyên nganh do Sơ quan ly, sư dung Hệ thống …` for `Liệt kê các cơ sở dữ
    liệu chuyên ngành …`): a label aligned with the start of the line (rapidfuzz partial alignment of folded text,
    the words up to the cut as close to it), the value from the first word at or after the label's end that starts
    like a value (a capital, a digit, an address), never before `start`. None when no label aligns well enough or
    nothing would be left."""
    key = fold(line)
    best: tuple[float, int] | None = None
    for label in labels:
        lk = fold(clean_label(label))
        if not lk or len(lk) >= len(key):
            continue
        a = fuzz.partial_ratio_alignment(lk, key)
        if a is None or a.score < LABEL_CUT or any(ch.isalpha() for ch in key[:a.dest_start]):
            continue  # the label is not what the line starts with
        m = _VALUE_WORD.search(line, max(a.dest_end - 1, start))
        if m is None or not _label_words(key[:m.start()], lk):
            continue  # nothing typed after it, or the words skipped are more than the label's
        if best is None or a.score > best[0]:
            best = (a.score, m.start())
    return best[1] if best else None


def _label_words(prefix: str, label: str) -> bool:
    """Are the folded words before a cut the label's, reworded: as close as `LABEL_CUT` and most of them
    (`LABEL_WORDS`) words of the label (`Đơn vị Trung tâm` is not `Đơn vị công tác`)?"""
    words = _WORD.findall(prefix)
    if not words or fuzz.ratio(" ".join(prefix.split()).strip(" :.,"), label) < LABEL_CUT:
        return False
    known = set(_WORD.findall(label))
    return sum(w in known for w in words) >= LABEL_WORDS * len(words)


def strip_printed(raw: str, before: str, after: str) -> str:
    """Remove the form's own words that stuck to the typed value (`Liệt kêPhần mềm…`, `…, chuyên ngành`)."""
    text = nfc(raw).strip()
    if before and fold(text).startswith(fold(before)):
        text = text[len(before):].lstrip(" :.,…")
    if after:
        at = fold(text).find(fold(after))
        separator = after[0] in ",;"  # ", chuyên ngành": the next label, so the value ends there
        if at > 0 and (separator or at + len(after) >= len(text)):
            text = text[:at].rstrip(" :.,…")
    return text
