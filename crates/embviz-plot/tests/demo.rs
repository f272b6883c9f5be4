//! Demo figures meant to be looked at: ten Gaussian blobs in one panel, in two panels with a
//! shared legend, and coloured by a continuous value with a colorbar. Each test also checks
//! the size of the PNG and the text of the matching SVG.

mod common;

use common::{DIGIT_NAMES, gaussian_blobs, output_dir, png_size, svg_texts};
use embviz_plot::{Coloring, Figure, Panel};
use ndarray::Array2;

/// Saves `figure` as PNG and SVG under the test output directory, and returns the PNG size
/// and the SVG texts.
fn save_both(figure: &Figure, stem: &str) -> ((u32, u32), Vec<String>) {
    let dir = output_dir();
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    figure.save(&png).expect("the demo figure is valid");
    figure.save(&svg).expect("the demo figure is valid");
    let size = png_size(&std::fs::read(&png).expect("the PNG was written"));
    let texts = svg_texts(&std::fs::read_to_string(&svg).expect("the SVG was written"));
    (size, texts)
}

#[test]
fn demo_ten_blobs_with_legend() {
    let (points, labels) = gaussian_blobs(10, 200, 42);
    let panel = Panel::new(&points)
        .expect("blob coordinates are finite")
        .coloring(Coloring::categorical(labels, DIGIT_NAMES))
        .title("Ten Gaussian blobs")
        .x_label("t-SNE 1")
        .y_label("t-SNE 2");
    let figure = Figure::from(panel).title("Demo: categorical colours");
    let ((width, height), texts) = save_both(&figure, "demo_blobs");
    assert!(width > 900, "width {width}");
    assert!(height > 750, "height {height}");
    for expected in [
        "Demo: categorical colours",
        "Ten Gaussian blobs",
        "t-SNE 1",
        "nine",
    ] {
        assert!(texts.iter().any(|t| t == expected), "{expected} is missing");
    }
}

#[test]
fn demo_two_panels_share_legend() {
    let (points, labels) = gaussian_blobs(10, 150, 7);
    // The second panel is the first one squashed and turned, as a second method might give.
    let turned = Array2::from_shape_fn(points.dim(), |(i, axis)| {
        let (x, y) = (points[[i, 0]], points[[i, 1]]);
        if axis == 0 {
            0.5 * x - 0.8 * y
        } else {
            0.3 * x + 0.2 * y
        }
    });
    let coloring = Coloring::categorical(labels, DIGIT_NAMES);
    let figure = Figure::new()
        .title("Demo: two maps, one legend")
        .panel(
            Panel::new(&points)
                .expect("blob coordinates are finite")
                .coloring(coloring.clone())
                .title("t-SNE")
                .x_label("t-SNE 1")
                .y_label("t-SNE 2"),
        )
        .panel(
            Panel::new(&turned)
                .expect("turned coordinates are finite")
                .coloring(coloring)
                .title("PCA")
                .x_label("PC 1")
                .y_label("PC 2"),
        );
    let ((width, height), texts) = save_both(&figure, "demo_two_panels");
    assert!(width > 1600, "width {width}");
    assert!(height > 750, "height {height}");
    for name in DIGIT_NAMES {
        let count = texts.iter().filter(|t| t == &name).count();
        assert_eq!(count, 1, "legend name {name} appears {count} times");
    }
}

#[test]
fn demo_continuous_with_colorbar() {
    let (points, _) = gaussian_blobs(10, 200, 3);
    // Distance from the centre of the ring, with every 50th value missing.
    let values: Vec<f64> = points
        .outer_iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 50 == 0 {
                f64::NAN
            } else {
                f64::from(p[0].hypot(p[1]))
            }
        })
        .collect();
    let outliers: Vec<bool> = values.iter().map(|v| v.is_finite() && *v > 12.5).collect();
    let panel = Panel::new(&points)
        .expect("blob coordinates are finite")
        .coloring(Coloring::continuous(values, "distance from centre"))
        .highlight(outliers)
        .title("Radius, points beyond 12.5 circled")
        .x_label("x")
        .y_label("y");
    let figure = Figure::from(panel).title("Demo: continuous colours");
    let (_, texts) = save_both(&figure, "demo_continuous");
    assert!(texts.iter().any(|t| t == "distance from centre"));
    assert!(texts.iter().any(|t| t == "NaN (40)"), "{texts:?}");
}

#[test]
fn demo_grid_mixes_legends_and_colorbars() {
    let (points, labels) = gaussian_blobs(10, 100, 11);
    let even_odd = labels.iter().map(|&l| l % 2);
    let long_names = (0..10).map(|i| format!("a rather long class name number {i}"));
    let values = labels.iter().map(|&l| (l as f64).powi(3) * 1e5);

    let figure = Figure::new()
        .title("Demo: four panels in a 2 x 2 grid")
        .panel(
            Panel::new(&points)
                .expect("blob coordinates are finite")
                .coloring(Coloring::categorical(labels.clone(), DIGIT_NAMES))
                .title("digits"),
        )
        .panel(
            Panel::new(&points)
                .expect("blob coordinates are finite")
                .coloring(Coloring::categorical(even_odd, ["even", "odd"]))
                .title("parity"),
        )
        .panel(
            Panel::new(&points)
                .expect("blob coordinates are finite")
                .coloring(Coloring::categorical(labels.clone(), long_names))
                .title("long names"),
        )
        .panel(
            Panel::new(&points)
                .expect("blob coordinates are finite")
                .coloring(Coloring::continuous(values, "label cubed x 1e5"))
                .title("large values"),
        );

    let ((width, height), texts) = save_both(&figure, "demo_grid");
    assert!(width > 1500, "width {width}");
    assert!(height > 1400, "height {height}");
    assert!(texts.iter().any(|t| t == "odd"));
    let shortened = texts
        .iter()
        .filter(|t| t.contains('…') && t.ends_with("number 3"))
        .count();
    assert_eq!(shortened, 1, "long names keep their ends: {texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("e7")),
        "large ticks are scientific"
    );
}
