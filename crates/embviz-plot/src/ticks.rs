//! Axis ranges, tick positions and tick labels.

/// Fraction of the data span added on each side of an axis, as matplotlib's default
/// `axes.xmargin` and `axes.ymargin` of 0.05.
const AXIS_MARGIN: f64 = 0.05;

/// Smallest and largest coordinate on each axis of a set of points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DataBounds {
    /// Smallest x and smallest y.
    pub(crate) min: [f64; 2],
    /// Largest x and largest y.
    pub(crate) max: [f64; 2],
}

impl DataBounds {
    /// Bounds that contain nothing, the identity of [`DataBounds::union`].
    pub(crate) const EMPTY: Self = Self {
        min: [f64::INFINITY; 2],
        max: [f64::NEG_INFINITY; 2],
    };

    /// Returns the bounds of `points`, or [`DataBounds::EMPTY`] when there are none.
    pub(crate) fn of(points: &[[f64; 2]]) -> Self {
        points.iter().fold(Self::EMPTY, |bounds, &point| {
            bounds.union(Self {
                min: point,
                max: point,
            })
        })
    }

    /// Returns the smallest bounds that contain both `self` and `other`.
    pub(crate) fn union(self, other: Self) -> Self {
        Self {
            min: [self.min[0].min(other.min[0]), self.min[1].min(other.min[1])],
            max: [self.max[0].max(other.max[0]), self.max[1].max(other.max[1])],
        }
    }
}

/// Returns the axis range `(low, high)` for data spanning `[min, max]`, widened by 5% of the
/// span on each side.
///
/// `None` when the widened range overflows `f64`, for coordinates near `f64::MAX`.
pub(crate) fn padded_range(min: f64, max: f64) -> Option<(f64, f64)> {
    let (min, max) = widen_degenerate(min, max);
    let span = max - min;
    let low = min - AXIS_MARGIN * span;
    let high = max + AXIS_MARGIN * span;
    (low.is_finite() && high.is_finite() && high > low).then_some((low, high))
}

/// Returns true when `[min, max]` is wide enough to draw: its span is above 10^-9 of the
/// values (below that, tick positions lose precision) and above 10^-100 (below that,
/// plotters' tick search never ends).
pub(crate) fn is_drawable_span(min: f64, max: f64) -> bool {
    let magnitude = min.abs().max(max.abs());
    let span = max - min;
    span > 1e-9 * magnitude && span > 1e-100
}

/// Widens a range too narrow to draw (see [`is_drawable_span`]), such as an empty span. The
/// widened range is the centre plus or minus 5% of its magnitude, or 0.5 around 0.
pub(crate) fn widen_degenerate(min: f64, max: f64) -> (f64, f64) {
    if is_drawable_span(min, max) {
        return (min, max);
    }
    let center = 0.5 * min + 0.5 * max;
    let half = if center.abs() >= 1e-100 {
        0.05 * center.abs()
    } else {
        0.5
    };
    (center - half, center + half)
}

/// Returns "nice" tick positions inside `[low, high]`: multiples of the finest step of the
/// form 1, 2 or 5 times a power of ten that gives at most `max_count` ticks. Returns the
/// ticks and the step.
///
/// A limit within 10^-9 steps of a multiple of the step gets a tick, so fixed limits such as
/// 0.1 to 0.3 keep their end ticks although `0.3 / 0.05` is `5.999999999999999`.
pub(crate) fn nice_ticks(low: f64, high: f64, max_count: usize) -> (Vec<f64>, f64) {
    let max_count = max_count.max(2);
    let span = high - low;
    if !(span > 0.0 && span.is_finite()) {
        return (vec![low], 1.0);
    }
    // Start one decade below the span divided by the count, then coarsen 1 -> 2 -> 5 -> 10
    // until the tick count fits.
    let mut magnitude = 10.0_f64.powf((span / max_count as f64).log10().floor() - 1.0);
    if !(magnitude > 0.0 && magnitude.is_finite()) {
        return (vec![low], span);
    }
    loop {
        for factor in [1.0, 2.0, 5.0] {
            let step = factor * magnitude;
            let first = (low / step - END_TOLERANCE).ceil();
            let last = (high / step + END_TOLERANCE).floor();
            let count = last - first + 1.0;
            if count <= max_count as f64 {
                let ticks = (0..count.max(0.0) as usize)
                    .map(|k| clean_zero((first + k as f64) * step))
                    .collect();
                return (ticks, step);
            }
        }
        magnitude *= 10.0;
    }
}

