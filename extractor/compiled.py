"""Compiled copies of what is built from `patterns/` (the catalogue with its matching keys), kept on disk between
runs and keyed by the content of every file they were built from.

    key = fingerprint(files)        sha256 of this cache's format, the Python and package versions, the source of
                                    the modules that build the object, and each input file's path and bytes
    load(name, key) -> obj | None   the object stored under (name, key), or None (absent, unreadable, disabled)
    store(name, key, obj)           written to a temporary file in the same folder, then renamed into place

A changed pattern or overlay file (or changed code) gives another key, so a stale copy is never read; concurrent
writers each write their own temporary file and the last rename wins with identical content. Any failure to
read or write the cache only costs the time of building the object again.

The folder is `$EXTRACTOR_CACHE_DIR`, else `$XDG_CACHE_HOME/vn-form-extractor`, else
`~/.cache/vn-form-extractor`; `EXTRACTOR_CACHE_DIR=off` turns the cache off. It holds pickles, so it must be
writable by its user only (it is created with mode 0700, as the user's other caches are).

    regex_compile(pattern, flags)   `regex.compile`, from the entry ``regex`` when a process compiled it before

A `regex` pattern pickles as the code its compiler made (`regex` rebuilds it from that code, with no parsing): the
patterns a process compiles are kept, and read back by the next process instead of being compiled again.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import regex

from extractor import __version__

FORMAT = 1  # bump when the layout of what is stored changes in a way the code hashes would not show
KEEP = 8  # entries kept per name (older ones are removed when a new one is stored)
PATTERNS_NAME = "regex"
KEEP_PATTERNS = 1024  # compiled patterns kept in that entry (the oldest go first)
PACKAGE = Path(__file__).resolve().parent
# the modules whose code decides what a compiled catalogue holds
CODE = ("catalogue.py", "compiled.py", "yamlfile.py", "text/__init__.py", "text/normalize.py", "text/vocab.py")


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off."""
    env = os.environ.get("EXTRACTOR_CACHE_DIR")
    if env is not None and env.strip().lower() in ("off", "0", "no", "false"):
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vn-form-extractor"


def writable() -> bool:
    """Can the cache folder be written (created if need be)? False when the cache is off."""
    folder = cache_dir()
    if folder is None:
        return False
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def fingerprint(files: Iterable[Path]) -> str:
    """A key for an object built from `files` (in this order) by this package's code.

    A file is named by its absolute path (`os.path.abspath`: `Path.resolve` looks up every folder on the way,
    ~65 µs a file, ~2 ms of each start-up over the four keys; a file reached through another link only gets an
    entry of its own)."""
    h = hashlib.sha256()
    h.update(_code_digest())
    for path in files:
        h.update(os.path.abspath(path).encode() + b"\0")
        try:
            h.update(hashlib.sha256(Path(path).read_bytes()).digest())
        except OSError:
            h.update(b"<unreadable>")
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """The digest of this cache's format, the versions and the source of `CODE`, read once per process: the
    modules run are the ones imported, whatever is on disk later."""
    h = hashlib.sha256()
    h.update(f"{FORMAT}\0{__version__}\0{sys.version}\0{pickle.HIGHEST_PROTOCOL}\0".encode())
    for name in CODE:
        h.update(name.encode() + b"\0" + (PACKAGE / name).read_bytes() + b"\0")
    return h.digest()


def _path(folder: Path, name: str, key: str) -> Path:
    return folder / f"{name}-{key[:40]}.pickle"


