"""Regenerate the trustworthiness fixtures of embviz-metrics.

Made with Python 3.11.7, numpy 2.4.6 and scikit-learn 1.9.1. Never runs in CI.

    python scripts/make_metrics_fixtures.py
"""

from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "embviz-metrics" / "tests" / "fixtures"

x = np.load(ROOT / "data" / "digits" / "X.npy").astype(np.float64)[:400]
# Digits pixels are small integers, so many distances tie, and scikit-learn ranks tied
# neighbours in numpy's unstable argsort order. Seeded noise removes the ties.
x += np.random.default_rng(1).normal(scale=0.01, size=x.shape)
np.save(OUT / "trustworthiness_digits400_input.npy", x)
# A 2-D map with some error: the first two principal components plus seeded noise.
y = PCA(n_components=2, svd_solver="full").fit_transform(x)
y += np.random.default_rng(0).normal(scale=2.0, size=y.shape)
np.save(OUT / "trustworthiness_digits400_map.npy", y)
values = [[k, trustworthiness(x, y, n_neighbors=k)] for k in (1, 5, 10, 30)]
np.save(OUT / "trustworthiness_digits400_expected.npy", np.array(values, dtype=np.float64))
print(values)
