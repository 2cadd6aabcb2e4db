"""A faster pdfminer content-stream interpreter: the same operators, run on the same objects, parsed by one regex.

    ContentInterpreter(rsrcmgr, device).process_page(page)     as pdfminer's PDFPageInterpreter
    parse_content(data) -> list of operands and PSKeyword operators, or None (inline images: left to pdfminer)

pdfminer tokenizes content streams a character state at a time (`PSBaseParser`, with a debug log call per token):
two thirds of a page's layout time. `parse_content` reads the same tokens with one regular expression and builds
the same objects (numbers, names, strings, arrays, dictionaries, keywords), with pdfminer's quirks kept: streams
joined as if by a newline, a name's ``#xx`` escapes, a string's escapes (an unknown one dropped, octal codes), a
hex string's odd last digit read as a whole byte, tokens that do not parse (``-``, ``.``) skipped, a string or hex
string left open at the end dropped, an unbalanced ``]`` or ``>>`` ignored, a dictionary with an odd count of
entries an error. A stream with an inline image (``BI … ID … EI``, binary data inside) is left to pdfminer's parser.
`ContentInterpreter.execute` runs the parsed objects through pdfminer's own ``do_*`` operators, so the device
sees the same calls. ``EXTRACTOR_PDF_PARSER=pdfminer`` switches back to pdfminer's interpreter (to compare).

Weighed and not taken: PDFium (pypdfium2) reads a page's characters with boxes, sizes and fonts in about a third of
the time this path takes, and honours LibreOffice's /ActualText (f000_r000's boxes come back as U+F071 / U+F0FE),
but it boxes a character from the font's ascent and descent (loose box) or its outline (tight box), not from
the descent and font size as pdfminer does: every gap, line and fit threshold of the reader would move.
"""

from __future__ import annotations

import os
import re
from binascii import unhexlify
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from pdfminer import pdffont
from pdfminer.cmapdb import CMapParser
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import KWD, LIT, PSEOF, PSKeyword, PSSyntaxError, literal_name

FAST = os.environ.get("EXTRACTOR_PDF_PARSER", "fast") != "pdfminer"

_SIMPLE_ITEMS = (rb"(?:\s*(?:<[0-9a-fA-F]*>(?=[\s<\]0-9.+-])"  # a hex string of digits only,
                 rb"|[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?=[\s<\]])))*\s*")  # a number, each as group 1 reads it
_TOKEN = re.compile(
    rb"[\s\x00]*(?:%[^\r\n]*[\s\x00]*)*"  # white space (and NUL, skipped by pdfminer) and comments before a token
    rb"(?:([-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)"  # 1 a number (int, or float with a dot)
    rb"|([A-Za-z][^#/%\[\]()<>{}\s]*)"  # 2 a keyword (an operator, true, false)
    rb"|<([0-9a-fA-F]*)>(?!>)"  # 3 a hex string of digits only, with its end (not a '>>' after it: read next)
    rb"|<(?!<)([\s0-9a-fA-F]*)(?=[^\s0-9a-fA-F])"  # 4 any other hex string (its end, not taken here, is read next)
    rb"|/((?:[^#/%\[\]()<>{}\s]|#[0-9a-fA-F]{0,2})*)"  # 5 a name
    rb"|\(([^()\\]*)\)"  # 6 a string without escapes or nested brackets
    rb"|(\()"  # 7 any other string: read by _string
    rb"|(<<)"  # 8
    rb"|(>>)"  # 9
    rb"|(>)"  # 10 a lone '>' (after a hex string): nothing
    rb"|(<)"  # 11 a hex string left open at the end: dropped with the rest
    rb"|\[" + _SIMPLE_ITEMS + rb"\]()"  # 12 an array of hex strings (digits only) and numbers (TJ's): read by _array
    # (the group after the array: no group is open while its items repeat, so the regex engine saves no marks)
    rb"|(.)"  # 13 any other byte: a one-character keyword ([ ] { } ' " …)
    rb"|\Z)",  # the end
    re.S)
