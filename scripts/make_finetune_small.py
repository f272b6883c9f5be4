"""Make data/finetune_small: 30 rows per class of the fine-tuning snapshots.

Made with Python 3.11.7 and numpy 2.4.6. Never runs in CI.

    python scripts/make_finetune_small.py [SOURCE_DIR] [ROWS_PER_CLASS]

SOURCE_DIR defaults to ../shared/data/finetune_snapshots beside the repository, and
ROWS_PER_CLASS to 30. For each of the 12 classes the script draws ROWS_PER_CLASS rows without
replacement with numpy's default_rng(SEED), then keeps the chosen rows in their source order,
so every file of the subset lists the same rows in the same order. It copies epoch_00.npy to
epoch_04.npy (float32), labels.npy (the source dtype), label_names.txt, texts.txt and
packages.txt for those rows, and X.npy as a copy of the last epoch, as the source does.

It prints the leave-one-out 10-nearest-neighbour accuracy of every epoch on the subset and
on the full source. This is the measure of the source's "eval 10-NN acc" column. It uses
cosine similarity, excludes each row from its own neighbours, and sends vote ties to the
smallest class id. On the full source it gives the source's numbers (0.824 at epoch 0).
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "finetune_snapshots"
OUT = ROOT / "data" / "finetune_small"
EPOCHS = [f"epoch_{epoch:02d}.npy" for epoch in range(5)]
SEED = 20250101
N_NEIGHBORS = 10


def knn_accuracy(x, labels, k=N_NEIGHBORS):
    """Return the leave-one-out k-NN accuracy with cosine similarity and a majority vote."""
    x = x.astype(np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    similarity = x @ x.T
    np.fill_diagonal(similarity, -np.inf)
    # A stable sort on the negated similarity breaks similarity ties by row index.
    neighbors = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
    n_classes = labels.max() + 1
    votes = np.zeros((len(x), n_classes), dtype=np.int64)
    for column in range(k):
        np.add.at(votes, (np.arange(len(x)), labels[neighbors[:, column]]), 1)
    predicted = votes.argmax(axis=1)  # argmax returns the smallest id among ties
    return float((predicted == labels).mean())


def read_lines(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    per_class = int(sys.argv[2]) if len(sys.argv) > 2 else 30

    labels = np.load(source / "labels.npy")
    names = read_lines(source / "label_names.txt")
    texts = read_lines(source / "texts.txt")
    packages = read_lines(source / "packages.txt")
    assert len(texts) == len(packages) == len(labels), "row counts of the source differ"

    rng = np.random.default_rng(SEED)
    chosen = []
    for class_id in range(len(names)):
        rows = np.flatnonzero(labels == class_id)
        assert len(rows) >= per_class, f"class {names[class_id]} has only {len(rows)} rows"
        chosen.append(rng.choice(rows, size=per_class, replace=False))
    rows = np.sort(np.concatenate(chosen))

    OUT.mkdir(parents=True, exist_ok=True)
    subset_labels = labels[rows]
    np.save(OUT / "labels.npy", subset_labels)
    (OUT / "label_names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    (OUT / "texts.txt").write_text("\n".join(texts[i] for i in rows) + "\n", encoding="utf-8")
    (OUT / "packages.txt").write_text(
        "\n".join(packages[i] for i in rows) + "\n", encoding="utf-8"
    )

    print(f"{len(rows)} rows, {per_class} per class, seed {SEED}")
    print("| epoch | 10-NN acc (subset) | 10-NN acc (full source) |")
    print("|---|---|---|")
    last = None
    for epoch, name in enumerate(EPOCHS):
        full = np.load(source / name)
        assert full.dtype == np.float32, f"{name} is {full.dtype}, expected float32"
        subset = np.ascontiguousarray(full[rows])
        np.save(OUT / name, subset)
        last = subset
        subset_acc = knn_accuracy(subset, subset_labels)
        full_acc = knn_accuracy(full, labels)
        print(f"| {epoch} | {subset_acc:.4f} | {full_acc:.4f} |")
    np.save(OUT / "X.npy", last)

    total = sum(path.stat().st_size for path in OUT.iterdir() if path.is_file())
    print(f"total size of {OUT}: {total} bytes")


if __name__ == "__main__":
    main()
