"""Regenerate the fixtures of knn_preservation, knn_accuracy and adjusted_rand_index
in embviz-metrics.

Made with Python 3.11.7, numpy 2.4.6 and scikit-learn 1.9.1. Never runs in CI.

    python scripts/make_quality_fixtures.py

The input and the map are the trustworthiness fixtures made by make_metrics_fixtures.py:
the first 400 digits images plus seeded noise, and a noisy 2-D PCA map of them. The noise
leaves no two distances equal, so every neighbour list is the same under any tie-breaking
rule. The script prints the smallest gap between the k-th and (k+1)-th distances to show it.
"""

from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "embviz-metrics" / "tests" / "fixtures"
KS = (1, 4, 5, 10, 30)

x = np.load(OUT / "trustworthiness_digits400_input.npy")
y = np.load(OUT / "trustworthiness_digits400_map.npy")
labels = np.load(ROOT / "data" / "digits" / "labels.npy")[:400].astype(np.int64)
np.save(OUT / "quality_digits400_labels.npy", labels)


def neighbors(data, k):
    """Indices of the k nearest other rows of every row (each row left out of its list)."""
    return NearestNeighbors(n_neighbors=k).fit(data).kneighbors(return_distance=False)


def smallest_gap(data, k):
    """Smallest relative gap between the k-th and (k+1)-th neighbour distances."""
    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(data).kneighbors()
    return np.min((distances[:, k] - distances[:, k - 1]) / distances[:, k])


rows = []
for k in KS:
    print("k", k, "gap in X", smallest_gap(x, k), "gap in map", smallest_gap(y, k))
    in_x, in_y = neighbors(x, k), neighbors(y, k)
    per_row = np.array([len(np.intersect1d(a, b)) / k for a, b in zip(in_x, in_y)])
    if k == 10:
        np.save(OUT / "quality_digits400_preservation_k10.npy", per_row)
    # predict(None) classifies every fitted row by its k nearest other rows: leave-one-out.
    predicted = KNeighborsClassifier(n_neighbors=k).fit(y, labels).predict(None)
    accuracy = float(np.mean(predicted == labels))
    rows.append([k, per_row.mean(), accuracy])
# Columns: k, kNN preservation between input and map, leave-one-out kNN accuracy in the map.
np.save(OUT / "quality_digits400_expected.npy", np.array(rows, dtype=np.float64))
print(rows)

# Adjusted Rand index on label pairs with thousands of rows: digits classes against a
# copy with 30% of the labels redrawn, and two unrelated random clusterings.
rng = np.random.default_rng(11)
digits = np.load(ROOT / "data" / "digits" / "labels.npy").astype(np.int64)
noisy = digits.copy()
redraw = rng.random(digits.size) < 0.3
noisy[redraw] = rng.integers(0, 12, size=redraw.sum())
unrelated_a = rng.integers(0, 5, size=digits.size)
unrelated_b = rng.integers(0, 40, size=digits.size) * 3 + 100
pairs = np.stack([digits, noisy, unrelated_a, unrelated_b])
np.save(OUT / "ari_labels.npy", pairs)
expected = [adjusted_rand_score(digits, noisy), adjusted_rand_score(unrelated_a, unrelated_b)]
np.save(OUT / "ari_expected.npy", np.array(expected, dtype=np.float64))
print(expected)

# Small cases written out in the Rust test as well.
small = [
    ([0, 0, 1, 1], [0, 0, 1, 1]),
    ([0, 0, 1, 1], [1, 1, 0, 0]),
    ([0, 0, 1, 2], [0, 0, 1, 1]),
    ([0, 0, 1, 1], [0, 1, 0, 1]),
    ([0, 0, 0, 0], [0, 1, 2, 3]),
    ([0, 0, 0, 0], [5, 5, 5, 5]),
    ([0, 1, 2, 3], [3, 2, 1, 0]),
    ([7], [3]),
    ([0, 0, 0, 1, 1, 1, 2, 2, 2], [0, 0, 1, 1, 1, 2, 2, 2, 2]),
]
for a, b in small:
    print(a, b, repr(adjusted_rand_score(a, b)))
