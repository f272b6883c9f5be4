"""Regenerate the fixtures of the drift measure in embviz-metrics.

Made with Python 3.11.7, numpy 2.4.6 and scikit-learn 1.9.1. Never runs in CI.

    python scripts/make_drift_fixtures.py [SOURCE_DIR]

SOURCE_DIR defaults to ../shared/data/finetune_snapshots beside the repository: 2000 x 384
float32 sentence embeddings of one evaluation set before training (epoch_00.npy) and after
each of 4 fine-tuning epochs (epoch_01.npy to epoch_04.npy), with 12 classes in labels.npy.

It writes two sets of expected values, both for n_neighbors=10 and the cosine metric:

- drift_small_*: the 360 rows of the five epochs bundled in data/finetune_small, so the
  test runs from a clone alone;
- drift_full_*: all 2000 rows of the five epochs of SOURCE_DIR, for the test that reads the
  source folder named by EMBVIZ_DATA.

Per step it stores three values. The first is the cosine distance between each row's two
positions. The second is the Jaccard distance between its sets of 10 nearest other rows,
found by scikit-learn's brute-force cosine NearestNeighbors on float64 rows. The third is
the euclidean distance between the class centroids of unit-norm rows. Per snapshot it stores each class's mean euclidean distance from its
unit-norm rows to their centroid. The script prints the smallest gap between the 10th and
11th neighbour distances, which shows that no neighbour set depends on how ties are broken.
"""

import sys
from pathlib import Path

import numpy as np
from sklearn.neighbors import NearestNeighbors

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "finetune_snapshots"
OUT = ROOT / "crates" / "embviz-metrics" / "tests" / "fixtures"
K = 10


def unit_rows(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def neighbor_sets(x):
    """Sets of the K nearest other rows of every row, and the smallest K-th/K+1-th gap."""
    distances, indices = (
        NearestNeighbors(n_neighbors=K + 1, metric="cosine", algorithm="brute")
        .fit(x)
        .kneighbors()
    )
    gap = np.min(distances[:, K] - distances[:, K - 1])
    return [set(row[:K]) for row in indices], gap


def class_geometry(x, labels, classes):
    """Centroid and mean distance to it of each class, on unit-norm rows."""
    u = unit_rows(x)
    centroids = np.stack([u[labels == c].mean(axis=0) for c in classes])
    spread = np.array(
        [np.linalg.norm(u[labels == c] - centroids[i], axis=1).mean() for i, c in enumerate(classes)]
    )
    return centroids, spread


def drift(snapshots, labels):
    classes = np.unique(labels)
    point, neighbor, centroid, spread = [], [], [], []
    previous = None
    for x in snapshots:
        x = x.astype(np.float64)
        sets, gap = neighbor_sets(x)
        print(f"  smallest gap between the 10th and 11th neighbour distances: {gap:.3e}")
        centroids, class_spread = class_geometry(x, labels, classes)
        spread.append(class_spread)
        if previous is not None:
            before_x, before_sets, before_centroids = previous
            cos = np.sum(before_x * x, axis=1) / (
                np.linalg.norm(before_x, axis=1) * np.linalg.norm(x, axis=1)
            )
            point.append(np.clip(1.0 - cos, 0.0, 2.0))
            neighbor.append(
                np.array([1.0 - len(a & b) / len(a | b) for a, b in zip(before_sets, sets)])
            )
            centroid.append(np.linalg.norm(centroids - before_centroids, axis=1))
        previous = (x, sets, centroids)
    return [np.array(values) for values in (point, neighbor, centroid, spread)]


def save_expected(prefix, snapshots, labels):
    point, neighbor, centroid, spread = drift(snapshots, labels)
    np.save(OUT / f"{prefix}_point.npy", point)
    np.save(OUT / f"{prefix}_neighbor.npy", neighbor)
    np.save(OUT / f"{prefix}_centroid.npy", centroid)
    np.save(OUT / f"{prefix}_spread.npy", spread)
    print(f"  mean point drift per step: {point.mean(axis=1)}")
    print(f"  mean neighbour drift per step: {neighbor.mean(axis=1)}")


def read_epochs(folder):
    labels = np.load(folder / "labels.npy").astype(np.int64)
    epochs = [np.load(folder / f"epoch_{epoch:02d}.npy") for epoch in range(5)]
    return epochs, labels


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE

    epochs, labels = read_epochs(ROOT / "data" / "finetune_small")
    print(f"small: {len(labels)} rows of epochs 0 to 4")
    save_expected("drift_small", epochs, labels)

    epochs, labels = read_epochs(source)
    print(f"full: {len(labels)} rows of epochs 0 to 4")
    save_expected("drift_full", epochs, labels)


if __name__ == "__main__":
    main()
