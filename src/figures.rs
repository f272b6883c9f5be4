//! Ready-made figures that join the algorithm crates to the plotting crate.

use embviz_core::{Error, Float, Matrix, Result};
use embviz_io::Labels;
use embviz_plot::{Coloring, Figure, Panel};

/// Builds a figure of a 2-D map with one colour per class and a legend of class names,
/// or a single colour when `labels` is `None`.
///
/// # Errors
///
/// [`Error::ShapeMismatch`](embviz_core::Error::ShapeMismatch) when the map is not
/// `n x 2` or the labels do not have one entry per row, and
/// [`Error::NonFinite`](embviz_core::Error::NonFinite) for NaN or infinite coordinates.
pub fn class_map_figure<F: Float>(
    map: &impl Matrix<F>,
    labels: Option<&Labels>,
    title: &str,
) -> Result<Figure> {
    let mut panel = Panel::new(map)?;
    if let Some(labels) = labels {
        if labels.len() != panel.len() {
            return Err(Error::ShapeMismatch {
                what: "labels",
                expected: format!("{} labels, one per row of the map", panel.len()),
                found: format!("{} labels", labels.len()),
            });
        }
        panel = panel.coloring(Coloring::categorical(
            labels.ids().iter().copied(),
            labels.names().iter().cloned(),
        ));
    }
    Ok(Figure::from(panel.title(title)))
}

/// Builds a figure of a 2-D map that separates inliers from the rows a detector flagged,
/// with the flagged rows drawn on top and a legend.
///
/// `flagged[i]` is true where the detector predicts an outlier (`predict == -1`). With
/// the known outliers `truth`, the legend has four groups: inliers, caught outliers,
/// flagged inliers (false alarms) and missed outliers; without, two: inliers and flagged
/// outliers. Inliers are drawn first and caught outliers last, so no outlier hides behind
/// an inlier.
///
/// # Errors
///
/// [`Error::ShapeMismatch`] when the map is not `n x 2` or `flagged` or `truth` do not have
/// one entry per row, and [`Error::NonFinite`] for NaN or infinite coordinates.
pub fn outlier_map_figure<F: Float>(
    map: &impl Matrix<F>,
    flagged: &[bool],
    truth: Option<&[bool]>,
    title: &str,
) -> Result<Figure> {
    let rows = map.to_rows()?;
    let n = rows.nrows();
    let check = |what: &'static str, len: usize| {
        if len == n {
            Ok(())
        } else {
            Err(Error::ShapeMismatch {
                what,
                expected: format!("{n} flags, one per row of the map"),
                found: format!("{len} flags"),
            })
        }
    };
    check("flagged", flagged.len())?;
    if let Some(truth) = truth {
        check("truth", truth.len())?;
    }
    let (order, groups, names) = outlier_groups(flagged, truth);
    let points: Vec<[F; 2]> = order
        .iter()
        .map(|&i| {
            let row = rows.row(i);
            [row.get(0).copied(), row.get(1).copied()]
        })
        .map(|pair| match pair {
            [Some(x), Some(y)] => Ok([x, y]),
            _ => Err(Error::ShapeMismatch {
                what: "map",
                expected: "2 columns".to_owned(),
                found: format!("{} columns", rows.ncols()),
            }),
        })
        .collect::<Result<_>>()?;
    let panel = Panel::from_points(&points)?
        .coloring(Coloring::categorical(groups, names.iter().copied()))
        .title(title);
    Ok(Figure::from(panel))
}

/// Returns the drawing order (inliers first), the group of each row in that order, and
/// the group names.
fn outlier_groups(
    flagged: &[bool],
    truth: Option<&[bool]>,
) -> (Vec<usize>, Vec<usize>, &'static [&'static str]) {
    // Group ids pick the colours (blue, orange, green, red), so caught outliers are orange
    // against blue inliers, a pair that colour-blind readers tell apart. The draw rank puts
    // inliers first and caught outliers last.
    let (groups, ranks, names): (Vec<usize>, Vec<usize>, &'static [&'static str]) = match truth {
        Some(truth) => {
            let groups: Vec<usize> = flagged
                .iter()
                .zip(truth)
                .map(|(&f, &t)| match (f, t) {
                    (false, false) => 0,
                    (true, true) => 1,
                    (true, false) => 2,
                    (false, true) => 3,
                })
                .collect();
            let ranks = groups.iter().map(|&g| [0, 3, 1, 2][g]).collect();
            (
                groups,
                ranks,
                &[
                    "inlier",
                    "caught outlier",
                    "flagged inlier (false alarm)",
                    "missed outlier",
                ],
            )
        }
        None => {
            let groups: Vec<usize> = flagged.iter().map(|&f| usize::from(f)).collect();
            (groups.clone(), groups, &["inlier", "flagged outlier"])
        }
    };
    let mut order: Vec<usize> = (0..flagged.len()).collect();
    order.sort_by_key(|&i| ranks[i]);
    let ordered = order.iter().map(|&i| groups[i]).collect();
    (order, ordered, names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn outlier_groups_draw_order() {
        let map = array![[0.0_f64, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]];
        let flagged = [true, false, false, true];
        let truth = [false, true, false, true];
        assert!(outlier_map_figure(&map, &flagged, Some(&truth), "t").is_ok());
        let (order, groups, names) = outlier_groups(&flagged, Some(&truth));
        // Row 2 is an inlier, row 0 a false alarm, row 1 missed, row 3 caught.
        assert_eq!(order, vec![2, 0, 1, 3]);
        assert_eq!(groups, vec![0, 2, 3, 1]);
        assert_eq!(names.len(), 4);
        let (order, groups, _) = outlier_groups(&flagged, None);
        assert_eq!(order, vec![1, 2, 0, 3]);
        assert_eq!(groups, vec![0, 0, 1, 1]);
    }

    #[test]
    fn wrong_flag_count_is_an_error() {
        let map = array![[0.0_f64, 0.0], [1.0, 1.0]];
        assert!(matches!(
            outlier_map_figure(&map, &[true], None, "t"),
            Err(Error::ShapeMismatch {
                what: "flagged",
                ..
            })
        ));
    }
}
