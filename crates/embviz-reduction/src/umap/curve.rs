//! The map similarity curve `1 / (1 + a d^(2b))` and the fit of `a` and `b`.

use embviz_core::{Error, Result};

/// Number of evenly spaced distances in `[0, 3 spread]` the curve is fitted on, as in
/// umap-learn.
const N_POINTS: usize = 300;

/// Largest number of Levenberg-Marquardt steps; the fit takes about 10 on the defaults.
const MAX_STEPS: usize = 500;

/// Relative change of the sum of squares, and of each parameter, below which the fit stops.
const TOLERANCE: f64 = 1e-14;

/// Fits `a` and `b` of the map similarity `1 / (1 + a d^(2b))` to the target curve
///
/// ```text
/// target(d) = 1                               for d < min_dist
///           = exp(-(d - min_dist) / spread)   otherwise
/// ```
///
/// by nonlinear least squares on 300 evenly spaced distances from 0 to `3 spread`, starting
/// from `a = b = 1`. This is umap-learn's `find_ab_params`, which calls
/// `scipy.optimize.curve_fit`; here the minimisation is Levenberg-Marquardt with the
/// analytic Jacobian. For the defaults `min_dist = 0.1, spread = 1` it returns
/// `a ≈ 1.577, b ≈ 0.895`.
///
/// # Errors
///
/// [`Error::InvalidParameter`] when `spread` is not positive, `min_dist` is negative or
/// above `spread`, or either is not finite.
///
/// # Example
///
/// ```
/// use embviz_reduction::umap::find_ab_params;
///
/// let (a, b) = find_ab_params(1.0, 0.1)?;
/// assert!((a - 1.577).abs() < 1e-3 && (b - 0.895).abs() < 1e-3);
/// # Ok::<(), embviz_core::Error>(())
/// ```
pub fn find_ab_params(spread: f64, min_dist: f64) -> Result<(f64, f64)> {
    if !(spread.is_finite() && spread > 0.0) {
        return Err(Error::invalid_parameter(
            "spread",
            spread,
            "must be a positive number",
        ));
    }
    if !(min_dist.is_finite() && (0.0..=spread).contains(&min_dist)) {
        return Err(Error::invalid_parameter(
            "min_dist",
            min_dist,
            format!("must lie in [0, spread] = [0, {spread}]"),
        ));
    }
    let step = 3.0 * spread / (N_POINTS - 1) as f64;
    let points: Vec<(f64, f64)> = (0..N_POINTS)
        .map(|i| {
            let x = i as f64 * step;
            let y = if x < min_dist {
                1.0
            } else {
                (-(x - min_dist) / spread).exp()
            };
            (x, y)
        })
        .collect();
    Ok(levenberg_marquardt(&points))
}

/// Returns the similarity `1 / (1 + a d^(2b))` and its partial derivatives in `a` and `b`.
fn curve_and_gradient(x: f64, a: f64, b: f64) -> (f64, f64, f64) {
    if x == 0.0 {
        // x^(2b) = 0 for b > 0, and so is its derivative x^(2b) ln x.
        return (1.0, 0.0, 0.0);
    }
    let power = x.powf(2.0 * b);
    let denominator = 1.0 + a * power;
    let value = 1.0 / denominator;
    let outer = -1.0 / (denominator * denominator);
    let d_a = outer * power;
    let d_b = outer * a * power * 2.0 * x.ln();
    (value, d_a, d_b)
}

fn sum_of_squares(points: &[(f64, f64)], a: f64, b: f64) -> f64 {
    points
        .iter()
        .map(|&(x, y)| {
            let r = curve_and_gradient(x, a, b).0 - y;
            r * r
        })
        .sum()
}

/// Minimises the squared residuals of the curve over `(a, b)` from `(1, 1)`.
///
/// Each step solves the damped normal equations `(J^T J + lambda diag(J^T J)) delta = -J^T r`
/// (Marquardt's scaling). A step that lowers the sum of squares is taken and `lambda` is
/// divided by 10; otherwise `lambda` is multiplied by 10. Steps that would make `a` or `b`
/// non-positive count as rejected, since the curve is undefined there at `d = 0`.
fn levenberg_marquardt(points: &[(f64, f64)]) -> (f64, f64) {
    let (mut a, mut b) = (1.0_f64, 1.0_f64);
    let mut cost = sum_of_squares(points, a, b);
    let mut lambda = 1e-3;
    for _ in 0..MAX_STEPS {
        let (mut jtj, mut jtr) = ([[0.0_f64; 2]; 2], [0.0_f64; 2]);
        for &(x, y) in points {
            let (value, d_a, d_b) = curve_and_gradient(x, a, b);
            let residual = value - y;
            let gradient = [d_a, d_b];
            for row in 0..2 {
                jtr[row] += gradient[row] * residual;
                for column in 0..2 {
                    jtj[row][column] += gradient[row] * gradient[column];
                }
            }
        }
        let mut improved = false;
        while lambda < 1e16 {
            let m00 = jtj[0][0] * (1.0 + lambda);
            let m11 = jtj[1][1] * (1.0 + lambda);
            let m01 = jtj[0][1];
            let determinant = m00 * m11 - m01 * m01;
            if determinant == 0.0 || !determinant.is_finite() {
                lambda *= 10.0;
                continue;
            }
            let delta_a = -(m11 * jtr[0] - m01 * jtr[1]) / determinant;
            let delta_b = -(m00 * jtr[1] - m01 * jtr[0]) / determinant;
            let (next_a, next_b) = (a + delta_a, b + delta_b);
            let next_cost = if next_a > 0.0 && next_b > 0.0 {
                sum_of_squares(points, next_a, next_b)
            } else {
                f64::INFINITY
            };
            if next_cost.is_finite() && next_cost <= cost {
                let small_step = delta_a.abs() <= TOLERANCE.sqrt() * a.abs()
                    && delta_b.abs() <= TOLERANCE.sqrt() * b.abs();
                let small_gain = cost - next_cost <= TOLERANCE * cost;
                a = next_a;
                b = next_b;
                cost = next_cost;
                lambda = (lambda / 10.0).max(1e-12);
                improved = !(small_step || small_gain);
                break;
            }
            lambda *= 10.0;
        }
        if !improved {
            return (a, b);
        }
    }
    log::warn!(
        "the fit of the UMAP curve parameters stopped after {MAX_STEPS} steps at a = {a}, b = {b}"
    );
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_recovers_exact_curve() {
        // Points drawn from the model itself are fitted exactly.
        let (a, b) = (0.7, 1.3);
        let points: Vec<(f64, f64)> = (0..50)
            .map(|i| {
                let x = i as f64 * 0.1;
                (x, curve_and_gradient(x, a, b).0)
            })
            .collect();
        let (fitted_a, fitted_b) = levenberg_marquardt(&points);
        assert!((fitted_a - a).abs() < 1e-8, "a = {fitted_a}");
        assert!((fitted_b - b).abs() < 1e-8, "b = {fitted_b}");
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (x, a, b) = (1.7, 1.2, 0.8);
        let (_, d_a, d_b) = curve_and_gradient(x, a, b);
        let h = 1e-6;
        let numeric_a =
            (curve_and_gradient(x, a + h, b).0 - curve_and_gradient(x, a - h, b).0) / (2.0 * h);
        let numeric_b =
            (curve_and_gradient(x, a, b + h).0 - curve_and_gradient(x, a, b - h).0) / (2.0 * h);
        assert!((d_a - numeric_a).abs() < 1e-8);
        assert!((d_b - numeric_b).abs() < 1e-8);
    }
}
