"""Regenerate the Local Outlier Factor fixtures of embviz-anomaly that need scikit-learn.

Made with Python 3.11.7, numpy 2.4.6 and scikit-learn 1.9.1. Never runs in CI.

    python scripts/make_lof_fixtures.py

The digits fixtures `digits_lof20_*.npy` are copies of the shared reference files. The ones
made here run on the first 500 digits images plus seeded noise, because the raw pixels are
small integers whose many equal distances scikit-learn breaks in another order than embviz.
The script checks that no row has a near-tie at its 20th neighbour, so both orders agree.
"""

from pathlib import Path

import numpy as np
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "embviz-anomaly" / "tests" / "fixtures"
K = 20

x = np.load(ROOT / "data" / "digits" / "X.npy").astype(np.float64)[:500]
x += np.random.default_rng(5).normal(scale=0.01, size=x.shape)
np.save(OUT / "lof_digits500_noisy.npy", x)
train, new = x[:400], x[400:]


def smallest_gap(data, queries, metric):
    """Smallest relative gap between the 20th and 21st neighbour distances over all rows.

    The LOF depends only on the set of 20 neighbours, so a gap well above round-off means
    that any tie-breaking rule picks the same set."""
    nn = NearestNeighbors(n_neighbors=K + 1, metric=metric).fit(data)
    if queries is None:
        distances, _ = nn.kneighbors(n_neighbors=K + 1)
    else:
        distances, _ = nn.kneighbors(queries, n_neighbors=K + 1)
    return np.min((distances[:, K] - distances[:, K - 1]) / distances[:, K])


for metric in ("euclidean", "cosine"):
    print(metric, "self gap", smallest_gap(x, None, metric))
print("train self gap", smallest_gap(train, None, "euclidean"))
print("query gap", smallest_gap(train, new, "euclidean"))

# Outlier detection on all 500 rows.
euclidean = LocalOutlierFactor(n_neighbors=K).fit(x)
np.save(OUT / "lof_digits500_negative_outlier_factor.npy", euclidean.negative_outlier_factor_)
cosine = LocalOutlierFactor(n_neighbors=K, metric="cosine").fit(x)
np.save(
    OUT / "lof_digits500_cosine_negative_outlier_factor.npy", cosine.negative_outlier_factor_
)
# offset_ for contamination 0.1 and 0.25, then the number of rows fit_predict flags.
offsets = []
for contamination in (0.1, 0.25):
    lof = LocalOutlierFactor(n_neighbors=K, contamination=contamination)
    flagged = int((lof.fit_predict(x) == -1).sum())
    offsets += [lof.offset_, flagged]
np.save(OUT / "lof_digits500_contamination_offsets.npy", np.array(offsets, dtype=np.float64))
print("offsets and flagged counts", offsets)

# Novelty detection: fit on rows 0..399, score rows 400..499 (contamination 0.1).
novelty = LocalOutlierFactor(n_neighbors=K, novelty=True, contamination=0.1).fit(train)
np.save(OUT / "lof_digits500_novelty_score_samples.npy", novelty.score_samples(new))
np.save(OUT / "lof_digits500_novelty_decision_function.npy", novelty.decision_function(new))
print("novelty offset", novelty.offset_, "flagged", int((novelty.predict(new) == -1).sum()))
