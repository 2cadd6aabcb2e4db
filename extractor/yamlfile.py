"""Reading the YAML files of `patterns/`: one place turns an unreadable or malformed file into `PatternError`,
and parses with libyaml (`yaml.CSafeLoader`) when PyYAML was built with it (five times faster than the
pure-Python `SafeLoader`, which is the fallback; both build the same safe Python objects).

A text parsed once is kept, as the pickle of what it gave, in the compiled cache (`extractor.compiled`, name
``yaml``: keyed like the catalogue by this package's code and versions, and each entry by the digest of the
text itself, so an edited file is parsed again). A later process reads the small pattern files it needs at
start-up (confidence weights, matching settings, checkboxes, encodings, syllables, vocabulary) from there and
never imports PyYAML (~130 M instructions with the seven parses). PyYAML is imported at the first text not
kept: `yaml_error()` stands for its `YAMLError` in an ``except`` clause meanwhile.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import sys
from pathlib import Path
from typing import Any

from extractor import compiled
from extractor.errors import PatternError

CACHE_NAME = "yaml"
KEEP_TEXTS = 64  # parsed texts kept in the cache entry (the pattern files and their edits; the oldest go first)
# the longest text kept: the small pattern files every process reads; the catalogue and the forms (~170 KB, ~40 KB)
# are built into the compiled catalogue, whose own cache entry a process reads instead
KEEP_CHARS = 16384


def __getattr__(name: str) -> Any:
    """`SafeLoader`: PyYAML's libyaml loader when it has one, else its Python `SafeLoader` (imports PyYAML)."""
    if name == "SafeLoader":
        return _safe_loader()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _safe_loader() -> type:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NotParsed(Exception):
    """What `yaml_error` gives before PyYAML is imported: no YAML was parsed, so nothing raises it."""


def yaml_error() -> type[Exception]:
    """PyYAML's `YAMLError` once PyYAML is imported, else an exception nothing raises: for an ``except`` clause
    around `load_text` (``except (OSError, yaml_error()) as exc``), which imports PyYAML before it parses."""
    yaml = sys.modules.get("yaml")
    return yaml.YAMLError if yaml is not None else _NotParsed


def parse(text: str, unique_keys: bool = False) -> Any:
    """`yaml.safe_load(text)` with libyaml when available (never kept); `unique_keys`: a mapping naming a key
    twice is refused (`yaml.constructor.ConstructorError` "duplicate key …") instead of keeping the last."""
    import yaml

    return yaml.load(text, Loader=_unique_key_loader() if unique_keys else _safe_loader())  # noqa: S506 - safe


def load_text(text: str, unique_keys: bool = False) -> Any:
    """`parse(text, unique_keys)`, from the cache when this text was parsed before (new objects each call, as a
    parse gives: the pickle of what it gave, read again; equal values, the same sharing of repeated nodes). A text
    longer than `KEEP_CHARS` is parsed every time."""
    if len(text) > KEEP_CHARS:
        return parse(text, unique_keys)
    digest = hashlib.sha256(b"unique\0" + text.encode("utf-8", "surrogatepass") if unique_keys
                            else text.encode("utf-8", "surrogatepass")).digest()
    kept = _kept()
    blob = kept.get(digest)
    if blob is not None:
        return pickle.loads(blob)  # noqa: S301 - the user's own cache folder (mode 0700), or this process
    data = parse(text, unique_keys)
    try:
        blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - not picklable: parsed again next time
        return data
    while len(kept) >= KEEP_TEXTS:
        del kept[next(iter(kept))]
    kept[digest] = blob
    compiled.store(CACHE_NAME, _key(), kept)
    return data


_KEPT: dict[bytes, bytes] | None = None


def _kept() -> dict[bytes, bytes]:
    """Digest of a text -> the pickle of what it parses to: the cache entry, read once per process."""
    global _KEPT
    if _KEPT is None:
        found = compiled.load(CACHE_NAME, _key())
        _KEPT = found if isinstance(found, dict) else {}
    return _KEPT


def _key() -> str:
    return compiled.fingerprint(())


@functools.lru_cache(maxsize=1)
def _unique_key_loader() -> type:
    """The safe loader refusing a mapping that names a key twice (built once, when first needed)."""
    import yaml

    class UniqueKeyLoader(_safe_loader()):  # type: ignore[misc]
        pass

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return loader.construct_mapping(node, deep=deep)

    UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return UniqueKeyLoader


def read_yaml(path: Path) -> Any:
    """The parsed YAML in `path`; `PatternError` naming the file when it cannot be read or parsed."""
    try:
        return load_text(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PatternError(f"cannot be read ({exc.strerror or exc})", path=str(path)) from None
    except yaml_error() as exc:
        raise PatternError("is not valid YAML: " + " ".join(str(exc).split()), path=str(path)) from None


def read_mapping(path: Path) -> dict[str, Any]:
    """Like `read_yaml`, for files whose top level must be a mapping."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise PatternError("must be a mapping at the top level", path=str(path))
    return data