_HEX_BRACKETS = re.compile(rb"[<>]")
_NAME_HEX = re.compile(rb"#([0-9a-fA-F]{0,2})")
_OPEN_ESCAPE = re.compile(rb"#[0-9a-fA-F]{0,2}$")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.", re.S)
_SPACES = b" \t\n\r\f\v"  # what \s matches in a bytes pattern
_STRING_END = re.compile(rb"[()\\]")
_ESCAPES = {ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("f"): 12, ord("r"): 13, ord("("): 40, ord(")"): 41,
            ord("\\"): 92}
_OCTAL = frozenset(b"01234567")
_ARRAY_BEGIN, _ARRAY_END = KWD(b"["), KWD(b"]")
_DICT_BEGIN, _DICT_END = KWD(b"<<"), KWD(b">>")
_PROC_BEGIN, _PROC_END = KWD(b"{"), KWD(b"}")
_INLINE = (KWD(b"BI"), KWD(b"ID"))
_OPEN = {_ARRAY_BEGIN: "a", _DICT_BEGIN: "d", _PROC_BEGIN: "p"}
_CLOSE = {_ARRAY_END: "a", _DICT_END: "d", _PROC_END: "p"}


class _Inline(Exception):
    """The stream has an inline image: pdfminer's parser reads it."""


def _string(data: bytes, i: int) -> tuple[bytes | None, int]:
    """A literal string starting after its '(' at `i` (pdfminer's `_parse_string`): (its bytes or None when it is
    left open at the end, the position after it)."""
    out = bytearray()
    depth = 1
    n = len(data)
    while True:
        m = _STRING_END.search(data, i)
        if m is None:
            return None, n
        j = m.start()
        out += data[i:j]
        c = data[j]
        if c == 0x5C:  # backslash
            j += 1
            if j >= n:
                return None, n
            e = data[j]
            if e in _OCTAL:
                k = j
                while k < n and k < j + 3 and data[k] in _OCTAL:
                    k += 1
                code = int(data[j:k], 8)
                assert code < 256, f"Invalid octal {data[j:k]!r} ({code})"  # as pdfminer
                out.append(code)
                i = k
                continue
            if e in _ESCAPES:
                out.append(_ESCAPES[e])
            elif e == 0x0D and data[j + 1:j + 2] == b"\n":
                j += 1
            i = j + 1
        elif c == 0x28:  # (
            depth += 1
            out.append(c)
            i = j + 1
        else:  # )
            depth -= 1
            i = j + 1
            if not depth:
                return bytes(out), i
            out.append(c)


_NUMBERS: dict[bytes, Any] = {}
_KEYWORDS: dict[bytes, Any] = {b"true": True, b"false": False}
_NAMES: dict[bytes, Any] = {}


def _number(raw: bytes) -> Any:
    hit = _NUMBERS.get(raw)
    if hit is None:
        try:
            hit = float(raw) if b"." in raw else int(raw)
        except ValueError:
            hit = False  # no token (pdfminer skips what does not parse)
        if len(_NUMBERS) < 100_000:
            _NUMBERS[raw] = hit
    return hit


def _name(raw: bytes) -> Any:
    hit = _NAMES.get(raw)
    if hit is None:
        text = _NAME_HEX.sub(lambda m: bytes((int(m.group(1), 16),)) if m.group(1) else b"", raw) \
            if b"#" in raw else raw
        try:
            name: str | bytes = str(text, "utf-8")
        except UnicodeDecodeError:
            name = text
        hit = LIT(name)
        if len(_NAMES) < 100_000:
            _NAMES[raw] = hit
    return hit


def _keyword(raw: bytes) -> Any:
    hit = _KEYWORDS.get(raw)
    if hit is None:
        hit = KWD(raw)
        if hit in _INLINE:
            raise _Inline
        if len(_KEYWORDS) < 100_000:
            _KEYWORDS[raw] = hit
    return hit


def parse_content(data: bytes) -> list[Any] | None:
    """The objects of a content stream, in order, as pdfminer's `PDFContentParser` delivers them to its interpreter
    (operands and PSKeyword operators); None when the stream has an inline image (see the module docstring)."""
    try:
        return _parse(data + b"\n")
    except _Inline:
        return None


