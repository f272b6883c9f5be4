"""Write the umap-learn reference values that crates/embviz-reduction/tests/umap.rs reads.

The fixtures in crates/embviz-reduction/tests/fixtures/ were produced with Python 3.11.7,
umap-learn 0.5.12, numpy 2.4.6, scipy 1.17.1 and scikit-learn 1.9.1. CI never runs this script. Run it from the
workspace root:

    python scripts/make_umap_fixtures.py

It saves:

    umap_ab_params.npy           float64 (3, 4): rows (min_dist, spread, a, b) from
                                 umap.umap_.find_ab_params(spread, min_dist) for
                                 (0.1, 1.0), (0.5, 1.0) and (0.0, 2.0)
    umap_mnist_subset5000.npy    int64 (5000,): sorted row indices
                                 numpy.random.default_rng(0).choice(10000, 5000, replace=False),
                                 the rows of mnist10k on which map quality is measured
    umap_debian_subset5000.npy   int64 (5000,): the same draw over the 20000 rows of
                                 debian_minilm
    umap_digits_sigmas.npy       float64 (1797,): sigma of each row of data/digits/X.npy
    umap_digits_rhos.npy         float64 (1797,): rho (distance to the nearest other row)
    umap_digits_graph_first300.npy
                                 float64 (nnz, 3): rows (i, j, weight) of the symmetric fuzzy
                                 graph with i < 300, sorted by (i, j)

The last three repeat what UMAP(random_state=0).fit(X) does with the defaults (n_neighbors 15,
euclidean) on fewer than 4096 rows: exact distances from umap-learn's euclidean metric, each row
sorted with a stable sort (so equal distances are ordered by row index), then
umap.umap_.fuzzy_simplicial_set on that distance matrix. sigma and rho are umap-learn's float32
values. The graph is taken from that call rather than from the fitted `graph_`, because the
layout step sets the weights below max / n_epochs to zero in place, and `graph_` shares its data.
"""

from pathlib import Path

import numpy as np
import scipy
import umap
import umap.distances
from sklearn.metrics import pairwise_distances
from umap import UMAP
from umap.umap_ import find_ab_params, fuzzy_simplicial_set

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "embviz-reduction" / "tests" / "fixtures"
AB_CASES = [(0.1, 1.0), (0.5, 1.0), (0.0, 2.0)]


def quality_subset(n_rows: int) -> np.ndarray:
    """Return the sorted 5000-row subset used for map quality on datasets above 5000 rows."""
    return np.sort(np.random.default_rng(0).choice(n_rows, 5000, replace=False)).astype(np.int64)


def main() -> None:
    rows = []
    for min_dist, spread in AB_CASES:
        a, b = find_ab_params(spread, min_dist)
        rows.append([min_dist, spread, float(a), float(b)])
    ab = np.array(rows, dtype=np.float64)
    np.save(OUT / "umap_ab_params.npy", ab)
    np.save(OUT / "umap_mnist_subset5000.npy", quality_subset(10000))
    np.save(OUT / "umap_debian_subset5000.npy", quality_subset(20000))

    x = np.load(ROOT / "data" / "digits" / "X.npy")
    dmat = pairwise_distances(x, metric=umap.distances.named_distances["euclidean"])
    graph, sigmas, rhos = fuzzy_simplicial_set(
        dmat, 15, np.random.RandomState(0), "precomputed", {}, None, None, False, 1.0, 1.0, True
    )
    model = UMAP(random_state=0).fit(x)
    assert np.array_equal(sigmas, model._sigmas)
    assert np.array_equal(rhos, model._rhos)
    np.save(OUT / "umap_digits_sigmas.npy", sigmas.astype(np.float64))
    np.save(OUT / "umap_digits_rhos.npy", rhos.astype(np.float64))
    graph = graph.tocoo()
    keep = graph.row < 300
    triples = np.column_stack([graph.row[keep], graph.col[keep], graph.data[keep]]).astype(np.float64)
    order = np.lexsort((triples[:, 1], triples[:, 0]))
    np.save(OUT / "umap_digits_graph_first300.npy", triples[order])
    print(f"umap-learn {umap.__version__}, numpy {np.__version__}, scipy {scipy.__version__}")
    print(ab)


if __name__ == "__main__":
    main()
