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

# Ranking metrics with many ties: scores rounded to one decimal, so groups of equal scores
# mix positives and negatives. Columns: truth (0/1), score, then one row of expected values.
from sklearn.metrics import average_precision_score, roc_auc_score

rng = np.random.default_rng(3)
truth = (rng.random(500) < 0.2).astype(np.float64)
score = np.round(rng.normal(size=500) + truth * 0.8, 1)
np.save(OUT / "ranking_ties_input.npy", np.stack([truth, score], axis=1))
expected = [roc_auc_score(truth, score), average_precision_score(truth, score)]
np.save(OUT / "ranking_ties_expected.npy", np.array(expected, dtype=np.float64))
print(expected, len(np.unique(score)))