def load(name: str, key: str) -> Any | None:
    """The object stored under `name` and `key`, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(_path(folder, name, key), "rb") as fh:
            stored_key, obj = pickle.load(fh)  # noqa: S301 - the user's own cache folder (mode 0700)
    except Exception:  # noqa: BLE001 - absent, truncated or from another version: build it again
        return None
    return obj if stored_key == key else None


def store(name: str, key: str, obj: Any) -> None:
    """Store `obj` under `name` and `key` atomically; failures are ignored (the cache is an optimisation)."""
    folder = cache_dir()
    if folder is None:
        return
    import tempfile  # only when storing (with shutil and random, ~3 ms of every start-up)

    tmp = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((key, obj), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, _path(folder, name, key))
        tmp = None
        _prune(folder, name)
    except Exception:  # noqa: BLE001 - read-only home, full disk, unpicklable object: run without the cache
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _prune(folder: Path, name: str) -> None:
    """Keep the `KEEP` most recently written entries of `name`."""
    entries = []
    for p in folder.glob(f"{name}-*.pickle"):
        try:
            entries.append((p.stat().st_mtime, p))
        except OSError:
            continue
    for _mtime, p in sorted(entries, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            p.unlink()


# ── compiled `regex` patterns ───────────────────────────────────────────────────────────────────


def regex_compile(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile(pattern, flags)`: the same compiled code, read from the cache when a process compiled this
    pattern before (~0.01 ms instead of 0.2-2.5 ms: `regex` compiles in Python; ~30 ms of CPU in a process's
    imports and first return).

    The pattern is kept under its text, its flags and `regex`'s default version (the key of the entry holds the
    versions of `regex` and Python); new ones are stored when the process exits. For patterns made once (at
    import, or behind a cache) whose text is the same in every process: words joined in a set's order would
    give each process a pattern of its own to store."""
    key = (pattern, int(flags), int(regex.DEFAULT_VERSION))
    found = _PATTERNS.get(key)
    if found is not None:
        return found
    blob = _kept_patterns().get(key)
    if blob is not None:
        found = _unpickle_pattern(blob, pattern)
    if found is None:
        found = regex.compile(pattern, flags)
        _keep_pattern(key, found)
    if len(_PATTERNS) >= KEEP_PATTERNS:
        _PATTERNS.clear()
    _PATTERNS[key] = found
    return found


# this process's patterns by key; the cache entry's pickles by key (read once); whether the entry is to be stored
_PATTERNS: dict[tuple[str, int, int], regex.Pattern[str]] = {}
_KEPT_PATTERNS: dict[tuple[str, int, int], bytes] | None = None
_NEW_PATTERNS: list[bool] = [False]


def _unpickle_pattern(blob: bytes, pattern: str) -> regex.Pattern[str] | None:
    """The pattern pickled in `blob`, or None when it cannot be read or is not `pattern`'s."""
    try:
        found = pickle.loads(blob)  # noqa: S301 - the user's own cache folder (mode 0700)
    except Exception:  # noqa: BLE001 - truncated or from another build: compiled again
        return None
    return found if isinstance(found, regex.Pattern) and found.pattern == pattern else None


def _kept_patterns() -> dict[tuple[str, int, int], bytes]:
    """Key of a pattern -> the pickle of its compiled form: the cache entry, read once per process."""
    global _KEPT_PATTERNS
    if _KEPT_PATTERNS is None:
        found = load(PATTERNS_NAME, _patterns_key())
        _KEPT_PATTERNS = found if isinstance(found, dict) else {}
    return _KEPT_PATTERNS


def _keep_pattern(key: tuple[str, int, int], compiled: regex.Pattern[str]) -> None:
    """Add a newly compiled pattern to the entry, which is stored at exit. A locale-dependent pattern is not
    kept (its code depends on the locale of the process)."""
    if compiled.flags & regex.LOCALE or cache_dir() is None:
        return
    kept = _kept_patterns()
    try:
        kept[key] = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - not picklable: compiled again next time
        return
    while len(kept) > KEEP_PATTERNS:
        del kept[next(iter(kept))]
    if not _NEW_PATTERNS[0]:
        _NEW_PATTERNS[0] = True
        atexit.register(_store_patterns)


def _store_patterns() -> None:
    """Store the entry with this process's new patterns (at exit: one write, whatever their number)."""
    if _NEW_PATTERNS[0] and _KEPT_PATTERNS is not None:
        store(PATTERNS_NAME, _patterns_key(), _KEPT_PATTERNS)
        _NEW_PATTERNS[0] = False


@functools.lru_cache(maxsize=1)
def _patterns_key() -> str:
    """The key of the pattern entry: what a compiled pattern depends on besides its text and flags."""
    return hashlib.sha256(f"{FORMAT}\0{sys.version}\0regex {regex.__version__}\0{pickle.HIGHEST_PROTOCOL}"
                          .encode()).hexdigest()
