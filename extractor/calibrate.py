"""Fit the confidence model (`patterns/confidence.yaml`) on the training half of the corpus.

    python -m extractor.calibrate [--corpus corpora] [--train-below 16]

Returns r000…r015 of each form train the weights, the rest stay for evaluation. The fit is an L2-regularised
logistic regression (Newton's method) of "the predicted value is right" on the evidence features of
`extractor.confidence.FEATURES`; it is what makes a confidence of 0.9 mean nine in ten.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import yaml

from extractor.catalogue import PATTERNS, load_catalogue
from extractor.confidence import FEATURES, evidences_features
from extractor.evaluate import normalise_value
from extractor.pipeline import extract_with_evidence
from extractor.readers import read

HEADER = """# Confidence = sigmoid(bias + Σ weight·feature), features in 0..1 (extractor/confidence.py).
# Fitted by `python -m extractor.calibrate` on the training half of the corpus (returns r000–r015 of each
# form, DOCX); the README's evaluation covers all returns. Re-run it after changing matching or parsing.
"""


def collect(corpus: Path, train_below: int) -> tuple[np.ndarray, np.ndarray]:
    """Features and right/wrong labels of every predicted value in the training returns."""
    cat = load_catalogue()
    xs: list[list[float]] = []
    ys: list[float] = []
    for tp in sorted((corpus / "truth").glob("*.json")):
        truth = json.loads(tp.read_text(encoding="utf-8"))
        if int(truth["return_id"].rsplit("_r", 1)[1]) >= train_below:
            continue
        expected = {(f["field_id"], f["row"]): f for f in truth["fields"]}
        _, evidence = extract_with_evidence(read(corpus / truth["files"]["docx"]), cat)
        for field, ev in evidence:
            if field.value is None:
                continue
            t = expected.get((field.field_id, field.row))
            right = t is not None and t["value"] is not None and \
                normalise_value(field.value, t["type"]) == normalise_value(t["value"], t["type"])
            xs += evidences_features([ev])
            ys.append(1.0 if right else 0.0)
    return np.array(xs), np.array(ys)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> tuple[float, np.ndarray]:
    """Logistic regression by Newton's method; returns (bias, weights)."""
    X = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(X.shape[1])
    reg = l2 * np.eye(X.shape[1])
    reg[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-X @ w))
        grad = X.T @ (p - y) + reg @ w
        hess = (X * (p * (1 - p))[:, None]).T @ X + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), w[1:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extractor.calibrate", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("corpora"))
    ap.add_argument("--train-below", type=int, default=16, help="returns numbered below this train the model")
    ap.add_argument("--out", type=Path, default=PATTERNS / "confidence.yaml")
    args = ap.parse_args(argv)
    x, y = collect(args.corpus, args.train_below)
    bias, weights = fit(x, y)
    data = {"bias": round(bias, 4), "weights": {k: round(float(v), 4) for k, v in zip(FEATURES, weights, strict=True)},
            "fitted_on": {"values": int(len(y)), "right": int(y.sum())}}
    args.out.write_text(HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    print(f"fitted on {len(y)} values ({int(y.sum())} right) → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
