//! Largest eigenpairs of a symmetric operator by thick-restart Lanczos, and the dense
//! symmetric eigensolver it needs for its small projected matrices.
//!
//! Reference: K. Wu & H. Simon (2000), "Thick-Restart Lanczos Method for Large Symmetric
//! Eigenvalue Problems", SIAM J. Matrix Anal. Appl. 22(2). Every vector operation works on
//! fixed row blocks whose partial sums are added in block order, so the result is the same
//! for any number of threads.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

/// Rows per block of the vector operations.
const BLOCK: usize = 4096;

/// Largest number of sweeps of the cyclic Jacobi method. Its convergence is quadratic, so
/// the cap only guards against a malformed matrix.
const MAX_JACOBI_SWEEPS: usize = 60;

/// A symmetric linear operator on vectors of length `n`.
pub(super) trait SymmetricOperator: Sync {
    /// Returns the length of the vectors.
    fn n(&self) -> usize;
    /// Writes `A x` into `y`. Must be deterministic for any thread count.
    fn apply(&self, x: &[f64], y: &mut [f64]);
}

/// Settings of the Lanczos iteration.
#[derive(Debug, Clone, Copy)]
pub(super) struct LanczosSettings {
    /// Largest basis size before a restart.
    pub(super) max_basis: usize,
    /// Residual norm `|A x - theta x|` below which a unit Ritz vector counts as converged.
    pub(super) tolerance: f64,
    /// Restarts allowed before giving up.
    pub(super) max_restarts: usize,
}

/// The eigensolver stopped at its restart cap before every wanted pair converged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct NotConverged {
    /// Restarts run.
    pub(super) restarts: usize,
    /// Largest residual norm of the wanted pairs at the end.
    pub(super) residual: f64,
}

/// Unit eigenvectors with their eigenvalues, in descending order of eigenvalue.
#[derive(Debug, Clone)]
pub(super) struct Eigenpairs {
    pub(super) values: Vec<f64>,
    pub(super) vectors: Vec<Vec<f64>>,
}

