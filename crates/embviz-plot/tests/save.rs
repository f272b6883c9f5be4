//! Saving figures: file formats, sizes, text content, determinism and errors.

mod common;

use std::path::Path;

use common::{DIGIT_NAMES, gaussian_blobs, output_dir, png_size, svg_texts};
use embviz_core::Error;
use embviz_plot::{Coloring, Figure, Panel};
use ndarray::array;

fn blob_panel() -> Panel {
    let (points, labels) = gaussian_blobs(10, 30, 1);
    Panel::new(&points)
        .expect("blob coordinates are finite")
        .coloring(Coloring::categorical(labels, DIGIT_NAMES))
        .title("blobs")
}

fn small_panel() -> Panel {
    Panel::from_points(&[[0.0, 0.0], [1.0, 2.0], [3.0, 1.0]]).expect("finite points are valid")
}

fn assert_no_file(path: &Path) {
    assert!(!path.exists(), "{} was left on disk", path.display());
}

/// Returns the hidden temporary files that a save may leave in `dir`.
fn partial_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("the directory exists")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".partial."))
        .collect()
}

#[test]
fn png_has_requested_size() {
    let path = output_dir().join("requested_size.png");
    Figure::from(blob_panel())
        .size(640, 480)
        .save(&path)
        .expect("a 640x480 figure fits one panel");
    let bytes = std::fs::read(&path).expect("the PNG was written");
    assert_eq!(png_size(&bytes), (640, 480));
}

#[test]
fn default_size_fits_one_panel_and_legend() {
    let path = output_dir().join("default_size.png");
    Figure::from(blob_panel())
        .title("default size")
        .save_png(&path)
        .expect("the default size fits one panel");
    let (width, height) = png_size(&std::fs::read(&path).expect("the PNG was written"));
    assert!((900..=1100).contains(&width), "default width {width}");
    assert!((750..=850).contains(&height), "default height {height}");
}

#[test]
fn extension_is_case_insensitive() {
    let path = output_dir().join("upper_case.PNG");
    Figure::from(small_panel())
        .size(300, 300)
        .save(&path)
        .expect("a .PNG path is a PNG");
    assert_eq!(
        png_size(&std::fs::read(&path).expect("the PNG was written")),
        (300, 300)
    );
}

#[test]
fn missing_parent_directories_are_created() {
    let dir = output_dir().join("nested").join("deeper");
    let _ = std::fs::remove_dir_all(output_dir().join("nested"));
    let path = dir.join("map.svg");
    Figure::from(small_panel())
        .size(300, 300)
        .save(&path)
        .expect("parent directories are created");
    assert!(path.is_file());
}

