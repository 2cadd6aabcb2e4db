"""One exception tree for the product.

    ExtractionError                 base: every error the product raises on purpose
    ├── InputError (ValueError)     a file the product cannot use: missing, corrupt, encrypted, wrong type
    ├── PatternError (ValueError)   a patterns/ or corpora/forms/ data file is malformed
    ├── EvaluationError             predictions or truth cannot be scored
    └── ReviewError                 a review decision cannot be stored or exported (`extractor review`)
        └── ConflictError           someone else changed the item since the reviewer loaded it

Messages are written for the person running the tool: they name the file and say what to do.
Each class has a stable code, printed as ``[E101] …``.
"""

from __future__ import annotations


class ExtractionError(Exception):
    """Base class of every error the product raises on purpose."""

    code = "E100"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"[{self.code}] {where}{self.message}"


class InputError(ExtractionError, ValueError):
    """An input file cannot be read as a form return."""

    code = "E101"


class PatternError(ExtractionError, ValueError):
    """A rules/description data file is malformed."""

    code = "E201"


class EvaluationError(ExtractionError):
    """Predictions or ground truth cannot be scored."""

    code = "E301"


class ReviewError(ExtractionError):
    """A review decision is invalid or cannot be stored."""

    code = "E401"


class ConflictError(ReviewError):
    """The item changed since the reviewer saw it (optimistic concurrency)."""

    code = "E402"
