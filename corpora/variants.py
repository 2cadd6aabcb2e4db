"""Variant templates: the same form as another province or year would word and lay it out.

Each operation returns a transformed copy of a `FormDesc`; `make_variant` picks a few at random and
names them, so the truth records which variations a return carries.
"""

from __future__ import annotations

import copy
import random
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import regex
import yaml

from corpora.boxes import GLYPHS
from corpora.formdesc import (
    Blank,
    Choice,
    FormDesc,
    Heading,
    Line,
    ListTable,
    Para,
    Signature,
    Table,
)

VARIATION = yaml.safe_load(Path(__file__).with_name("data").joinpath("variation.yaml").read_text(encoding="utf-8"))
BOXES = [*GLYPHS, "formcheckbox", "sdt"]
TextFn = Callable[[str], str]


def map_text(desc: FormDesc, fn: TextFn, labels_too: bool = True) -> FormDesc:
    """Copy of `desc` with `fn` applied to every printed text (blank values are not text)."""
    d = copy.deepcopy(desc)
    d.title = [fn(t) for t in d.title]
    for b in d.body:
        if isinstance(b, (Heading, Para)):
            b.text = fn(b.text)
        elif isinstance(b, Line):
            b.segments = [_seg(s, fn, labels_too) for s in b.segments]
        elif isinstance(b, Choice):
            _choice(b, fn, labels_too)
        elif isinstance(b, Table):
            for row in b.header:
                for hc in row:
                    hc.text = fn(hc.text) if hc.text else hc.text
            for r in b.rows:
                r.label = fn(r.label) if r.label else r.label
                if r.options:
                    r.options = [replace(o, text=fn(o.text)) for o in r.options]
                for cell in r.cells or []:
                    for line in cell.lines:
                        if isinstance(line, Choice):
                            _choice(line, fn, labels_too)
                        else:
                            line[:] = [_seg(s, fn, labels_too) for s in line]
        elif isinstance(b, ListTable):
            for row in b.header:
                for hc in row:
                    hc.text = fn(hc.text) if hc.text else hc.text
            for c in b.columns:
                if c.options:
                    c.options = [replace(o, text=fn(o.text)) for o in c.options]
        elif isinstance(b, Signature):
            b.lines = [fn(t) for t in b.lines]
    return d


def _choice(b: Choice, fn: TextFn, labels_too: bool) -> None:
    b.label = fn(b.label) if b.label else None
    b.options = [replace(o, text=fn(o.text) if o.text else o.text, tail=[_seg(s, fn, labels_too) for s in o.tail])
                 for o in b.options]


def _seg(s: str | Blank, fn: TextFn, labels_too: bool) -> str | Blank:
    if isinstance(s, str):
        return fn(s)
    if labels_too:
        return replace(s, label=fn(s.label) if s.label else None, col=fn(s.col) if s.col else None)
    return s


def _replacer(pairs: dict[str, str]) -> TextFn:
    if not pairs:
        return lambda t: t
    pattern = regex.compile("|".join(regex.escape(k) for k in sorted(pairs, key=len, reverse=True)))
    return lambda t: pattern.sub(lambda m: pairs[m.group(0)], t)


def reword(desc: FormDesc, rng: random.Random) -> FormDesc:
    """Form-specific rewordings from the description, then generic synonyms."""
    pairs = {k: rng.choice(v) for k, v in sorted(desc.rewrites.items()) if rng.random() < 0.8}
    d = map_text(desc, _replacer(pairs))
    syn = {k: rng.choice(v) for k, v in sorted(VARIATION["synonyms"].items()) if rng.random() < 0.3}
    return map_text(d, _word_replacer(syn))


def _word_replacer(pairs: dict[str, str]) -> TextFn:
    if not pairs:
        return lambda t: t
    pattern = regex.compile(r"(?<!\w)(" + "|".join(regex.escape(k) for k in sorted(pairs, key=len, reverse=True))
                            + r")(?!\w)")
    return lambda t: pattern.sub(lambda m: pairs[m.group(1)], t)


def abbreviations(desc: FormDesc, rng: random.Random) -> FormDesc:
    """Spell abbreviations out, or abbreviate spelled-out phrases."""
    pairs: dict[str, str] = {}
    for short, longs in sorted(VARIATION["abbreviations"].items()):
        if rng.random() < 0.5:
            pairs[short] = rng.choice(longs)
        else:
            for long in longs:
                pairs[long] = short
    return map_text(desc, _word_replacer(pairs))


