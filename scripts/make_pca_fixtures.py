"""Write the scikit-learn PCA reference values that crates/embviz-reduction/tests/pca.rs reads.

The fixtures in crates/embviz-reduction/tests/fixtures/ were produced with Python 3.11.7,
scikit-learn 1.9.1, numpy 2.4.6 and scipy 1.17.1. CI never runs this script. Run it from the
workspace root:

    python scripts/make_pca_fixtures.py

It fits PCA(n_components=5, svd_solver="full") on data/digits/X.npy, converted from float32 to
float64 (the pixel counts 0..16 convert exactly), and saves float64 arrays:

    pca_digits_explained_variance_ratio.npy   (5,)
    pca_digits_explained_variance.npy         (5,)
    pca_digits_singular_values.npy            (5,)
    pca_digits_components.npy                 (5, 64)
    pca_digits_transform_first10.npy          (10, 5), transform() of rows 0..9

It fits the same PCA on rows 0..49 alone, which have fewer rows than columns, and saves:

    pca_digits_first50_explained_variance_ratio.npy   (5,)
    pca_digits_first50_components.npy                 (5, 64)
"""

from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.decomposition import PCA

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "embviz-reduction" / "tests" / "fixtures"
N_COMPONENTS = 5


def main() -> None:
    x = np.load(ROOT / "data" / "digits" / "X.npy").astype(np.float64)
    pca = PCA(n_components=N_COMPONENTS, svd_solver="full").fit(x)
    first50 = PCA(n_components=N_COMPONENTS, svd_solver="full").fit(x[:50])

    arrays = {
        "explained_variance_ratio": pca.explained_variance_ratio_,
        "explained_variance": pca.explained_variance_,
        "singular_values": pca.singular_values_,
        "components": pca.components_,
        "transform_first10": pca.transform(x[:10]),
        "first50_explained_variance_ratio": first50.explained_variance_ratio_,
        "first50_components": first50.components_,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, values in arrays.items():
        path = OUT / f"pca_digits_{name}.npy"
        np.save(path, np.ascontiguousarray(values, dtype=np.float64))
        print(f"wrote {path.relative_to(ROOT)} {values.shape}")

    # The sign of a component is fixed by its entry of largest magnitude. A near tie between
    # two entries would make the sign fragile, so print the margin.
    for label, model in (("all rows", pca), ("rows 0..49", first50)):
        for i, row in enumerate(model.components_):
            magnitudes = np.sort(np.abs(row))[::-1]
            print(
                f"{label}, component {i}: largest |entry| {magnitudes[0]:.6f}, "
                f"next {magnitudes[1]:.6f}"
            )
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, scipy {scipy.__version__}")


if __name__ == "__main__":
    main()