#[test]
fn svg_lists_legend_names_as_text() {
    let path = output_dir().join("legend_names.svg");
    Figure::from(blob_panel())
        .save(&path)
        .expect("the default size fits one panel");
    let svg = std::fs::read_to_string(&path).expect("the SVG was written");
    assert!(svg.contains("<svg"));
    let texts = svg_texts(&svg);
    for name in DIGIT_NAMES {
        assert!(
            texts.iter().any(|t| t == name),
            "legend name {name} is missing"
        );
    }
    assert!(texts.iter().any(|t| t == "blobs"), "panel title is missing");
    assert!(svg.contains(r#"font-family="sans-serif""#));
    assert_eq!(
        svg.matches("<circle").count(),
        300 + 10,
        "points plus markers"
    );
}

#[test]
fn svg_size_matches_request() {
    let path = output_dir().join("svg_size.svg");
    Figure::from(small_panel())
        .size(500, 400)
        .save_svg(&path)
        .expect("500x400 fits one panel");
    let svg = std::fs::read_to_string(&path).expect("the SVG was written");
    assert!(svg.contains(r#"width="500""#), "{}", &svg[..200]);
    assert!(svg.contains(r#"height="400""#), "{}", &svg[..200]);
}

#[test]
fn svg_escapes_markup_in_names() {
    let path = output_dir().join("escaped.svg");
    let panel = small_panel().coloring(Coloring::categorical([0, 1, 1], ["a<b", "c&d"]));
    Figure::from(panel)
        .save(&path)
        .expect("any name can be drawn");
    let svg = std::fs::read_to_string(&path).expect("the SVG was written");
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t == "a&lt;b"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "c&amp;d"), "{texts:?}");
}

#[test]
fn continuous_panel_draws_colorbar_ticks() {
    let points: Vec<[f64; 2]> = (0..50).map(|i| [f64::from(i), f64::from(i % 7)]).collect();
    let values: Vec<f64> = (0..50).map(|i| f64::from(i) / 49.0).collect();
    let panel = Panel::from_points(&points)
        .expect("finite points are valid")
        .coloring(Coloring::continuous(values, "local density"));
    let path = output_dir().join("colorbar.svg");
    Figure::from(panel)
        .save(&path)
        .expect("the default size fits one panel");
    let svg = std::fs::read_to_string(&path).expect("the SVG was written");
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t == "local density"));
    for tick in ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"] {
        assert!(
            texts.iter().any(|t| t == tick),
            "colorbar tick {tick} is missing"
        );
    }
    assert!(
        !texts.iter().any(|t| t.starts_with("NaN")),
        "no value is missing"
    );
}

#[test]
fn missing_values_get_a_legend_entry() {
    let panel = small_panel().coloring(Coloring::continuous([1.0, f64::NAN, 3.0], "score"));
    let path = output_dir().join("missing_values.svg");
    Figure::from(panel)
        .save(&path)
        .expect("NaN values are drawn grey");
    let svg = std::fs::read_to_string(&path).expect("the SVG was written");
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t == "NaN (1)"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t == "2.0"),
        "colorbar ticks span 1 to 3"
    );
}

#[test]
fn same_figure_gives_identical_bytes() {
    let (points, labels) = gaussian_blobs(10, 100, 5);
    let figure = Figure::new()
        .panel(
            Panel::new(&points)
                .expect("blob coordinates are finite")
                .coloring(Coloring::categorical(labels.clone(), DIGIT_NAMES)),
        )
        .panel(
            Panel::new(&points)
                .expect("blob coordinates are finite")
                .coloring(Coloring::continuous(
                    labels.iter().map(|&l| l as f64),
                    "class",
                )),
        );
    let dir = output_dir();
    for extension in ["png", "svg"] {
        let first = dir.join(format!("repeat_a.{extension}"));
        let second = dir.join(format!("repeat_b.{extension}"));
        figure.save(&first).expect("the figure is valid");
        figure.save(&second).expect("the figure is valid");
        let first = std::fs::read(&first).expect("the first file was written");
        let second = std::fs::read(&second).expect("the second file was written");
        assert!(!first.is_empty());
        assert!(first == second, "two {extension} renders differ");
    }
}

#[test]
fn hundred_thousand_points_render() {
    let (points, labels) = gaussian_blobs(20, 5_000, 9);
    let names: Vec<String> = (0..20).map(|i| format!("cluster {i}")).collect();
    let panel = Panel::new(&points)
        .expect("blob coordinates are finite")
        .coloring(Coloring::categorical(labels, names));
    let path = output_dir().join("hundred_thousand.png");
    let started = std::time::Instant::now();
    Figure::from(panel)
        .point_radius(1)
        .alpha(0.5)
        .save(&path)
        .expect("100k points are drawable");
    let elapsed = started.elapsed();
    assert!(
        elapsed.as_secs() < 30,
        "100k points took {elapsed:?}, expected under 30 s"
    );
    assert!(std::fs::metadata(&path).expect("the PNG exists").len() > 10_000);
}

#[test]
fn empty_figure_is_rejected() {
    let path = output_dir().join("empty_figure.png");
    match Figure::new().save(&path) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "panels");
            assert_eq!(value, "0");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert_no_file(&path);
}

#[test]
fn unknown_extension_is_rejected() {
    let path = output_dir().join("figure.jpg");
    match Figure::from(small_panel()).save(&path) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "path");
            assert!(value.ends_with("figure.jpg"), "{value}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert_no_file(&path);
}