/// Distance in steps within which an axis limit counts as lying on a tick.
const END_TOLERANCE: f64 = 1e-9;

/// Turns `-0.0` into `0.0`, so no tick reads "-0".
fn clean_zero(value: f64) -> f64 {
    if value == 0.0 { 0.0 } else { value }
}

/// Formats a tick value with as few digits as show ticks `step` apart, and enough to show
/// `value` itself when it is not a multiple of `step`. A value that rounds to zero reads
/// "0" or "0.0", never "-0".
///
/// Values of magnitude 10^5 and above, or below 10^-3, use scientific notation (`1.5e6`).
pub(crate) fn format_tick(value: f64, step: f64) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = value.abs();
    let step = if step > 0.0 && step.is_finite() {
        step
    } else if magnitude > 0.0 {
        magnitude
    } else {
        1.0
    };

    let step_exponent = step.log10().floor() as i32;
    // A tick meant to be 0 can arrive as 1e-17 after floating-point steps. It gets the
    // decimals of its neighbours, as in matplotlib ("0.0" between "-0.2" and "0.2").
    if magnitude <= 1e-9 * step {
        let decimals = if (1e-3..1e5).contains(&step) {
            (-step_exponent).max(0) as usize
        } else {
            0
        };
        return format!("{:.decimals$}", 0.0);
    }

    let scientific = !(1e-3..1e5).contains(&magnitude);
    let base_decimals = if scientific {
        (magnitude.log10().floor() as i32 - step_exponent).max(0)
    } else {
        (-step_exponent).max(0)
    };

    // Add digits (at most 3) until the text reads back as the value within a millionth of
    // the step, for a value that is not a multiple of `step`.
    let mut text = String::new();
    for extra in 0..=3 {
        let decimals = (base_decimals + extra) as usize;
        text = if scientific {
            trim_scientific(&format!("{value:.decimals$e}"))
        } else {
            format!("{value:.decimals$}")
        };
        let reads_back = text
            .parse::<f64>()
            .is_ok_and(|parsed| (parsed - value).abs() <= 1e-6 * step);
        if reads_back {
            break;
        }
    }

    if text.starts_with('-') && text[1..].chars().all(|c| matches!(c, '0' | '.')) {
        text.remove(0);
    }
    text
}

