use std::ops::ControlFlow;

use embviz_core::{Error, Float, Matrix, Observer, Result, Snapshots};

use super::model::FittedAlignedLayouts;
use crate::tsne::Tsne;
use crate::umap::Umap;

/// Default early exaggeration of the t-SNE fits that start from the previous layout, in
/// [`Alignment::Chained`]: none. A start that already has the clusters does not need the
/// push that forms them from a PCA start (12). openTSNE places new points into an existing
/// map with an early exaggeration of 4 (`TSNEEmbedding.transform` in `openTSNE/tsne.py`),
/// but there the existing points stay fixed. Applied to a whole converged map, 4 pulled it
/// apart: three copies of one 180-row snapshot moved by a displacement of 0.73, then 0.95,
/// against 0.001 and 0.00001 without exaggeration.
pub(super) const CHAINED_EARLY_EXAGGERATION: f64 = 1.0;

/// Default factor on the learning rate of the UMAP fits that start from the previous
/// layout, in [`Alignment::Chained`]. umap-learn's `UMAP.transform` places new points into
/// an existing layout at a quarter of the initial learning rate (`umap/umap_.py`), but
/// there the existing points stay fixed. On the 2000-row fine-tuning snapshots, a tenth
/// halved the movement between chained frames against a quarter (0.092 against 0.176),
/// and the trustworthiness of every later frame was above that of independent fits.
pub(super) const CHAINED_UMAP_LEARNING_RATE_FACTOR: f64 = 0.1;

/// The method that ties the layouts of successive snapshots together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Alignment {
    /// Each snapshot is fitted on its own, with the same seed and the reducer's own
    /// initialisation. The layouts are not moved afterwards, so consecutive frames may be
    /// rotated, mirrored or shuffled against each other. A baseline.
    Independent,
    /// The first snapshot is fitted with the reducer's own initialisation (PCA for t-SNE,
    /// spectral for UMAP by default). Each later snapshot starts from the previous final
    /// layout, so rows that do not change stay close to their place. They still move a
    /// little, as the optimisation runs again from that start: on three copies of one
    /// 180-row snapshot, the chained t-SNE maps moved by a displacement of 0.001, then
    /// 0.00001. For t-SNE the start is centred and kept at its scale, and the early
    /// exaggeration is lowered to [`AlignedLayouts::chained_early_exaggeration`]. For UMAP
    /// the layout is passed as [`umap::Init::Given`](crate::umap::Init::Given) but kept at
    /// its scale, instead of being rescaled to `[0, 10]` per column, and the learning rate
    /// is lowered by [`AlignedLayouts::chained_umap_learning_rate_factor`]. Each new layout
    /// is then rotated, translated and scaled to the previous layout's spread, to remove the
    /// drift in orientation, size and position that the optimisation adds. It is never
    /// reflected, since it started from the previous layout's orientation. Default.
    ///
    /// NOTE: UMAP at its full learning rate moves the layout far from its start. On 180
    /// rows of real fine-tuning snapshots (MiniLM, 200 UMAP epochs), the mean disparity to
    /// the previous frame was 0.837 for independent fits. Chained fits gave 0.730 at the
    /// full learning rate, 0.406 at a quarter of it and 0.162 at a tenth.
    #[default]
    Chained,
    /// Each snapshot is fitted on its own as in [`Alignment::Independent`]. Then each
    /// layout after the first is rotated or reflected and translated onto the aligned
    /// previous layout by [`procrustes`](super::procrustes), and scaled to its spread (the
    /// least-squares scale of the fit would shrink the maps at every step). Reflections are
    /// allowed on purpose, so a map that came out mirrored is un-mirrored. The shapes are
    /// those of independent fits, and only their position, orientation and size change.
    Procrustes,
}

impl std::fmt::Display for Alignment {
    /// Writes the alignment in lower case, as log lines and figure titles use it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Independent => "independent",
            Self::Chained => "chained",
            Self::Procrustes => "Procrustes",
        })
    }
}

/// The dimensionality reduction that maps each snapshot, with the user's parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Reducer {
    /// t-SNE. Its seed, when set, is used for every snapshot.
    Tsne(Tsne),
    /// UMAP. Its seed, when set, is used for every snapshot.
    Umap(Umap),
}

impl From<Tsne> for Reducer {
    fn from(tsne: Tsne) -> Self {
        Self::Tsne(tsne)
    }
}

impl From<Umap> for Reducer {
    fn from(umap: Umap) -> Self {
        Self::Umap(umap)
    }
}

impl Default for Reducer {
    fn default() -> Self {
        Self::Tsne(Tsne::default())
    }
}