/// Finds the `n_wanted` largest eigenvalues of `operator` and their eigenvectors, within the
/// complement of the unit vectors `deflate` (which must be eigenvectors of `operator`, so
/// that the complement is invariant).
///
/// The basis is a block Krylov space `span(B, A B, A^2 B, ...)` of a random block `B` of
/// `n_wanted` vectors, kept orthonormal by two Gram-Schmidt passes. A block of one vector
/// could find only one vector of a repeated eigenvalue, and the ring and grid graphs of
/// symmetric data have such eigenvalues. Once `max_basis` vectors are expanded, the Ritz pairs of
/// `T = V^T A V` are checked against `|A x - theta x| <= tolerance`, computed from the
/// stored products `A V`, and the basis restarts from the best half of the Ritz vectors and
/// the block of vectors not yet expanded.
pub(super) fn largest_eigenpairs(
    operator: &dyn SymmetricOperator,
    deflate: &[Vec<f64>],
    n_wanted: usize,
    settings: LanczosSettings,
    rng: &mut impl Rng,
) -> Result<Eigenpairs, NotConverged> {
    let n = operator.n();
    let available = n.saturating_sub(deflate.len());
    debug_assert!(
        n_wanted <= available,
        "more eigenpairs wanted than the space holds"
    );
    let block = n_wanted.max(1);
    let max_basis = settings
        .max_basis
        .max(2 * n_wanted + 2 * block)
        .min(available);

    // `basis` contains orthonormal vectors, and the first `images.len()` of them are expanded and
    // `images[j] = A basis[j]`. `projected[i][j] = basis[i] . A basis[j]`.
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(max_basis + block);
    let mut images: Vec<Vec<f64>> = Vec::with_capacity(max_basis);
    for _ in 0..block {
        if let Some(v) = random_unit_vector(n, deflate, &basis, rng) {
            basis.push(v);
        }
    }
    let mut projected = vec![vec![0.0_f64; max_basis + block]; max_basis + block];
    let mut residual_norm = f64::INFINITY;

    for restart in 0..=settings.max_restarts {
        while images.len() < max_basis && images.len() < basis.len() {
            let j = images.len();
            let mut image = vec![0.0_f64; n];
            operator.apply(&basis[j], &mut image);
            project_out(deflate, &mut image);
            let mut next = image.clone();
            let coefficients = project_out(&basis, &mut next);
            for (k, &c) in coefficients.iter().enumerate() {
                projected[k][j] = c;
                projected[j][k] = c;
            }
            images.push(image);
            let norm = norm(&next);
            let scale = coefficients.iter().map(|c| c.abs()).fold(norm, f64::max);
            if norm > 1e-10 * scale.max(f64::MIN_POSITIVE) {
                next.iter_mut().for_each(|x| *x /= norm);
                basis.push(next);
            } else if let Some(v) = random_unit_vector(n, deflate, &basis, rng) {
                // A v_j lies in the span of the basis, so the expansion goes on from a new
                // random direction.
                basis.push(v);
            }
        }

        let size = images.len();
        let (values, coordinates) = symmetric_eigen(&projected, size);
        let wanted = n_wanted.min(size);
        let ritz: Vec<Vec<f64>> = (0..wanted)
            .map(|i| combine(&basis[..size], &coordinates, i))
            .collect();
        residual_norm = (0..wanted)
            .map(|i| {
                let mut residual = combine(&images, &coordinates, i);
                residual
                    .iter_mut()
                    .zip(&ritz[i])
                    .for_each(|(r, x)| *r -= values[i] * x);
                norm(&residual)
            })
            .fold(0.0, f64::max);
        let exhausted = basis.len() == size;
        if residual_norm <= settings.tolerance || exhausted {
            log::debug!("Lanczos converged after {restart} restarts, residual {residual_norm:.2e}");
            return Ok(Eigenpairs {
                values: values[..wanted].to_vec(),
                vectors: ritz,
            });
        }
        if restart == settings.max_restarts {
            break;
        }

        // Restart from the best Ritz vectors, whose images are combinations of the stored
        // ones, and the vectors not yet expanded, which are orthogonal to all of them.
        let kept = (size / 2).max(n_wanted).min(max_basis - block);
        let pending: Vec<Vec<f64>> = basis.drain(size..).collect();
        let kept_vectors: Vec<Vec<f64>> = (0..kept)
            .map(|i| combine(&basis, &coordinates, i))
            .collect();
        let kept_images: Vec<Vec<f64>> = (0..kept)
            .map(|i| combine(&images, &coordinates, i))
            .collect();
        basis = kept_vectors;
        basis.extend(pending);
        images = kept_images;
        for row in projected.iter_mut() {
            row.fill(0.0);
        }
        for i in 0..kept {
            projected[i][i] = values[i];
            for k in kept..basis.len() {
                let c = dots(&basis[k..=k], &images[i])[0];
                projected[k][i] = c;
                projected[i][k] = c;
            }
        }
    }
    Err(NotConverged {
        restarts: settings.max_restarts,
        residual: residual_norm,
    })
}

/// Returns `sum_j basis[j] * coordinates[j][column]`.
fn combine(basis: &[Vec<f64>], coordinates: &[Vec<f64>], column: usize) -> Vec<f64> {
    let n = basis.first().map_or(0, Vec::len);
    let mut result = vec![0.0; n];
    result
        .par_chunks_mut(BLOCK)
        .enumerate()
        .for_each(|(block, out)| {
            let range = block * BLOCK..block * BLOCK + out.len();
            for (j, vector) in basis.iter().enumerate() {
                let weight = coordinates[j][column];
                for (o, &v) in out.iter_mut().zip(&vector[range.clone()]) {
                    *o += weight * v;
                }
            }
        });
    result
}