def old_tones(desc: FormDesc, rng: random.Random) -> FormDesc:
    """Old-style tone placement (hoà, thuỷ) as some typists use."""
    return map_text(desc, _word_replacer(dict(VARIATION["old_tones"])))


def strip_tones(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn" or c in "\u0306\u0302\u031b")
    return unicodedata.normalize("NFC", kept)


def no_tones(desc: FormDesc, rng: random.Random) -> FormDesc:
    """Some labels typed without tone marks (vowel shapes kept or, sometimes, all diacritics dropped)."""
    def fn(t: str) -> str:
        if rng.random() < 0.5:
            return t
        if rng.random() < 0.3:
            decomposed = unicodedata.normalize("NFD", t.replace("đ", "d").replace("Đ", "D"))
            return "".join(c for c in decomposed if not unicodedata.combining(c))
        return strip_tones(t)
    return map_text(desc, fn, labels_too=False)


def typos(desc: FormDesc, rng: random.Random) -> FormDesc:
    """A slip of the keyboard in some labels: a swapped, dropped or doubled letter."""
    def fn(t: str) -> str:
        words = [m for m in regex.finditer(r"\p{L}{4,}", t)]
        if not words or rng.random() > 0.15:
            return t
        m = rng.choice(words)
        w = m.group(0)
        i = rng.randrange(1, len(w) - 1)
        op = rng.choice(["swap", "drop", "double"])
        new = {"swap": w[:i] + w[i + 1] + w[i] + w[i + 2:], "drop": w[:i] + w[i + 1:],
               "double": w[:i] + w[i] + w[i:]}[op]
        return t[:m.start()] + new + t[m.end():]
    return map_text(desc, fn, labels_too=False)


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def renumber(desc: FormDesc, rng: random.Random) -> FormDesc:
    """Another numbering scheme: section words and numbers, `1.` → `1)`, items shifted."""
    word = rng.choice(VARIATION["numbering"]["MỤC"])
    roman = rng.random() < 0.5
    shift = rng.choice([0, 1])

    def heading(t: str) -> str:
        t = regex.sub(r"^MỤC\s+(\d+)", lambda m: f"{word} {ROMAN[int(m.group(1)) - 1] if roman else m.group(1)}",
                      t)
        return t

    def items(t: str) -> str:
        return regex.sub(r"^(\s*)(\d+)\.(\s)", lambda m: f"{m.group(1)}{int(m.group(2)) + shift}){m.group(3)}", t)

    d = map_text(desc, items, labels_too=False)
    for b in d.body:
        if isinstance(b, Heading):
            b.text = heading(b.text)
    return d


def reorder(desc: FormDesc, rng: random.Random) -> FormDesc:
    """Two neighbouring top-level sections swapped (not the first)."""
    starts = [i for i, b in enumerate(desc.body) if isinstance(b, Heading) and b.level == 1]
    if len(starts) < 3:
        return desc
    k = rng.randrange(1, len(starts) - 1)
    a, b, c = starts[k], starts[k + 1], starts[k + 2] if k + 2 < len(starts) else len(desc.body)
    d = copy.deepcopy(desc)
    d.body = d.body[:a] + d.body[b:c] + d.body[a:b] + d.body[c:]
    return d


def nfd(desc: FormDesc, rng: random.Random) -> FormDesc:
    """The whole document in Unicode NFD (as some converters write it)."""
    return map_text(desc, lambda t: unicodedata.normalize("NFD", t))


TEXT_OPS = [("abbreviations", abbreviations, 0.5), ("old_tones", old_tones, 0.3), ("no_tones", no_tones, 0.25),
            ("typos", typos, 0.3), ("renumber", renumber, 0.35), ("reorder", reorder, 0.25)]


def make_variant(desc: FormDesc, rng: random.Random) -> tuple[FormDesc, list[str], str]:
    """A variant wording of `desc`: (description, names of the operations applied, box encoding)."""
    ops = ["reword"]
    d = reword(desc, rng)
    for name, op, p in TEXT_OPS:
        if rng.random() < p:
            d = op(d, rng)
            ops.append(name)
    box = desc.box
    if rng.random() < 0.6:
        box = rng.choice([b for b in BOXES if b != desc.box])
        ops.append(f"box:{box}")
    if rng.random() < 0.15:
        d = nfd(d, rng)
        ops.append("nfd")
    return d, ops, box