/// Removes trailing zeros from the mantissa of Rust's `{:e}` output: `1.50e6` -> `1.5e6`.
fn trim_scientific(text: &str) -> String {
    match text.split_once('e') {
        Some((mantissa, exponent)) if mantissa.contains('.') => {
            let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
            format!("{mantissa}e{exponent}")
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_is_padded_five_percent() {
        assert_eq!(padded_range(0.0, 10.0), Some((-0.5, 10.5)));
        assert_eq!(padded_range(-2.0, 2.0), Some((-2.2, 2.2)));
    }

    #[test]
    fn zero_span_range_is_widened() {
        assert_eq!(padded_range(0.0, 0.0), Some((-0.55, 0.55)));
        let (low, high) = padded_range(100.0, 100.0).expect("100 is drawable");
        assert!(low < 100.0);
        assert!(high > 100.0);
        assert!((high - low - 11.0).abs() < 1e-9, "{low}..{high}");
    }

    #[test]
    fn overflowing_range_is_none() {
        assert_eq!(padded_range(-f64::MAX, f64::MAX), None);
        assert!(padded_range(-1e300, 1e300).is_some());
        let (low, high) = padded_range(1e-320, 1e-320).expect("a subnormal value is drawable");
        assert!(low < -0.5);
        assert!(high > 0.5);
        let (low, high) = widen_degenerate(1e10, 1e10 + 1e-6);
        assert!(low < 1e10 - 1e8);
        assert!(high > 1e10 + 1e8);
    }

    #[test]
    fn ticks_use_one_two_five_steps() {
        let (ticks, step) = nice_ticks(-0.5, 10.5, 8);
        assert_eq!(step, 2.0);
        assert_eq!(ticks, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let (ticks, step) = nice_ticks(0.013, 0.087, 6);
        assert!((step - 0.02).abs() < 1e-15);
        assert_eq!(ticks.len(), 4);
        assert!((ticks[0] - 0.02).abs() < 1e-15);
        let (ticks, _) = nice_ticks(-3.0, 3.0, 7);
        assert_eq!(ticks, vec![-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]);
        assert!(ticks.iter().all(|t| t.is_sign_positive() || *t < 0.0));
    }

    #[test]
    fn limits_on_a_step_get_ticks() {
        // 0.3 / 0.05 is 5.999999999999999 in f64, so the tick at 0.3 needs the tolerance.
        let (ticks, step) = nice_ticks(0.1, 0.3, 5);
        assert!((step - 0.05).abs() < 1e-15);
        assert_eq!(ticks.len(), 5);
        assert!((ticks[0] - 0.1).abs() < 1e-15, "{ticks:?}");
        assert!((ticks[4] - 0.3).abs() < 1e-15, "{ticks:?}");
        let (ticks, _) = nice_ticks(-10.0, 10.0, 5);
        assert_eq!(ticks, vec![-10.0, -5.0, 0.0, 5.0, 10.0]);
    }

    #[test]
    fn bounds_union_covers_both() {
        let left = DataBounds::of(&[[0.0, 5.0], [10.0, 0.0]]);
        assert_eq!(left.min, [0.0, 0.0]);
        assert_eq!(left.max, [10.0, 5.0]);
        let right = DataBounds::of(&[[-40.0, 300.0], [-20.0, 100.0]]);
        let both = left.union(right);
        assert_eq!(both.min, [-40.0, 0.0]);
        assert_eq!(both.max, [10.0, 300.0]);
        assert_eq!(DataBounds::EMPTY.union(left), left);
        assert_eq!(DataBounds::of(&[]), DataBounds::EMPTY);
    }

    #[test]
    fn ticks_of_empty_span_are_single() {
        assert_eq!(nice_ticks(4.0, 4.0, 6), (vec![4.0], 1.0));
    }

    #[test]
    fn tick_labels_have_step_precision() {
        assert_eq!(format_tick(2.0, 2.0), "2");
        assert_eq!(format_tick(-40.0, 20.0), "-40");
        assert_eq!(format_tick(0.5, 0.5), "0.5");
        assert_eq!(format_tick(0.25, 0.05), "0.25");
        assert_eq!(format_tick(1.2, 0.2), "1.2");
        assert_eq!(format_tick(2.5, 1.0), "2.5");
        assert_eq!(format_tick(0.0, 0.1), "0.0");
        assert_eq!(format_tick(-1e-17, 0.1), "0.0");
        assert_eq!(format_tick(0.0, 20.0), "0");
        assert_eq!(format_tick(0.0, 5e5), "0");
        assert_eq!(format_tick(0.0, 0.0), "0");
        assert_eq!(format_tick(3.0, f64::NAN), "3");
        assert_eq!(format_tick(0.1 + 0.2, 0.1), "0.3");
    }

    #[test]
    fn large_and_small_ticks_are_scientific() {
        assert_eq!(format_tick(1.5e6, 5e5), "1.5e6");
        assert_eq!(format_tick(2e6, 5e5), "2e6");
        assert_eq!(format_tick(2e-5, 1e-5), "2e-5");
        assert_eq!(format_tick(-3.5e-4, 5e-5), "-3.5e-4");
    }
}