#[test]
fn label_count_mismatch_is_rejected() {
    let path = output_dir().join("label_count.png");
    let panel = small_panel().coloring(Coloring::categorical([0, 1], ["a", "b"]));
    match Figure::from(panel).save(&path) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "labels");
            assert_eq!(expected, "3 values, one per point");
            assert_eq!(found, "2 values");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert_no_file(&path);
}

#[test]
fn label_without_name_is_rejected() {
    let path = output_dir().join("label_id.png");
    let panel = small_panel().coloring(Coloring::categorical([0, 5, 1], ["a", "b"]));
    match Figure::from(panel).save(&path) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "labels");
            assert_eq!(value, "5");
            assert!(expected.contains("number of names (2)"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert_no_file(&path);
}

#[test]
fn value_count_mismatch_is_rejected() {
    let panel = small_panel().coloring(Coloring::continuous([0.5_f32; 4], "score"));
    match Figure::from(panel).save(output_dir().join("value_count.svg")) {
        Err(Error::ShapeMismatch { what, found, .. }) => {
            assert_eq!(what, "values");
            assert_eq!(found, "4 values");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn wrong_column_count_is_rejected() {
    let x = array![[0.0_f32, 1.0, 2.0], [3.0, 4.0, 5.0]];
    match Panel::new(&x) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "coordinates");
            assert_eq!(expected, "2 columns (x, y)");
            assert_eq!(found, "3 columns");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn nan_coordinate_is_rejected() {
    let x = array![[0.0_f64, 1.0], [f64::NAN, 4.0]];
    match Panel::new(&x) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!(what, "coordinates");
            assert_eq!((row, column), (1, 0));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn zero_columns_setting_is_rejected() {
    match Figure::from(small_panel())
        .columns(0)
        .save(output_dir().join("zero_columns.png"))
    {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "columns");
            assert_eq!(value, "0");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn alpha_outside_unit_interval_is_rejected() {
    for alpha in [0.0, 1.5, f64::NAN] {
        match Figure::from(small_panel())
            .alpha(alpha)
            .save(output_dir().join("alpha.png"))
        {
            Err(Error::InvalidParameter { name, value, .. }) => {
                assert_eq!(name, "alpha");
                assert_eq!(value, alpha.to_string());
            }
            other => panic!("expected InvalidParameter for alpha {alpha}, got {other:?}"),
        }
    }
}

#[test]
fn point_radius_outside_range_is_rejected() {
    for radius in [0, 101] {
        match Figure::from(small_panel())
            .point_radius(radius)
            .save(output_dir().join("radius.png"))
        {
            Err(Error::InvalidParameter { name, value, .. }) => {
                assert_eq!(name, "point_radius");
                assert_eq!(value, radius.to_string());
            }
            other => panic!("expected InvalidParameter for radius {radius}, got {other:?}"),
        }
    }
}

#[test]
fn size_outside_range_is_rejected() {
    for (width, height) in [(99, 500), (500, 10_001)] {
        match Figure::from(small_panel())
            .size(width, height)
            .save(output_dir().join("size.png"))
        {
            Err(Error::InvalidParameter { name, value, .. }) => {
                assert_eq!(name, "size");
                assert_eq!(value, format!("{width}x{height}"));
            }
            other => panic!("expected InvalidParameter for {width}x{height}, got {other:?}"),
        }
    }
}

#[test]
fn crowded_grid_is_rejected() {
    let panels = std::iter::repeat_n(small_panel(), 6);
    match Figure::new()
        .panels(panels)
        .columns(6)
        .size(400, 300)
        .save(output_dir().join("crowded.png"))
    {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "size");
            assert_eq!(value, "400x300");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn highlight_mask_mismatch_is_rejected() {
    let panel = small_panel().highlight([true, false]);
    match Figure::from(panel).save(output_dir().join("highlight.png")) {
        Err(Error::ShapeMismatch { what, found, .. }) => {
            assert_eq!(what, "highlight");
            assert_eq!(found, "2 values");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn directory_in_the_way_gives_io_error() {
    let dir = output_dir().join("blocked");
    let path = dir.join("is_a_directory.png");
    std::fs::create_dir_all(&path).expect("the target directory is writable");
    match Figure::from(small_panel()).size(300, 300).save(&path) {
        Err(Error::Io { path: failed, .. }) => assert_eq!(failed, path),
        other => panic!("expected Io, got {other:?}"),
    }
    assert!(path.is_dir(), "the directory was replaced");
    assert_eq!(partial_files(&dir), Vec::<String>::new());
}

#[test]
fn file_as_parent_gives_io_error() {
    let blocker = output_dir().join("plain_file");
    std::fs::write(&blocker, b"not a directory").expect("the target directory is writable");
    let path = blocker.join("map.png");
    match Figure::from(small_panel()).save(&path) {
        Err(Error::Io { path: failed, .. }) => assert_eq!(failed, blocker),
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn degenerate_panels_still_render() {
    let single = Panel::from_points(&[[3.0, -2.0]]).expect("one point is valid");
    let same = Panel::from_points(&[[1.0, 1.0]; 5]).expect("repeated points are valid");
    let huge = Panel::from_points(&[[-1e300, 1e300], [1e300, -1e300]]).expect("finite points");
    let tiny = Panel::from_points(&[[0.0, 0.0], [1e-200, 1e-200]]).expect("finite points");
    let all_missing = small_panel().coloring(Coloring::continuous([f64::NAN; 3], "score"));
    let constant = small_panel().coloring(Coloring::continuous([7.0; 3], "score"));
    let cases = [
        ("single", single),
        ("same", same),
        ("huge", huge),
        ("tiny", tiny),
        ("all_missing", all_missing),
        ("constant", constant),
    ];
    for (name, panel) in cases {
        for extension in ["png", "svg"] {
            let path = output_dir().join(format!("degenerate_{name}.{extension}"));
            let saved = Figure::from(panel.clone()).size(400, 300).save(&path);
            assert!(saved.is_ok(), "{name}.{extension}: {saved:?}");
        }
    }
}

#[test]
fn overflowing_range_is_rejected() {
    let panel = Panel::from_points(&[[-f64::MAX, 0.0], [f64::MAX, 1.0]]).expect("finite points");
    match Figure::from(panel).save(output_dir().join("overflow.png")) {
        Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, "coordinates"),
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn extra_columns_stay_empty() {
    let path = output_dir().join("extra_columns.png");
    Figure::new()
        .panels([small_panel(), small_panel()])
        .columns(3)
        .save(&path)
        .expect("empty cells are allowed");
    let (width, height) = png_size(&std::fs::read(&path).expect("the PNG was written"));
    assert!(width > 2000, "three columns are reserved: width {width}");
    assert!(height < 900, "one row: height {height}");
}

#[test]
fn hundred_classes_legend_is_summed_up() {
    let (points, labels) = gaussian_blobs(100, 3, 2);
    let names: Vec<String> = (0..100).map(|i| format!("class {i}")).collect();
    let panel = Panel::new(&points)
        .expect("blob coordinates are finite")
        .coloring(Coloring::categorical(labels, names));
    let path = output_dir().join("hundred_classes.svg");
    Figure::from(panel)
        .save(&path)
        .expect("100 classes are drawable");
    let texts = svg_texts(&std::fs::read_to_string(&path).expect("the SVG was written"));
    let listed = texts.iter().filter(|t| t.starts_with("class ")).count();
    let summary = texts
        .iter()
        .find_map(|t| t.strip_prefix("… and ")?.strip_suffix(" more"))
        .expect("a summary row");
    let hidden: usize = summary.parse().expect("the summary gives a count");
    assert!(listed >= 50, "only {listed} names are listed");
    assert_eq!(listed + hidden, 100);
    assert!(texts.iter().any(|t| t == "class 0"));
}

#[test]
fn unusual_names_render() {
    let names = ["😀 smile", "日本語", "", "tab\tand\nnewline"];
    let panel = Panel::from_points(&[[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [3.0, 2.0]])
        .expect("finite points are valid")
        .coloring(Coloring::categorical([0, 1, 2, 3], names))
        .title("😀")
        .x_label("");
    for extension in ["png", "svg"] {
        let path = output_dir().join(format!("unusual_names.{extension}"));
        let saved = Figure::from(panel.clone()).save(&path);
        assert!(saved.is_ok(), "{extension}: {saved:?}");
    }
}
