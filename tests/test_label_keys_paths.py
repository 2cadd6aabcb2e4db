"""The shortcuts of the label keys (issue 18) give exactly what the plain computations give: tone marks moved by
one template substitution, whitespace squeezed by `str.split`, the trailing colon stripped by `str.rstrip`,
abbreviations looked for with a plain search first, and `Keys.of` computing `label_key` once."""

from __future__ import annotations

import sys

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.catalogue import _keys
from extractor.text import normalize as N
from extractor.text.vocab import abbreviations

# letters with and without marks, each tone mark and vowel-shape mark alone, digits, spaces of every kind,
# punctuation, abbreviations and the characters the cleaning steps remove
_PIECES = st.sampled_from([
    "a", "ă", "â", "e", "ê", "o", "ô", "ơ", "u", "ư", "y", "đ", "Đ", "A", "hòa", "hoà", "người", "NGƯỜI", "lượng",
    "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b", "\u034f",
    " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\x1c", "\x1f", "\u200b", "\u00ad", "1", "2.", "IV.", "a)", "-", ":",
    "?", "：", "…", "...", "__", "☐", "\uf0a8", "%", "/", "≤", "(", ")", ",", "CBCCVC", "QLVBĐH", "QLVBDH",
    "CCVC-NLĐ", "email", "E-mail", "CNTT", "xCNTT", "CNTTx", "TT&TT",
])
_TEXTS = st.lists(_PIECES, max_size=14).map("".join)


def _plain_tone_key(text: str) -> str:
    decomposed = N.nfd(N.nfd(text).lower())
    return N.nfc(N._SYLLABLE_RE.sub(N._move_tone, decomposed))


def _plain_clean_label(text: str) -> str:
    s = N._INVISIBLE_RE.sub("", N.nfc(text))
    s = N._GLYPHS_RE.sub(" ", s)
    s = N.remove_leaders(s)
    s = N._SPACE_RE.sub(" ", s).strip()
    for _ in range(4):
        stripped = N._NUMBERING_RE.sub("", s, count=1)
        if stripped == s:
            break
        s = stripped
    return N._TRAILING_RE.sub("", s)


def _plain_expand(text: str, table: dict[str, str]) -> str:
    pattern, spellings, _search = N._abbreviation_pattern(tuple(sorted(table.items())))
    return text if pattern is None else pattern.sub(lambda m: " " + spellings[m.group(0)] + " ", text)


def _plain_label_key(text: str, table: dict[str, str]) -> str:
    s = _plain_expand(_plain_clean_label(text), table)
    s = _plain_tone_key(s)
    s = N._PUNCT_RE.sub(" ", s)
    s = regex.sub("([" + regex.escape(N._KEPT_SYMBOLS) + "])", r" \1 ", s)
    return N._SPACE_RE.sub(" ", s).strip()


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_tone_key_equals_moving_each_syllables_tones(text: str) -> None:
    assert N.tone_key.__wrapped__(text) == _plain_tone_key(text)


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_label_keys_equal_the_plain_steps(text: str) -> None:
    table = dict(abbreviations())
    assert N.clean_label.__wrapped__(text) == _plain_clean_label(text)
    assert N.expand_abbreviations(text, table) == _plain_expand(text, table)
    assert N.label_key(text, table) == _plain_label_key(text, table)
    keys = _keys.__wrapped__(text)
    assert (keys.tone, keys.folded) == (N.label_key(text, table), N.label_fold_key(text, table))


def test_squeeze_equals_the_whitespace_pattern_for_every_character() -> None:
    """`str.split` and `\\s` disagree on no character outside `_SPLIT_ODD` (checked over all of Unicode)."""
    odd = [chr(c) for c in range(sys.maxunicode + 1)
           if chr(c).isspace() != bool(N._SPACE_RE.match(chr(c)))]
    assert all(N._SPLIT_ODD.match(c) for c in odd)
    for c in odd + [" ", "\t", "\u3000"]:
        text = f"{c}a{c}{c}b {c}"
        assert N._squeeze(text) == N._SPACE_RE.sub(" ", text).strip()


def test_a_changed_abbreviation_table_is_used() -> None:
    """The remembered table is compared, not trusted: another table gives its own expansions."""
    assert N.expand_abbreviations("số CNTT", {"CNTT": "công nghệ thông tin"}) == "số  công nghệ thông tin "
    assert N.expand_abbreviations("số CNTT", {"CNTT": "x"}) == "số  x "
    assert N.expand_abbreviations("số CNTT", {}) == "số CNTT"


# words that test `label_keys`' cut at spaces: a combining mark or a Hangul vowel after a space (nothing composes
# across it), a final sigma before a space, odd spaces inside a word, punctuation and kept symbols at a word's edge
_WORD_PIECES = st.one_of(_PIECES, st.sampled_from([
    " \u0301", " \u0323a", "ΑΣ", "Σ", "σ", " ᅡ", "가", "ᄀ", "\u0345", " \u0345", "'", ".", "ǅ", "İ", "ß", "ﬁ",
    "TT&TT ", " CBCC", "CBCC-", "-CBCC", "≥", " %", "\x1e", "x\x1dy",
]))
_WORD_TEXTS = st.lists(_WORD_PIECES, max_size=14).map("".join)


@settings(max_examples=4000, deadline=None)
@given(_WORD_TEXTS)
def test_label_keys_word_by_word_equal_the_plain_steps(text: str) -> None:
    """`label_keys` (the keys of each word between spaces, remembered per word) gives the plain `label_key` and
    its fold, whatever the word memo holds (each text twice: once computing its words, once remembering them)."""
    table = dict(abbreviations())
    want = _plain_label_key(text, table)
    assert N.label_keys(text, table) == (want, N.fold.__wrapped__(want))
    assert N.label_keys(text, table) == (want, N.fold.__wrapped__(want))


def test_label_keys_with_a_spelling_holding_a_space_take_the_plain_steps() -> None:
    """An abbreviation whose spelling holds a space may span two words: the whole text is keyed at once."""
    table = {"C N": "công nghệ"}
    assert N.label_keys("số C N mới", table) == (N.label_key("số C N mới", table), "so cong nghe moi")
    assert N.label_keys("số C N mới", dict(abbreviations()))[0] == N.label_key("số C N mới", dict(abbreviations()))


def test_label_keys_memo_is_bounded() -> None:
    table = dict(abbreviations())
    N.label_keys("a", table)
    for k in range(N._WORD_KEYS_MAX + 10):
        N.label_keys(f"w{k}", table)
    assert len(N._LAST_TABLE[2]) <= N._WORD_KEYS_MAX
