"""Write the scipy reference values that crates/embviz-reduction/tests/aligned_procrustes.rs reads.

The fixtures in crates/embviz-reduction/tests/fixtures/ were produced with Python 3.11.7,
numpy 2.4.6 and scipy 1.17.1. CI never runs this script. Run it from the workspace root:

    python scripts/make_procrustes_fixtures.py

It saves:

    procrustes_scipy.json
        A list of cases, each with float64 matrices as nested lists:
        "reference", "moving"          the two inputs, n x d
        "standardized_reference",      mtx1 and mtx2 of
        "standardized_moving",         scipy.spatial.procrustes(reference, moving)
        "disparity"                    its third output
        "rotation"                     R, the first output of
                                       scipy.linalg.orthogonal_procrustes(moving_c,
                                       reference_c) on the column-centred inputs
        "scale"                        its second output (the sum of the singular values)
                                       divided by |moving_c|^2: the least-squares scale
        "aligned"                      moving_c @ R * scale + mean(reference), the moving
                                       matrix carried onto the reference's frame
        "reflection"                   whether det(R) < 0
        "rotation_only_disparity"      the disparity when the orthogonal map must be a
                                       rotation (det +1): the Kabsch solution, which flips
                                       the sign of the smallest singular value of the
                                       cross-covariance of the standardized inputs
"""

import json
from pathlib import Path

import numpy as np
from scipy.linalg import orthogonal_procrustes
from scipy.spatial import procrustes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "crates" / "embviz-reduction" / "tests" / "fixtures"
CASE_SEED = 7


def rotation_2d(degrees):
    phi = np.deg2rad(degrees)
    return np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])


def rotation_only_disparity(reference, moving):
    standardized_reference = reference - reference.mean(axis=0)
    standardized_reference /= np.linalg.norm(standardized_reference)
    standardized_moving = moving - moving.mean(axis=0)
    standardized_moving /= np.linalg.norm(standardized_moving)
    u, w, vt = np.linalg.svd(standardized_moving.T @ standardized_reference)
    signs = np.ones(len(w))
    signs[-1] = np.sign(np.linalg.det(u @ vt))
    rotation = u @ np.diag(signs) @ vt
    scale = np.sum(w * signs)
    return float(np.sum((standardized_reference - standardized_moving @ rotation * scale) ** 2))


def make_case(name, reference, moving):
    standardized_reference, standardized_moving, disparity = procrustes(reference, moving)
    reference_c = reference - reference.mean(axis=0)
    moving_c = moving - moving.mean(axis=0)
    rotation, singular_sum = orthogonal_procrustes(moving_c, reference_c)
    scale = singular_sum / np.sum(moving_c**2)
    aligned = moving_c @ rotation * scale + reference.mean(axis=0)
    return {
        "name": name,
        "reference": reference.tolist(),
        "moving": moving.tolist(),
        "standardized_reference": standardized_reference.tolist(),
        "standardized_moving": standardized_moving.tolist(),
        "disparity": float(disparity),
        "rotation": rotation.tolist(),
        "scale": float(scale),
        "aligned": aligned.tolist(),
        "reflection": bool(np.linalg.det(rotation) < 0),
        "rotation_only_disparity": rotation_only_disparity(reference, moving),
    }


def procrustes_cases():
    rng = np.random.default_rng(CASE_SEED)
    cases = []

    # A noisy rotated, scaled and shifted copy in 2-D.
    reference = rng.normal(size=(12, 2))
    moving = 2.5 * reference @ rotation_2d(50.0) + [3.0, -1.0] + 0.1 * rng.normal(size=(12, 2))
    cases.append(make_case("rotated_2d", reference, moving))

    # A noisy mirrored copy in 2-D: the best orthogonal map is a reflection.
    reference = rng.normal(size=(15, 2))
    mirror = np.array([[-1.0, 0.0], [0.0, 1.0]])
    moving = 0.5 * reference @ mirror @ rotation_2d(-20.0) + 0.05 * rng.normal(size=(15, 2))
    cases.append(make_case("mirrored_2d", reference, moving))

    # Two unrelated point sets in 3-D, so the disparity is large.
    reference = rng.normal(size=(10, 3))
    moving = rng.normal(size=(10, 3)) * [1.0, 2.0, 0.5] + 4.0
    cases.append(make_case("unrelated_3d", reference, moving))
    return cases


def main():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    cases = procrustes_cases()
    with open(FIXTURES / "procrustes_scipy.json", "w", encoding="utf-8") as f:
        json.dump(cases, f, indent=1)
    for case in cases:
        print(
            f"{case['name']}: disparity {case['disparity']:.17g}, reflection "
            f"{case['reflection']}, rotation-only disparity {case['rotation_only_disparity']:.17g}"
        )


if __name__ == "__main__":
    main()