/// Draws a random unit vector orthogonal to `deflate` and `basis`, or `None` when they
/// already span the space.
fn random_unit_vector(
    n: usize,
    deflate: &[Vec<f64>],
    basis: &[Vec<f64>],
    rng: &mut impl Rng,
) -> Option<Vec<f64>> {
    for _ in 0..3 {
        let mut v: Vec<f64> = (0..n).map(|_| StandardNormal.sample(rng)).collect();
        let before = norm(&v);
        project_out(deflate, &mut v);
        project_out(basis, &mut v);
        let after = norm(&v);
        if after > 1e-8 * before {
            v.iter_mut().for_each(|x| *x /= after);
            return Some(v);
        }
    }
    None
}

/// Removes from `v` its components along the orthonormal `basis` by two passes of
/// classical Gram-Schmidt, and returns the components removed.
pub(super) fn project_out(basis: &[Vec<f64>], v: &mut [f64]) -> Vec<f64> {
    let mut total = vec![0.0; basis.len()];
    if basis.is_empty() {
        return total;
    }
    for _ in 0..2 {
        let coefficients = dots(basis, v);
        v.par_chunks_mut(BLOCK)
            .enumerate()
            .for_each(|(block, out)| {
                let range = block * BLOCK..block * BLOCK + out.len();
                for (vector, &c) in basis.iter().zip(&coefficients) {
                    for (o, &b) in out.iter_mut().zip(&vector[range.clone()]) {
                        *o -= c * b;
                    }
                }
            });
        for (t, c) in total.iter_mut().zip(coefficients) {
            *t += c;
        }
    }
    total
}

/// Returns the dot product of `v` with each vector of `basis`, summed by blocks in order.
fn dots(basis: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    let partials: Vec<Vec<f64>> = v
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(block, chunk)| {
            let offset = block * BLOCK;
            basis
                .iter()
                .map(|vector| {
                    chunk
                        .iter()
                        .zip(&vector[offset..offset + chunk.len()])
                        .map(|(a, b)| a * b)
                        .sum()
                })
                .collect()
        })
        .collect();
    let mut result = vec![0.0; basis.len()];
    for partial in partials {
        for (r, p) in result.iter_mut().zip(partial) {
            *r += p;
        }
    }
    result
}

/// Returns the euclidean norm of `v`, summed by blocks in order.
pub(super) fn norm(v: &[f64]) -> f64 {
    let partials: Vec<f64> = v
        .par_chunks(BLOCK)
        .map(|chunk| chunk.iter().map(|x| x * x).sum())
        .collect();
    partials.iter().sum::<f64>().sqrt()
}