def _hex(raw: bytes) -> bytes:
    """A hex string's bytes, as pdfminer reads them (white space ignored, an odd last digit a byte of its own)."""
    digits = raw.translate(None, _SPACES)
    if len(digits) % 2 == 0:
        return unhexlify(digits)
    return _HEX_PAIR.sub(lambda h: bytes((int(h.group(0), 16),)), digits)


def _array(raw: bytes) -> list[Any]:
    """The items of an array matched by `_TOKEN`'s group 12: hex strings of digits only and numbers (between '<' and
    '>' a hex string, outside them numbers apart by white space)."""
    out: list[Any] = []
    numbers = _NUMBERS
    for i, part in enumerate(_HEX_BRACKETS.split(raw)):
        if i & 1:
            out.append(unhexlify(part) if not len(part) & 1 else _hex(part))
        elif part:
            for num in part.split():
                obj = numbers.get(num)
                out.append(_number(num) if obj is None else obj)
    return out


def _parse(data: bytes) -> list[Any]:
    return _scan(data, True, _keyword)


def tokens(data: bytes) -> list[Any]:
    """The tokens of PostScript-like `data` as pdfminer's `PSBaseParser.nexttoken` gives them (numbers, keywords,
    names, strings, hex strings, ``<<`` / ``>>`` / ``[`` … as keywords), without positions."""
    return _scan(data + b"\n", False, _plain_keyword)


def _plain_keyword(raw: bytes) -> Any:
    hit = _KEYWORDS.get(raw)
    return KWD(raw) if hit is None else hit


def _scan(data: bytes, nest: bool, keyword: Callable[[bytes], Any]) -> list[Any]:
    """The objects of `data` (ending with the newline the callers add), in order: with `nest`, arrays, dictionaries
    and procedures built as pdfminer's `PSStackParser` builds them; without, the bare tokens (brackets as keywords).
    `keyword` makes a keyword's object."""
    out: list[Any] = []
    stack = out  # where objects go: `out` at the top level, else the open array / dictionary / procedure
    context: list[tuple[str, list[Any]]] = []  # (type, stack) of each open container, innermost last
    kind = ""
    pos = 0
    end = len(data) - 1  # the newline the caller added
    numbers = _NUMBERS
    keyword_class = PSKeyword
    while True:  # one pass of finditer up to the end or to a string with escapes or brackets (read by _string)
        restart = -1
        for m in _TOKEN.finditer(data, pos):
            g = m.lastindex
            if g == 1:
                raw = m.group(1)
                obj = numbers.get(raw)
                if obj is None:
                    obj = _number(raw)
                if obj is False:
                    continue
            elif g == 3:
                raw = m.group(3)
                obj = unhexlify(raw) if not len(raw) & 1 else _hex(raw)
            elif g == 2:
                obj = keyword(m.group(2))
            elif g == 12:
                raw = m.group()  # white space, comments (perhaps with a '['), the array: the array's body
                items = _array(raw[raw.rindex(b"[") + 1:-1])
                if nest:
                    stack.append(items)
                else:
                    out += (_ARRAY_BEGIN, *items, _ARRAY_END)
                continue
            elif g == 5:
                obj = _name(m.group(5))
                if m.end() == end and _OPEN_ESCAPE.search(m.group(5)):
                    return out  # pdfminer drops a name ending in a #xx escape at the very end
            elif g == 4:
                obj = _hex(m.group(4))
            elif g == 6:
                obj = m.group(6)
            elif g == 7:
                obj, restart = _string(data, m.end())
                if obj is None:
                    return out
            elif g == 10 or g is None:
                continue
            elif g == 11:
                return out
            elif g == 13:
                obj = keyword(m.group(13))
            else:
                obj = _DICT_BEGIN if g == 8 else _DICT_END
            if nest and obj.__class__ is keyword_class:
                opened = _OPEN.get(obj)
                if opened is not None:
                    context.append((kind, stack))
                    kind, stack = opened, []
                    obj = None
                else:
                    closed = _CLOSE.get(obj)
                    if closed is not None:
                        obj = None
                        if closed == kind:  # a mismatched end is ignored (pdfminer's PSTypeError, not strict)
                            objs = stack
                            kind, stack = context.pop()
                            if closed == "d":
                                if len(objs) % 2:
                                    raise PSSyntaxError(f"Invalid dictionary construct: {objs!r}")
                                stack.append({literal_name(k): v for k, v in zip(objs[::2], objs[1::2], strict=True)
                                              if v is not None})
                            else:
                                stack.append(objs)
            if obj is not None:
                stack.append(obj)
            if restart >= 0:
                break
        if restart < 0:
            return out
        pos = restart


