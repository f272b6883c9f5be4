use ndarray::Array2;

/// Aligned layouts of a snapshot sequence, returned by
/// [`AlignedLayouts::fit`](super::AlignedLayouts::fit).
#[derive(Debug, Clone, PartialEq)]
pub struct FittedAlignedLayouts {
    pub(super) layouts: Vec<Array2<f64>>,
    pub(super) disparity_to_previous: Vec<f64>,
    pub(super) displacement_to_previous: Vec<f64>,
    pub(super) seed: u64,
    pub(super) stopped_early: bool,
}

impl FittedAlignedLayouts {
    /// Returns the layouts, one `n_samples x n_components` map per snapshot in input order.
    /// There are fewer than snapshots only when the observer stopped the run.
    pub fn layouts(&self) -> &[Array2<f64>] {
        &self.layouts
    }

    /// Returns the layouts, consuming the result.
    pub fn into_layouts(self) -> Vec<Array2<f64>> {
        self.layouts
    }

    /// Returns, for each layout after the first, the Procrustes disparity to the layout
    /// before it: `scipy.spatial.procrustes(previous, current)[2]`, computed on the
    /// returned layouts with reflections allowed. It lies in `[0, 1]`, with 0 for the same
    /// shape. It measures the change of shape alone, so it does not change when a layout is
    /// rotated, mirrored, scaled or moved, and [`Alignment::Procrustes`] gives the same
    /// values as [`Alignment::Independent`].
    ///
    /// [`Alignment::Procrustes`]: super::Alignment::Procrustes
    /// [`Alignment::Independent`]: super::Alignment::Independent
    pub fn disparity_to_previous(&self) -> &[f64] {
        &self.disparity_to_previous
    }

    /// Returns, for each layout after the first, how far the rows moved on screen since the
    /// layout before it, relative to that layout's spread:
    ///
    /// ```text
    /// sum_i |y_k[i] - y_(k-1)[i]|^2 / sum_i |y_(k-1)[i] - mean(y_(k-1))|^2
    /// ```
    ///
    /// Unlike the disparity, it counts rotation, reflection, scaling and translation as
    /// movement: a layout turned by 180 degrees scores 4, an unrelated layout of the same
    /// spread and centre about 2, and an unchanged layout 0. It is what a viewer sees when
    /// the frames are played in order, so it shows how well the alignment worked. Aligned
    /// layouts keep the spread of the first layout, and after the optimal rotation the
    /// displacement is `2 (1 - sqrt(1 - disparity))`, about twice a small disparity.
    pub fn displacement_to_previous(&self) -> &[f64] {
        &self.displacement_to_previous
    }

    /// Returns these layouts aligned as [`Alignment::Procrustes`] would align them: each
    /// layout after the first rotated or reflected and translated onto the aligned layout
    /// before it, and scaled to its spread. Called on [`Alignment::Independent`] layouts, it gives the
    /// Procrustes layouts without fitting the snapshots again.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`](embviz_core::Error::InvalidParameter) when a layout has
    /// all its rows at one point, so that it has no orientation to align.
    ///
    /// [`Alignment::Procrustes`]: super::Alignment::Procrustes
    /// [`Alignment::Independent`]: super::Alignment::Independent
    pub fn procrustes_aligned(&self) -> embviz_core::Result<Self> {
        let (layouts, disparity_to_previous, displacement_to_previous) =
            super::run::procrustes_chain(&self.layouts)?;
        Ok(Self {
            layouts,
            disparity_to_previous,
            displacement_to_previous,
            seed: self.seed,
            stopped_early: self.stopped_early,
        })
    }

    /// Returns the seed every snapshot was fitted with: the reducer's seed, or the one
    /// drawn by the first fit when none was set.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Returns whether the observer stopped the run before the last snapshot was fully
    /// fitted.
    pub fn stopped_early(&self) -> bool {
        self.stopped_early
    }
}
