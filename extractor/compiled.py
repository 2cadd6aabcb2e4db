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
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from extractor import __version__

FORMAT = 1  # bump when the layout of what is stored changes in a way the code hashes would not show
KEEP = 8  # entries kept per name (older ones are removed when a new one is stored)
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