/// Eigen-decomposes the leading `size x size` block of the symmetric `matrix` by the cyclic
/// Jacobi method. Returns the eigenvalues in descending order and the matrix whose column
/// `i` (entries `[j][i]`) is the unit eigenvector of eigenvalue `i`.
pub(super) fn symmetric_eigen(matrix: &[Vec<f64>], size: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut a: Vec<Vec<f64>> = matrix[..size]
        .iter()
        .map(|row| row[..size].to_vec())
        .collect();
    let mut v: Vec<Vec<f64>> = (0..size)
        .map(|i| (0..size).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let scale: f64 = a.iter().flatten().map(|x| x * x).sum::<f64>().sqrt();
    for _ in 0..MAX_JACOBI_SWEEPS {
        let off: f64 = (0..size)
            .flat_map(|i| (0..size).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum::<f64>()
            .sqrt();
        if off <= 1e-15 * scale || scale == 0.0 {
            break;
        }
        for p in 0..size {
            for q in p + 1..size {
                rotate(&mut a, &mut v, p, q);
            }
        }
    }
    let mut order: Vec<usize> = (0..size).collect();
    order.sort_by(|&i, &j| a[j][j].total_cmp(&a[i][i]).then(i.cmp(&j)));
    let values = order.iter().map(|&i| a[i][i]).collect();
    let vectors = (0..size)
        .map(|row| order.iter().map(|&i| v[row][i]).collect())
        .collect();
    (values, vectors)
}

/// Applies the Jacobi rotation that zeroes `a[p][q]` (with `p < q`), accumulating it into
/// `v`.
fn rotate(a: &mut [Vec<f64>], v: &mut [Vec<f64>], p: usize, q: usize) {
    let apq = a[p][q];
    if apq == 0.0 {
        return;
    }
    // The smaller root t = tan(angle) of t^2 + 2 theta t - 1 = 0 keeps the rotation small.
    let theta = (a[q][q] - a[p][p]) / (2.0 * apq);
    let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
    let c = 1.0 / (t * t + 1.0).sqrt();
    let s = t * c;
    let turn = |x: &mut f64, y: &mut f64| {
        let (xp, yq) = (*x, *y);
        *x = c * xp - s * yq;
        *y = s * xp + c * yq;
    };
    for row in a.iter_mut() {
        let (mut x, mut y) = (row[p], row[q]);
        turn(&mut x, &mut y);
        row[p] = x;
        row[q] = y;
    }
    let (head, tail) = a.split_at_mut(q);
    for (x, y) in head[p].iter_mut().zip(tail[0].iter_mut()) {
        turn(x, y);
    }
    for row in v.iter_mut() {
        let (mut x, mut y) = (row[p], row[q]);
        turn(&mut x, &mut y);
        row[p] = x;
        row[q] = y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dense(Vec<Vec<f64>>);

    impl SymmetricOperator for Dense {
        fn n(&self) -> usize {
            self.0.len()
        }
        fn apply(&self, x: &[f64], y: &mut [f64]) {
            for (yi, row) in y.iter_mut().zip(&self.0) {
                *yi = row.iter().zip(x).map(|(a, b)| a * b).sum();
            }
        }
    }

    #[test]
    fn jacobi_diagonalises() {
        let m = vec![
            vec![4.0, 1.0, 0.5],
            vec![1.0, 3.0, -1.0],
            vec![0.5, -1.0, 2.0],
        ];
        let (values, vectors) = symmetric_eigen(&m, 3);
        assert!(values[0] >= values[1]);
        assert!(values[1] >= values[2]);
        for i in 0..3 {
            for row in 0..3 {
                let av: f64 = (0..3).map(|j| m[row][j] * vectors[j][i]).sum();
                assert!((av - values[i] * vectors[row][i]).abs() < 1e-12);
            }
        }
        let trace: f64 = values.iter().sum();
        assert!((trace - 9.0).abs() < 1e-12);
    }

    #[test]
    fn lanczos_finds_largest_of_path_graph() {
        // The path graph's adjacency matrix has eigenvalues 2 cos(pi k / (n + 1)).
        let n: usize = 200;
        let m: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| if i.abs_diff(j) == 1 { 1.0 } else { 0.0 })
                    .collect()
            })
            .collect();
        let settings = LanczosSettings {
            max_basis: 30,
            tolerance: 1e-10,
            max_restarts: 500,
        };
        let mut rng = embviz_core::seed::rng(0);
        let pairs = largest_eigenpairs(&Dense(m), &[], 3, settings, &mut rng)
            .expect("the path graph converges");
        for (k, value) in pairs.values.iter().enumerate() {
            let expected = 2.0 * (std::f64::consts::PI * (k + 1) as f64 / (n + 1) as f64).cos();
            assert!(
                (value - expected).abs() < 1e-9,
                "{k}: {value} vs {expected}"
            );
        }
        for vector in &pairs.vectors {
            assert!((norm(vector) - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn deflated_direction_is_skipped() {
        let m = vec![
            vec![5.0, 0.0, 0.0, 0.0],
            vec![0.0, 3.0, 0.0, 0.0],
            vec![0.0, 0.0, 2.0, 0.0],
            vec![0.0, 0.0, 0.0, 1.0],
        ];
        let settings = LanczosSettings {
            max_basis: 10,
            tolerance: 1e-12,
            max_restarts: 10,
        };
        let mut rng = embviz_core::seed::rng(1);
        let deflate = vec![vec![1.0, 0.0, 0.0, 0.0]];
        let pairs = largest_eigenpairs(&Dense(m), &deflate, 2, settings, &mut rng)
            .expect("a diagonal matrix converges");
        assert!((pairs.values[0] - 3.0).abs() < 1e-12);
        assert!((pairs.values[1] - 2.0).abs() < 1e-12);
        assert!(pairs.vectors[0][0].abs() < 1e-12);
    }
}
