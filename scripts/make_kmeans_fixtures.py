"""Regenerate the k-means fixtures of embviz-clustering.

Made with Python 3.11.7, numpy 2.4.6 and scikit-learn 1.9.1. Never runs in CI.

    python scripts/make_kmeans_fixtures.py

All fixtures run scikit-learn's KMeans on the bundled digits (float32 pixels cast to
float64) from given initial centres, so no random numbers are involved. The centres are
ten rows plus seeded noise of standard deviation 0.1: the pixels are small integers, and
centres on the integer grid would leave rows at exactly equal distances from two centres,
which scikit-learn and embviz may break differently. The script prints the smallest gap
between a row's two nearest centres, relative to the nearest, to show there is no near-tie.

- `kmeans_digits_init.npy`: the initial centres (10 x 64).
- `kmeans_digits_step1_{centers,labels}.npy`: one Lloyd step (`max_iter=1`), then the
  labels of the final E-step.
- `kmeans_digits_converged_{centers,labels}.npy`: the run to convergence.
- `kmeans_digits_summary.npy`: inertia of the one-step run, inertia and n_iter of the
  converged run, inertia of the one-step run with a far centre.
- `kmeans_digits_far_init.npy`, `kmeans_digits_far_step1_{centers,labels}.npy`: the same
  centres but the last one at 1000 in every pixel, so its cluster is empty after the
  first assignment and takes the row farthest from its centre.
"""

from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "embviz-clustering" / "tests" / "fixtures"

x = np.load(ROOT / "data" / "digits" / "X.npy").astype(np.float64)
rows = np.arange(0, 1000, 100)
init = x[rows] + np.random.default_rng(11).normal(scale=0.1, size=(10, 64))


def smallest_gap(centers):
    """Smallest (second nearest - nearest) / nearest squared distance over all rows."""
    d = ((x[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    d.sort(axis=1)
    with np.errstate(divide="ignore"):
        return np.min((d[:, 1] - d[:, 0]) / d[:, 0])


def fit(centers, max_iter):
    return KMeans(10, init=centers, n_init=1, max_iter=max_iter, algorithm="lloyd").fit(x)


np.save(OUT / "kmeans_digits_init.npy", init)
print("gap at init", smallest_gap(init))

step = fit(init, 1)
np.save(OUT / "kmeans_digits_step1_centers.npy", step.cluster_centers_)
np.save(OUT / "kmeans_digits_step1_labels.npy", step.labels_.astype(np.int64))
print("gap after one step", smallest_gap(step.cluster_centers_))

converged = fit(init, 300)
np.save(OUT / "kmeans_digits_converged_centers.npy", converged.cluster_centers_)
np.save(OUT / "kmeans_digits_converged_labels.npy", converged.labels_.astype(np.int64))
print("gap at convergence", smallest_gap(converged.cluster_centers_))
print("n_iter", converged.n_iter_, "inertia", converged.inertia_)
elkan = KMeans(10, init=init, n_init=1, algorithm="elkan").fit(x)
assert np.array_equal(elkan.labels_, converged.labels_)

far = init.copy()
far[9] = 1000.0
np.save(OUT / "kmeans_digits_far_init.npy", far)
far_step = fit(far, 1)
np.save(OUT / "kmeans_digits_far_step1_centers.npy", far_step.cluster_centers_)
np.save(OUT / "kmeans_digits_far_step1_labels.npy", far_step.labels_.astype(np.int64))
# The row that the empty cluster takes must be the unique farthest one.
first_labels = ((x[:, None, :] - init[None, :9, :]) ** 2).sum(axis=2).argmin(axis=1)
distances = ((x - init[first_labels]) ** 2).sum(axis=1)
top = np.sort(distances)[-2:]
print("farthest row", distances.argmax(), "gap to the next", top[1] - top[0])
print("gap after the far step", smallest_gap(far_step.cluster_centers_))

summary = np.array(
    [step.inertia_, converged.inertia_, converged.n_iter_, far_step.inertia_],
    dtype=np.float64,
)
np.save(OUT / "kmeans_digits_summary.npy", summary)
print("summary", summary.tolist())