/// Aligned layouts of a sequence of embedding snapshots: one map per snapshot of the same
/// rows, placed so that movement between frames reflects change in the embeddings.
///
/// A typical input is the embeddings of one evaluation set taken at each checkpoint of a
/// fine-tuning run. Fitting t-SNE or UMAP on each snapshot alone gives maps that rotate,
/// mirror and reshuffle from frame to frame, even where the data hardly changed.
/// [`Alignment`] chooses how the frames are tied together: not at all
/// ([`Alignment::Independent`]), by starting each fit from the previous layout
/// ([`Alignment::Chained`], the default), or by moving independent layouts onto each other
/// with a Procrustes fit ([`Alignment::Procrustes`]).
///
/// Row `i` of every snapshot must be the same item. The snapshots may have different
/// column counts, for example when a model is swapped for a wider one. The layouts are
/// `n_samples x n_components` in `f64`, with the reducer's `n_components`.
///
/// umap-learn's `AlignedUMAP` (`umap/aligned_umap.py`) solves a related problem
/// differently: it optimises all frames together, with a penalty
/// (`alignment_regularisation`) on the distance between a row's positions in neighbouring
/// frames. Here each frame is an ordinary t-SNE or UMAP fit, so a frame is what the
/// reducer alone would give from that start, and the alignment never pulls rows together
/// across frames.
///
/// The reducer's seed, when set, is used for every frame. Without one, the first fit draws
/// a seed and the later frames reuse it, and [`FittedAlignedLayouts::seed`] returns it. The
/// layouts are the same for a seed whatever the thread count, as each fit is.
///
/// # Example
///
/// ```
/// use embviz_reduction::aligned::{AlignedLayouts, Alignment};
/// use embviz_reduction::tsne::Tsne;
/// use ndarray::Array2;
///
/// // Two groups of 20 rows; in the second snapshot the groups are drawn apart.
/// let snapshot = |gap: f64| {
///     Array2::from_shape_fn((40, 3), |(i, j)| {
///         let group = if i < 20 { 0.0 } else { gap };
///         group + ((i * 7 + j * 3) % 5) as f64 * 0.1
///     })
/// };
/// let snapshots = [snapshot(5.0), snapshot(10.0)];
/// let tsne = Tsne::new().perplexity(5.0).max_iter(300).seed(0);
/// let fitted = AlignedLayouts::new(tsne)
///     .alignment(Alignment::Procrustes)
///     .fit(&snapshots)?;
/// assert_eq!(fitted.layouts().len(), 2);
/// assert_eq!(fitted.layouts()[1].dim(), (40, 2));
/// assert_eq!(fitted.disparity_to_previous().len(), 1);
/// # Ok::<(), embviz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedLayouts {
    pub(super) reducer: Reducer,
    pub(super) alignment: Alignment,
    pub(super) chained_early_exaggeration: f64,
    pub(super) chained_umap_learning_rate_factor: f64,
}

impl Default for AlignedLayouts {
    fn default() -> Self {
        Self::new(Reducer::default())
    }
}

impl AlignedLayouts {
    /// Creates aligned layouts that map each snapshot with `reducer`, a configured [`Tsne`]
    /// or [`Umap`], and the default [`Alignment::Chained`].
    pub fn new(reducer: impl Into<Reducer>) -> Self {
        Self {
            reducer: reducer.into(),
            alignment: Alignment::default(),
            chained_early_exaggeration: CHAINED_EARLY_EXAGGERATION,
            chained_umap_learning_rate_factor: CHAINED_UMAP_LEARNING_RATE_FACTOR,
        }
    }

    /// Sets how the layouts are tied together. Default [`Alignment::Chained`].
    #[must_use]
    pub fn alignment(mut self, alignment: Alignment) -> Self {
        self.alignment = alignment;
        self
    }

    /// Sets the early exaggeration of the t-SNE fits that start from the previous layout
    /// with [`Alignment::Chained`]. The first snapshot keeps the reducer's own value
    /// (scikit-learn's 12 by default). Default 1, no exaggeration, so that rows whose
    /// neighbours do not change keep their place; must be at least 1. Values such as 4,
    /// which openTSNE's `TSNEEmbedding.transform` uses to place new points into a fixed map,
    /// let the map regroup more freely. Ignored for UMAP and the other alignments.
    #[must_use]
    pub fn chained_early_exaggeration(mut self, early_exaggeration: f64) -> Self {
        self.chained_early_exaggeration = early_exaggeration;
        self
    }

    /// Sets the factor on the learning rate of the UMAP fits that start from the previous
    /// layout with [`Alignment::Chained`]. The first snapshot keeps the reducer's own
    /// learning rate (1 by default). Default 0.1; must be in (0, 1]. umap-learn's
    /// `UMAP.transform` places new points into a fixed layout at 0.25, which lets a
    /// chained map move more. Ignored for t-SNE and the other alignments.
    #[must_use]
    pub fn chained_umap_learning_rate_factor(mut self, factor: f64) -> Self {
        self.chained_umap_learning_rate_factor = factor;
        self
    }