class FastCMapParser(CMapParser):
    """pdfminer's ToUnicode / CMap parser reading its tokens from `tokens` (the CMaps of subset fonts, one entry per
    glyph, cost as much to tokenize as a page); installed in pdfminer.pdffont when this module is imported."""

    def __init__(self, cmap: Any, fp: Any) -> None:
        super().__init__(cmap, fp)
        data = fp.getvalue() if FAST and hasattr(fp, "getvalue") else None
        self._fast_tokens = deque(tokens(data)) if data is not None else None

    def nexttoken(self) -> tuple[int, Any]:
        if self._fast_tokens is None:
            return super().nexttoken()
        if not self._fast_tokens:
            raise PSEOF("Unexpected EOF")
        return 0, self._fast_tokens.popleft()


pdffont.CMapParser = FastCMapParser  # type: ignore[misc]  # pdfminer looks it up there when it reads a font


_METHODS: dict[tuple[type, PSKeyword], tuple[Callable[..., Any], int] | None] = {}


class ContentInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter with content streams parsed by `parse_content` (see the module docstring)."""

    def __init__(self, rsrcmgr: Any, device: Any) -> None:
        super().__init__(rsrcmgr, device)
        # operator -> (its do_* function, taking the interpreter and its arguments; their count), None: no such
        # operator. Functions, not bound methods: the interpreter holds no reference to itself (no cycle for the GC)
        self._operators: dict[PSKeyword, tuple[Callable[..., Any], int] | None] = {}

    def _operator(self, op: PSKeyword) -> tuple[Callable[..., Any], int] | None:
        """The ``do_*`` function pdfminer runs for `op` and its argument count; None when it has none."""
        key = (self.__class__, op)
        found = _METHODS.get(key, False)
        if found is False:
            name = "do_" + str(op.name, "utf-8", "ignore").replace("*", "_a").replace('"', "_w").replace("'", "_q")
            func = getattr(self.__class__, name, None)
            found = _METHODS[key] = (func, func.__code__.co_argcount - 1) if func is not None else None
        return found

    def execute(self, streams: Sequence[object]) -> None:
        valid: list[PDFStream] = []
        self.stream_ids.clear()
        for obj in streams:  # as pdfminer: streams without an id are skipped, circular references refused
            stream = stream_value(obj)
            if stream.objid is None or stream.objid in self.parent_stream_ids:
                continue
            valid.append(stream)
            self.stream_ids.add(stream.objid)
        if not valid:
            return
        objs = parse_content(b"\n".join(s.get_data() for s in valid))
        if objs is None:
            super().execute(streams)
            return
        argstack = self.argstack
        operators = self._operators
        for obj in objs:
            if obj.__class__ is not PSKeyword:
                argstack.append(obj)
                continue
            found = operators.get(obj, False)
            if found is False:
                found = operators[obj] = self._operator(obj)
            if found is None:
                continue
            func, nargs = found
            if nargs:
                args = argstack[-nargs:]
                del argstack[-nargs:]
                if len(args) == nargs:
                    func(self, *args)
            else:
                func(self)
            argstack = self.argstack  # an operator may replace the stack


def interpreter_class() -> type[PDFPageInterpreter]:
    """The interpreter the reader uses: `ContentInterpreter`, or pdfminer's with ``EXTRACTOR_PDF_PARSER=pdfminer``."""
    return ContentInterpreter if FAST else PDFPageInterpreter
