"""Regenerate the silhouette fixtures of embviz-clustering.

Made with Python 3.11.7, numpy 2.4.6 and scikit-learn 1.9.1. Never runs in CI.

    python scripts/make_silhouette_fixtures.py

The input is the bundled digits data (`data/digits/X.npy` cast to float64, with the digit
classes of `data/digits/labels.npy` as the clustering), so no input array is copied. Each
fixture is one float64 vector: the mean silhouette first, then the silhouette of every row.
"""

from pathlib import Path

import numpy as np
from sklearn.metrics import silhouette_samples, silhouette_score

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "embviz-clustering" / "tests" / "fixtures"

x = np.load(ROOT / "data" / "digits" / "X.npy").astype(np.float64)
labels = np.load(ROOT / "data" / "digits" / "labels.npy")

for metric in ("euclidean", "cosine"):
    score = silhouette_score(x, labels, metric=metric)
    samples = silhouette_samples(x, labels, metric=metric)
    np.save(OUT / f"silhouette_digits_{metric}.npy", np.concatenate([[score], samples]))
    print(metric, repr(score), samples.min(), samples.max())