    /// Computes one aligned layout per snapshot.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] (`snapshots`) for fewer than 2 snapshots.
    /// - [`Error::InSnapshot`] naming the snapshot by its position (`"3"`, counting from 0)
    ///   around [`Error::EmptyInput`], [`Error::RaggedRows`], [`Error::NonFinite`] (with
    ///   the row and column) or, with the cosine metric, [`Error::ZeroVector`]. It also
    ///   wraps [`Error::ShapeMismatch`] when a snapshot has a different row count than the
    ///   first, with both counts.
    /// - [`Error::InvalidParameter`] (`chained_early_exaggeration`) below 1 or not finite,
    ///   and (`chained_umap_learning_rate_factor`) outside (0, 1].
    /// - The errors of [`Tsne::fit`] or [`Umap::fit`] for their parameters, such as a
    ///   perplexity not less than the number of rows.
    pub fn fit<F: Float, M: Matrix<F>>(&self, snapshots: &[M]) -> Result<FittedAlignedLayouts> {
        self.fit_with(snapshots, &mut |_| ControlFlow::Continue(()))
    }

    /// Computes one aligned layout per snapshot, passing `observer` the reducer's own
    /// reports for each fit (see [`Tsne::fit_with`] and [`Umap::fit_with`]). After each
    /// snapshot, it also gets a report with stage `"snapshots"`, the number of snapshots
    /// done and their total. When the observer returns
    /// `ControlFlow::Break(())`, the current fit stops, no later snapshot is fitted, and
    /// the result contains the layouts reached and reports
    /// [`FittedAlignedLayouts::stopped_early`].
    ///
    /// # Errors
    ///
    /// As [`AlignedLayouts::fit`].
    pub fn fit_with<F: Float, M: Matrix<F>>(
        &self,
        snapshots: &[M],
        observer: &mut Observer<'_>,
    ) -> Result<FittedAlignedLayouts> {
        let names: Vec<String> = (0..snapshots.len()).map(|i| i.to_string()).collect();
        self.check_parameters()?;
        super::run::fit(self, &names, snapshots, observer)
    }

    /// Computes one aligned layout per snapshot of `snapshots`, as
    /// [`AlignedLayouts::fit`] does, with errors and log lines naming each snapshot by its
    /// name (such as the file stem `epoch_03` from `embviz_io::read_snapshots`).
    ///
    /// # Errors
    ///
    /// As [`AlignedLayouts::fit`].
    ///
    /// # Example
    ///
    /// ```
    /// use embviz_core::Snapshots;
    /// use embviz_reduction::aligned::AlignedLayouts;
    /// use embviz_reduction::tsne::Tsne;
    /// use ndarray::Array2;
    ///
    /// let snapshot = |gap: f64| {
    ///     Array2::from_shape_fn((40, 3), |(i, j)| {
    ///         let group = if i < 20 { 0.0 } else { gap };
    ///         group + ((i * 7 + j * 3) % 5) as f64 * 0.1
    ///     })
    /// };
    /// let snapshots = Snapshots::new([("epoch_0", snapshot(5.0)), ("epoch_1", snapshot(10.0))])?;
    /// let tsne = Tsne::new().perplexity(5.0).max_iter(300).seed(0);
    /// let fitted = AlignedLayouts::new(tsne).fit_snapshots(&snapshots)?;
    /// assert_eq!(fitted.layouts().len(), 2);
    /// # Ok::<(), embviz_core::Error>(())
    /// ```
    pub fn fit_snapshots<F: Float>(
        &self,
        snapshots: &Snapshots<F>,
    ) -> Result<FittedAlignedLayouts> {
        self.fit_snapshots_with(snapshots, &mut |_| ControlFlow::Continue(()))
    }

    /// As [`AlignedLayouts::fit_snapshots`], passing `observer` the reports described at
    /// [`AlignedLayouts::fit_with`].
    ///
    /// # Errors
    ///
    /// As [`AlignedLayouts::fit`].
    pub fn fit_snapshots_with<F: Float>(
        &self,
        snapshots: &Snapshots<F>,
        observer: &mut Observer<'_>,
    ) -> Result<FittedAlignedLayouts> {
        self.check_parameters()?;
        super::run::fit(self, snapshots.names(), snapshots.matrices(), observer)
    }

    fn check_parameters(&self) -> Result<()> {
        let exaggeration = self.chained_early_exaggeration;
        if !(exaggeration.is_finite() && exaggeration >= 1.0) {
            return Err(Error::invalid_parameter(
                "chained_early_exaggeration",
                exaggeration,
                "must be at least 1",
            ));
        }
        let factor = self.chained_umap_learning_rate_factor;
        if !(factor > 0.0 && factor <= 1.0) {
            return Err(Error::invalid_parameter(
                "chained_umap_learning_rate_factor",
                factor,
                "must be in (0, 1]: the chained fits use the reducer's learning rate \
                 times this factor",
            ));
        }
        Ok(())
    }
}
