"""Side-by-side timing of embviz and scikit-learn on the same jobs and data.

Runs each job in scikit-learn and in embviz (through `cargo run --release --example timing`)
on the same machine, best of N runs each, and prints both times and their ratio.

    python -m venv /tmp/peers && /tmp/peers/bin/pip install numpy scikit-learn==1.9.1 umap-learn==0.5.12
    /tmp/peers/bin/python scripts/bench_peers.py --data ../shared/data

Jobs: Barnes-Hut t-SNE on digits with scikit-learn's defaults, the exact 20 nearest
neighbours of every row of mnist10k (scikit-learn's brute-force NearestNeighbors), and UMAP
on mnist10k with umap-learn's defaults, then Isolation Forest (fit, then score_samples of the
training rows) and Local Outlier Factor (fit, 20 neighbours) on odds_mnist and mnist10k,
KMeans (k = 10, n_init = 10) on mnist10k and the cosine similarity matrix of the first 5000
rows of debian_minilm.
umap-learn is timed on its second fit in the same process, so that numba's compilation is
not counted. scikit-learn runs with its default n_jobs. Never run in CI.
"""

import argparse
import json
import os
import platform
import subprocess
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.manifold import TSNE
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors

ROOT = Path(__file__).resolve().parent.parent


def best_of(repeats, job):
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = job()
        best = min(best, time.perf_counter() - started)
    return best, result


def embviz_time(job, data_dir, repeats, extra=()):
    command = ["cargo", "run", "--quiet", "--release", "--example", "timing", "--",
               job, "--data", str(data_dir), "--repeats", str(repeats), *extra]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.splitlines()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder holding the digits/ and mnist10k/ dataset folders")
    parser.add_argument("--repeats", type=int, default=3, help="runs per job; the best counts")
    parser.add_argument("--only", choices=["tsne", "knn", "umap", "outliers", "clustering"],
                        help="run one group of jobs")
    args = parser.parse_args()

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    rows = []

    def wanted(group):
        return args.only is None or args.only == group

    if wanted("tsne"):
        digits = ROOT / "data" / "digits"
        x = np.load(digits / "X.npy")
        seconds, model = best_of(args.repeats, lambda: TSNE(random_state=0).fit(x))
        ours = embviz_time("tsne", digits, args.repeats)
        rows.append(("t-SNE Barnes-Hut, digits 1797x64", seconds, ours["seconds"],
                     f"KL {model.kl_divergence_:.4f} vs {ours['kl_divergence']:.4f}"))

    mnist = args.data / "mnist10k"
    x = np.load(mnist / "X.npy")
    if wanted("knn"):
        seconds, _ = best_of(args.repeats, lambda: NearestNeighbors(
            n_neighbors=20, algorithm="brute").fit(x).kneighbors())
        ours = embviz_time("knn", mnist, args.repeats, ["--k", "20"])
        rows.append(("exact 20-NN, mnist10k 10000x784", seconds, ours["seconds"], ""))

    if wanted("umap"):
        import umap  # imported late: it compiles numba code at import time

        # Without random_state umap-learn runs its layout on every core; with one it drops
        # to a single thread. The faster, unseeded mode is the one compared.
        umap.UMAP().fit(x)  # the first fit compiles; it is not timed
        seconds, _ = best_of(args.repeats, lambda: umap.UMAP().fit(x))
        ours = embviz_time("umap", mnist, args.repeats)
        rows.append(("UMAP, mnist10k 10000x784 (warm)", seconds, ours["seconds"], ""))

    if wanted("outliers"):
        for name in ("odds_mnist", "mnist10k"):
            folder = args.data / name
            data = np.load(folder / "X.npy")
            size = "x".join(str(s) for s in data.shape)

            def forest():
                return IsolationForest(random_state=0).fit(data).score_samples(data)

            seconds, _ = best_of(args.repeats, forest)
            ours = embviz_time("iforest", folder, args.repeats)
            rows.append((f"IsolationForest, {name} {size}", seconds, ours["seconds"], ""))
            seconds, _ = best_of(args.repeats, lambda: LocalOutlierFactor().fit(data))
            ours = embviz_time("lof", folder, args.repeats)
            rows.append((f"LocalOutlierFactor, {name} {size}", seconds, ours["seconds"], ""))

    if wanted("clustering"):
        from sklearn.cluster import KMeans
        from sklearn.metrics.pairwise import cosine_similarity

        seconds, _ = best_of(args.repeats, lambda: KMeans(10, n_init=10, random_state=0).fit(x))
        ours = embviz_time("kmeans", mnist, args.repeats)
        rows.append(("KMeans k=10 n_init=10, mnist10k", seconds, ours["seconds"], ""))
        debian = args.data / "debian_minilm"
        sentences = np.load(debian / "X.npy")[:5000]
        seconds, _ = best_of(args.repeats, lambda: cosine_similarity(sentences))
        ours = embviz_time("cosine", debian, args.repeats)
        rows.append(("cosine similarity, debian_minilm 5000x384", seconds, ours["seconds"], ""))

    print(f"{'job':<36} {'scikit-learn s':>14} {'embviz s':>9} {'ratio':>6}  quality")
    for job, theirs, ours, note in rows:
        print(f"{job:<36} {theirs:>14.3f} {ours:>9.3f} {ours / theirs:>6.2f}  {note}")


if __name__ == "__main__":
    main()
