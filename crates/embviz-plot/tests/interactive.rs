//! Interactive HTML pages without a browser: input errors, file size at 100,000 points,
//! SVG or WebGL markers, escaping of user text, and animation frames. The figure is read
//! back from the JSON that each page embeds.

mod common;

use std::path::PathBuf;

use common::{DIGIT_NAMES, gaussian_blobs};
use embviz_core::Error;
use embviz_plot::{
    Coloring, InteractiveAnimation, InteractiveFigure, InteractiveHeatmap, InteractiveMap,
    RenderMode,
};
use ndarray::{Array2, array};
use serde_json::Value;

/// Upper bound on the page size for 100,000 points with hover texts and one field: 30 MB.
const MAX_PAGE_BYTES: usize = 30_000_000;

/// User text that would end the page's script element if it were written raw.
const HOSTILE: &str = "a </script><script>alert(1)</script> & b";

/// `HOSTILE` as plotly must receive it, so that the text is shown as typed.
const HOSTILE_FOR_PLOTLY: &str = "a &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; b";

/// Returns a folder for this file's outputs, created if missing.
fn output_dir() -> PathBuf {
    let dir = common::output_dir().join("interactive");
    std::fs::create_dir_all(&dir).expect("the target directory is writable");
    dir
}

/// Parses the figure that the page passes to `Plotly.newPlot`.
fn embedded_figure(html: &str) -> Value {
    const START: &str = "const figure = ";
    let start = html.find(START).expect("the page defines the figure") + START.len();
    let length = html[start..]
        .find(";\n")
        .expect("the figure statement ends with a semicolon and a line break");
    serde_json::from_str(&html[start..start + length]).expect("the embedded figure is JSON")
}

fn traces(figure: &Value) -> &Vec<Value> {
    figure["data"].as_array().expect("data is an array")
}

fn trace_types(figure: &Value) -> Vec<&str> {
    traces(figure)
        .iter()
        .map(|trace| trace["type"].as_str().expect("every trace has a type"))
        .collect()
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("an array of numbers")
        .iter()
        .map(|number| number.as_f64().expect("a number"))
        .collect()
}

/// Returns `n` points on a spiral, all distinct and finite.
fn spiral(n: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, 2), |(i, axis)| {
        let angle = i as f64 * 0.1;
        let radius = 1.0 + i as f64 * 0.01;
        if axis == 0 {
            radius * angle.cos()
        } else {
            radius * angle.sin()
        }
    })
}

fn three_points() -> InteractiveMap {
    let points = array![[0.0, 0.0], [1.0, 0.5], [5.0, 4.0]];
    InteractiveMap::new(&points).expect("three finite points are valid")
}

fn two_frames() -> InteractiveAnimation {
    let first = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
    let second = array![[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]];
    InteractiveAnimation::new([("epoch 0", &first), ("epoch 1", &second)])
        .expect("two finite frames of 3 rows are valid")
}

fn square_heatmap() -> InteractiveHeatmap {
    let similarity = array![[1.0, 0.8, 0.1], [0.8, 1.0, 0.2], [0.1, 0.2, 1.0]];
    InteractiveHeatmap::new(&similarity).expect("a finite 3 x 3 matrix is valid")
}

/// Returns the fields of an [`Error::ShapeMismatch`], or fails the test.
fn shape_mismatch(result: embviz_core::Result<String>) -> (&'static str, String, String) {
    match result {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => (what, expected, found),
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

/// Returns the fields of an [`Error::InvalidParameter`], or fails the test.
fn invalid_parameter(result: embviz_core::Result<String>) -> (&'static str, String, String) {
    match result {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => (name, value, expected),
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

// Input errors of maps and figures.

#[test]
fn empty_coordinates_are_rejected() {
    let empty = Array2::<f64>::zeros((0, 2));
    match InteractiveMap::new(&empty) {
        Err(Error::EmptyInput {
            what,
            n_rows,
            n_cols,
        }) => {
            assert_eq!(what, "coordinates");
            assert_eq!(n_rows, 0);
            assert_eq!(n_cols, 2);
        }
        other => panic!("expected EmptyInput, got {other:?}"),
    }
}

#[test]
fn three_columns_are_rejected() {
    let points = array![[0.0, 0.0, 1.0], [1.0, 2.0, 3.0]];
    match InteractiveMap::new(&points) {
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
fn nan_coordinate_names_row_and_column() {
    let points = vec![
        vec![0.0_f32, 0.0],
        vec![1.0, 2.0],
        vec![3.0, f32::NAN],
        vec![f32::NAN, 4.0],
    ];
    match InteractiveMap::new(&points) {
        Err(Error::NonFinite {
            what,
            row,
            column,
            value,
        }) => {
            assert_eq!(what, "coordinates");
            assert_eq!(row, 2);
            assert_eq!(column, 1);
            assert!(value.is_nan(), "value {value}");
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
}

#[test]
fn label_count_mismatch_is_rejected() {
    let panel = three_points().coloring(Coloring::categorical([0, 1], ["cat", "dog"]));
    let (what, expected, found) = shape_mismatch(InteractiveFigure::from(panel).to_html());
    assert_eq!(what, "labels");
    assert_eq!(expected, "3 values, one per point");
    assert_eq!(found, "2 values");
}

#[test]
fn continuous_value_count_mismatch_is_rejected() {
    let panel = three_points().coloring(Coloring::continuous([0.1, 0.2, 0.3, 0.4], "score"));
    let (what, expected, found) = shape_mismatch(InteractiveFigure::from(panel).to_html());
    assert_eq!(what, "values");
    assert_eq!(expected, "3 values, one per point");
    assert_eq!(found, "4 values");
}

#[test]
fn class_id_without_name_is_rejected() {
    let panel = three_points().coloring(Coloring::categorical([0, 1, 2], ["cat", "dog"]));
    let (name, value, expected) = invalid_parameter(InteractiveFigure::from(panel).to_html());
    assert_eq!(name, "labels");
    assert_eq!(value, "2");
    assert!(expected.contains("number of names (2)"), "{expected}");
    assert!(expected.contains("point 2 has label 2"), "{expected}");
}

#[test]
fn text_count_mismatch_is_rejected() {
    let panel = three_points().texts(["first", "second"]);
    let (what, expected, found) = shape_mismatch(InteractiveFigure::from(panel).to_html());
    assert_eq!(what, "texts");
    assert_eq!(expected, "3 values, one per point");
    assert_eq!(found, "2 values");
}

#[test]
fn field_value_count_mismatch_is_rejected() {
    let panel = three_points()
        .field("score", [0.1, 0.2, 0.3])
        .field("cluster", [1, 2, 3, 4]);
    let (what, expected, found) = shape_mismatch(InteractiveFigure::from(panel).to_html());
    assert_eq!(what, "hover values");
    assert_eq!(expected, "3 values, one per point");
    assert_eq!(found, "4 values");
}

#[test]
fn highlight_mask_length_mismatch_is_rejected() {
    let panel = three_points().highlight("outliers", [true, false]);
    let (what, expected, found) = shape_mismatch(InteractiveFigure::from(panel).to_html());
    assert_eq!(what, "highlight");
    assert_eq!(expected, "3 values, one per point");
    assert_eq!(found, "2 values");
}

#[test]
fn error_in_second_panel_is_found() {
    let figure = InteractiveFigure::new()
        .panel(three_points().texts(["a", "b", "c"]))
        .panel(three_points().texts(["a"]));
    let (what, _, found) = shape_mismatch(figure.to_html());
    assert_eq!(what, "texts");
    assert_eq!(found, "1 values");
}

#[test]
fn zero_columns_are_rejected() {
    let figure = InteractiveFigure::from(three_points()).columns(0);
    let (name, value, expected) = invalid_parameter(figure.to_html());
    assert_eq!(name, "columns");
    assert_eq!(value, "0");
    assert_eq!(expected, "at least 1 column");
}

#[test]
fn figure_without_panel_is_rejected() {
    match InteractiveFigure::new().title("nothing").to_html() {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "panels");
            assert_eq!(value, "none");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn save_under_a_file_fails_cleanly() {
    let dir = output_dir().join("blocked");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the test folder can be created");
    let blocker = dir.join("not_a_folder");
    std::fs::write(&blocker, "a file").expect("the blocking file can be written");
    let path = blocker.join("map.html");

    match InteractiveFigure::from(three_points()).save(&path) {
        Err(Error::Io { path: failed, .. }) => assert_eq!(failed, blocker),
        other => panic!("expected Io naming the blocking file, got {other:?}"),
    }

    assert!(!path.exists(), "{} was written", path.display());
    let entries: Vec<String> = std::fs::read_dir(&dir)
        .expect("the test folder exists")
        .map(|entry| {
            let entry = entry.expect("the folder can be listed");
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    assert_eq!(entries, ["not_a_folder"]);
    assert_eq!(
        std::fs::read_to_string(&blocker).expect("the blocking file is still there"),
        "a file"
    );
}

// Input errors of animations.

#[test]
fn animation_without_frame_is_rejected() {
    let frames: Vec<(&str, &Array2<f64>)> = Vec::new();
    match InteractiveAnimation::new(frames) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "frames");
            assert_eq!(value, "none");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn animation_with_repeated_frame_name_is_rejected() {
    let first = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
    let second = array![[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]];
    match InteractiveAnimation::new([("same", &first), ("same", &second)]) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "frame names");
            assert_eq!(value, "\"same\" for frames 0 and 1");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn heatmap_without_finite_value_is_rejected() {
    let values = array![[f64::NAN, f64::INFINITY], [f64::NEG_INFINITY, f64::NAN]];
    match InteractiveHeatmap::new(&values) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "heatmap values");
            assert_eq!(value, "2 x 2 cells, none finite");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn other_class_names_get_own_legend_entries() {
    let points = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
    let classes = InteractiveMap::new(&points)
        .expect("valid")
        .coloring(Coloring::categorical([0, 1, 1], ["cat", "dog"]));
    let clusters = InteractiveMap::new(&points)
        .expect("valid")
        .coloring(Coloring::categorical([1, 0, 1], ["cluster 0", "cat"]));
    let html = InteractiveFigure::new()
        .panel(classes)
        .panel(clusters)
        .to_html()
        .expect("valid figure");
    let figure = embedded_figure(&html);
    let legend_names: Vec<&str> = figure["data"]
        .as_array()
        .expect("traces")
        .iter()
        .filter(|trace| trace["showlegend"] == true)
        .map(|trace| trace["name"].as_str().expect("named trace"))
        .collect();
    // "cat" appears once although both panels have it; "cluster 0" gets its own entry.
    assert_eq!(legend_names, ["cat", "dog", "cluster 0"]);
}

#[test]
fn frame_row_count_mismatch_names_both_frames() {
    let first = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
    let second = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
    let short = array![[0.0, 0.0], [2.0, 0.0]];
    let frames = [
        ("epoch 0", &first),
        ("epoch 1", &second),
        ("epoch 2", &short),
    ];
    match InteractiveAnimation::new(frames) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "frame coordinates");
            assert_eq!(expected, "3 rows, as in frame \"epoch 0\"");
            assert_eq!(found, "2 rows in frame \"epoch 2\"");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn nan_in_later_frame_names_row_and_column() {
    let first = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
    let second = array![[0.0, 0.0], [f64::NAN, 0.0], [0.0, 2.0]];
    match InteractiveAnimation::new([("epoch 0", &first), ("epoch 1", &second)]) {
        Err(Error::InSnapshot { name, source }) => {
            assert_eq!(name, "epoch 1");
            let Error::NonFinite {
                what,
                row,
                column,
                value,
            } = *source
            else {
                panic!("expected NonFinite inside, got {source:?}");
            };
            assert_eq!(what, "frame coordinates");
            assert_eq!(row, 1);
            assert_eq!(column, 0);
            assert!(value.is_nan(), "value {value}");
        }
        other => panic!("expected InSnapshot, got {other:?}"),
    }
}

#[test]
fn frame_values_need_one_list_per_frame() {
    // Two frames but only one list of values.
    let animation = two_frames().frame_field("drift", vec![vec![0.0, 0.5, 1.0]]);
    let (what, expected, found) = shape_mismatch(animation.to_html());
    assert_eq!(what, "frame values");
    assert_eq!(expected, "2, one per frame");
    assert_eq!(found, "1");
}

#[test]
fn frame_values_need_one_value_per_point() {
    let animation = two_frames().frame_field("drift", vec![vec![0.0; 3], vec![0.0; 4]]);
    let (what, expected, found) = shape_mismatch(animation.to_html());
    assert_eq!(what, "frame values");
    assert_eq!(expected, "3 values, one per point");
    assert_eq!(found, "4 values");
}

#[test]
fn frame_highlight_count_mismatch_is_rejected() {
    let animation = two_frames().highlights("outliers", vec![vec![false, true, false]]);
    let (what, expected, found) = shape_mismatch(animation.to_html());
    assert_eq!(what, "highlight masks");
    assert_eq!(expected, "2, one per frame");
    assert_eq!(found, "1");
}

#[test]
fn animation_label_count_mismatch_is_rejected() {
    let animation = two_frames().coloring(Coloring::categorical([0, 1, 1, 0], ["a", "b"]));
    let (what, expected, found) = shape_mismatch(animation.to_html());
    assert_eq!(what, "labels");
    assert_eq!(expected, "3 values, one per point");
    assert_eq!(found, "4 values");
}

// Input errors of heatmaps.

#[test]
fn heatmap_groups_must_end_at_row_count() {
    let heatmap = square_heatmap().groups(vec![0, 2], ["first two"]);
    let (name, value, expected) = invalid_parameter(heatmap.to_html());
    assert_eq!(name, "groups");
    assert_eq!(value, "boundaries [0, 2] with 1 names");
    assert!(expected.contains("number of rows (3)"), "{expected}");
}

#[test]
fn heatmap_reversed_value_range_is_rejected() {
    let heatmap = square_heatmap().value_range(1.0, 0.0);
    let (name, value, expected) = invalid_parameter(heatmap.to_html());
    assert_eq!(name, "value_range");
    assert_eq!(value, "(1, 0)");
    assert_eq!(expected, "two finite numbers, the first below the second");
}

#[test]
fn heatmap_nan_value_range_is_rejected() {
    let heatmap = square_heatmap().value_range(f64::NAN, 1.0);
    let (name, value, _) = invalid_parameter(heatmap.to_html());
    assert_eq!(name, "value_range");
    assert_eq!(value, "(NaN, 1)");
}

#[test]
fn heatmap_row_label_count_mismatch_is_rejected() {
    let heatmap = square_heatmap().labels(["cat", "dog"]);
    let (what, expected, found) = shape_mismatch(heatmap.to_html());
    assert_eq!(what, "row labels");
    assert_eq!(expected, "3, one per row");
    assert_eq!(found, "2");
}

#[test]
fn heatmap_column_label_count_mismatch_is_rejected() {
    let heatmap = square_heatmap()
        .labels(["cat", "cat", "dog"])
        .column_labels(["a", "b", "c", "d"]);
    let (what, expected, found) = shape_mismatch(heatmap.to_html());
    assert_eq!(what, "column labels");
    assert_eq!(expected, "3, one per column");
    assert_eq!(found, "4");
}

// Size at scale.

#[test]
fn hundred_thousand_points_fit_in_one_page() {
    let (points, labels) = gaussian_blobs(10, 10_000, 17);
    let n = points.nrows();
    assert_eq!(n, 100_000);
    let texts = (0..n).map(|i| format!("document {i}"));
    let scores = (0..n).map(|i| i as f64 / n as f64);
    let panel = InteractiveMap::new(&points)
        .expect("blob coordinates are finite")
        .coloring(Coloring::categorical(labels, DIGIT_NAMES))
        .texts(texts)
        .field("score", scores)
        .title("100,000 documents");
    let figure = InteractiveFigure::from(panel).title("Size at scale");

    let path = output_dir().join("hundred_thousand.html");
    figure.save(&path).expect("the page can be written");
    let html = std::fs::read_to_string(&path).expect("the page was written");
    let megabytes = html.len() as f64 / 1e6;
    println!("100,000 points: {} bytes ({megabytes:.1} MB)", html.len());
    assert!(html.len() < MAX_PAGE_BYTES, "{} bytes", html.len());

    assert!(!html.contains("<script src"), "the page loads a script");
    // One element contains plotly.js and the other the figure.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);

    let parsed = embedded_figure(&html);
    let types = trace_types(&parsed);
    assert_eq!(types, vec!["scattergl"; 10]);
    let counts: Vec<usize> = traces(&parsed)
        .iter()
        .map(|trace| trace["x"].as_array().expect("x is an array").len())
        .collect();
    assert_eq!(counts, vec![10_000; 10]);

    // Rows are in class order, so the first point of class 3 is row 30,000.
    let third = &traces(&parsed)[3];
    assert_eq!(third["name"], "three");
    assert_eq!(
        third["text"][0],
        "<b>sample 30000</b>, class three<br>document 30000<br>score: 0.3000"
    );
}

// Render mode.

/// Returns the trace types of a figure with one panel per entry of `sizes`.
fn figure_trace_types(sizes: &[usize], mode: RenderMode) -> Vec<String> {
    let panels = sizes
        .iter()
        .map(|&n| InteractiveMap::new(&spiral(n)).expect("spiral points are finite"));
    let html = InteractiveFigure::new()
        .panels(panels)
        .render_mode(mode)
        .to_html()
        .expect("the figure is valid");
    trace_types(&embedded_figure(&html))
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn auto_mode_draws_svg_up_to_5000_points() {
    assert_eq!(RenderMode::WEBGL_ABOVE, 5_000);
    let types = figure_trace_types(&[2_500, 2_500], RenderMode::Auto);
    assert_eq!(types, ["scatter", "scatter"]);
}

#[test]
fn auto_mode_draws_webgl_above_5000_points() {
    // Neither panel passes the threshold alone: the whole figure does.
    let types = figure_trace_types(&[2_500, 2_501], RenderMode::Auto);
    assert_eq!(types, ["scattergl", "scattergl"]);
}

#[test]
fn svg_mode_forces_svg_at_20000_points() {
    let types = figure_trace_types(&[20_000], RenderMode::Svg);
    assert_eq!(types, ["scatter"]);
}

#[test]
fn webgl_mode_forces_webgl_at_10_points() {
    let types = figure_trace_types(&[10], RenderMode::WebGl);
    assert_eq!(types, ["scattergl"]);
}

#[test]
fn animation_auto_mode_counts_one_frame() {
    let types_for = |n: usize| {
        let layouts = [spiral(n), spiral(n), spiral(n)];
        let frames = layouts
            .iter()
            .enumerate()
            .map(|(k, layout)| (format!("epoch {k}"), layout));
        let html = InteractiveAnimation::new(frames)
            .expect("spiral frames are valid")
            .to_html()
            .expect("the animation is valid");
        trace_types(&embedded_figure(&html))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // 15,000 points over three frames, but 5,000 on screen at a time.
    assert_eq!(types_for(5_000), ["scatter"]);
    assert_eq!(types_for(5_001), ["scattergl"]);
}

// Escaping of user text.

#[test]
fn hostile_text_cannot_end_figure_script() {
    let panel = three_points()
        .coloring(Coloring::categorical([0, 0, 1], [HOSTILE, "plain"]))
        .texts([HOSTILE, "second", "third"])
        .field(HOSTILE, [1.0, 2.0, 3.0])
        .title(HOSTILE);
    let html = InteractiveFigure::from(panel)
        .title(HOSTILE)
        .to_html()
        .expect("the figure is valid");

    // Only the page's own elements open and close scripts.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);
    assert!(
        html.contains(
            "<title>a &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; b</title>"
        )
    );

    let figure = embedded_figure(&html);
    let first = &traces(&figure)[0];
    assert_eq!(first["name"], HOSTILE_FOR_PLOTLY);
    assert_eq!(
        first["text"][0],
        format!(
            "<b>sample 0</b>, class {HOSTILE_FOR_PLOTLY}<br>{HOSTILE_FOR_PLOTLY}\
             <br>{HOSTILE_FOR_PLOTLY}: 1"
        )
    );
    assert_eq!(figure["layout"]["title"]["text"], HOSTILE_FOR_PLOTLY);
    assert_eq!(
        figure["layout"]["annotations"][0]["text"],
        HOSTILE_FOR_PLOTLY
    );
}

#[test]
fn hostile_frame_name_cannot_end_script() {
    let first = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
    let second = array![[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]];
    let frame_name = "epoch </script> & 1";
    let html = InteractiveAnimation::new([("epoch 0", &first), (frame_name, &second)])
        .expect("two finite frames are valid")
        .coloring(Coloring::categorical([0, 1, 1], [HOSTILE, "plain"]))
        .texts([HOSTILE, "second", "third"])
        .title(HOSTILE)
        .to_html()
        .expect("the animation is valid");

    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);

    let figure = embedded_figure(&html);
    // The frame name is an identifier that the slider passes back to plotly, so it stays
    // raw. Only the text that plotly shows is escaped.
    let frame = &figure["frames"][1];
    assert_eq!(frame["name"], frame_name);
    assert_eq!(
        frame["layout"]["title"]["text"],
        format!("{HOSTILE_FOR_PLOTLY}: epoch &lt;/script&gt; &amp; 1")
    );
    let step = &figure["layout"]["sliders"][0]["steps"][1];
    assert_eq!(step["label"], "epoch &lt;/script&gt; &amp; 1");
    assert_eq!(step["args"][0][0], frame_name);
    assert_eq!(traces(&figure)[0]["name"], HOSTILE_FOR_PLOTLY);
    assert_eq!(
        frame["data"][0]["text"][0],
        format!("<b>sample 0</b>, class {HOSTILE_FOR_PLOTLY}<br>{HOSTILE_FOR_PLOTLY}")
    );
}

#[test]
fn hostile_heatmap_labels_cannot_end_script() {
    let html = square_heatmap()
        .labels([HOSTILE, "cat", "dog"])
        .value_label(HOSTILE)
        .title(HOSTILE)
        .to_html()
        .expect("the heatmap is valid");

    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);

    let figure = embedded_figure(&html);
    let heatmap = &traces(&figure)[0];
    assert_eq!(heatmap["y"][0], format!("0: {HOSTILE_FOR_PLOTLY}"));
    assert_eq!(heatmap["x"][0], format!("0: {HOSTILE_FOR_PLOTLY}"));
    assert_eq!(heatmap["colorbar"]["title"]["text"], HOSTILE_FOR_PLOTLY);
    assert_eq!(figure["layout"]["title"]["text"], HOSTILE_FOR_PLOTLY);
}

// Animation frames.

#[test]
fn six_frames_share_fixed_axes() {
    // Frame k shifts the points right by `x_offsets[k]` and stretches them up by k + 1, so
    // the x limits come from frames 1 and 3 and the y limits from frame 5.
    let x_offsets = [0.0, -2.0, 1.0, 4.0, -1.0, 0.5];
    let n = 40;
    let layouts: Vec<Array2<f64>> = x_offsets
        .iter()
        .enumerate()
        .map(|(k, offset)| {
            Array2::from_shape_fn((n, 2), |(i, axis)| {
                if axis == 0 {
                    i as f64 / (n - 1) as f64 + offset
                } else {
                    (i % 5) as f64 * (k + 1) as f64
                }
            })
        })
        .collect();
    let names: Vec<String> = (0..6).map(|k| format!("epoch {k}")).collect();
    let labels = (0..n).map(|i| usize::from(i >= 10));
    let animation = InteractiveAnimation::new(names.iter().cloned().zip(&layouts))
        .expect("six finite frames are valid")
        .coloring(Coloring::categorical(labels, ["first ten", "rest"]))
        .highlights(
            "outliers",
            (0..6).map(|k| (0..n).map(|i| i == k).collect()).collect(),
        );
    assert_eq!(animation.n_frames(), 6);
    let figure = embedded_figure(&animation.to_html().expect("the animation is valid"));

    // Two classes and the highlight ring.
    assert_eq!(traces(&figure).len(), 3);
    let frames = figure["frames"].as_array().expect("frames is an array");
    assert_eq!(frames.len(), 6);
    let steps = figure["layout"]["sliders"][0]["steps"]
        .as_array()
        .expect("the slider has steps");
    assert_eq!(steps.len(), 6);
    for (k, (frame, step)) in frames.iter().zip(steps).enumerate() {
        assert_eq!(frame["name"], names[k]);
        assert_eq!(step["label"], names[k]);
        assert_eq!(step["args"][0][0], names[k]);
        assert_eq!(frame["traces"], serde_json::json!([0, 1, 2]));
        let sizes: Vec<usize> = frame["data"]
            .as_array()
            .expect("frame data is an array")
            .iter()
            .map(|update| update["x"].as_array().expect("x is an array").len())
            .collect();
        assert_eq!(sizes, [10, 30, 1], "frame {k}");
    }

    let x_axis = &figure["layout"]["xaxis"];
    let y_axis = &figure["layout"]["yaxis"];
    assert_eq!(x_axis["autorange"], false);
    assert_eq!(y_axis["autorange"], false);
    // Data limits x in [-2, 5] and y in [0, 24], each widened by 5 % of its span.
    let x_range = numbers(&x_axis["range"]);
    let y_range = numbers(&y_axis["range"]);
    for (found, expected) in x_range.iter().zip([-2.35, 5.35]) {
        assert!((found - expected).abs() < 1e-12, "x range {x_range:?}");
    }
    for (found, expected) in y_range.iter().zip([-1.2, 25.2]) {
        assert!((found - expected).abs() < 1e-12, "y range {y_range:?}");
    }

    // Every point of every frame, as written in the page, lies inside the fixed range.
    for (k, frame) in frames.iter().enumerate() {
        for update in frame["data"].as_array().expect("frame data is an array") {
            for x in numbers(&update["x"]) {
                assert!(x_range[0] < x, "frame {k}: x {x} left of {x_range:?}");
                assert!(x < x_range[1], "frame {k}: x {x} right of {x_range:?}");
            }
            for y in numbers(&update["y"]) {
                assert!(y_range[0] < y, "frame {k}: y {y} below {y_range:?}");
                assert!(y < y_range[1], "frame {k}: y {y} above {y_range:?}");
            }
        }
    }
}

#[test]
fn only_animations_carry_row_ids() {
    let figure = embedded_figure(
        &InteractiveFigure::from(three_points())
            .to_html()
            .expect("valid figure"),
    );
    assert!(figure["data"][0].get("ids").is_none());

    let animation = embedded_figure(
        &two_frames()
            .highlights(
                "outliers",
                vec![vec![true, false, false], vec![false, false, true]],
            )
            .to_html()
            .expect("valid animation"),
    );
    assert_eq!(
        animation["data"][0]["ids"],
        serde_json::json!(["0", "1", "2"])
    );
    assert_eq!(animation["data"][1]["ids"], serde_json::json!(["0"]));
    // The ring follows row 2 in the second frame.
    assert_eq!(
        animation["frames"][1]["data"][1]["ids"],
        serde_json::json!(["2"])
    );
}

#[test]
fn animation_with_empty_frame_name_is_rejected() {
    let first = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]];
    match InteractiveAnimation::new([("epoch 0", &first), ("", &first)]) {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "frame names");
            assert_eq!(value, "an empty name for frame 1");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn class_name_keeps_its_colour_across_panels() {
    let points = array![[0.0, 0.0], [1.0, 0.0]];
    let first = InteractiveMap::new(&points)
        .expect("valid")
        .coloring(Coloring::categorical([0, 1], ["cat", "dog"]))
        .highlight("outliers", [true, false]);
    let second = InteractiveMap::new(&points)
        .expect("valid")
        .coloring(Coloring::categorical([0, 1], ["dog", "cat"]))
        .highlight("outliers", [true, true]);
    let html = InteractiveFigure::new()
        .panel(first)
        .panel(second)
        .to_html()
        .expect("valid figure");
    let figure = embedded_figure(&html);
    let color_of = |trace: usize| figure["data"][trace]["marker"]["color"].clone();
    // Traces: cat, dog, rings of panel 1, then dog, cat, rings of panel 2.
    assert_eq!(figure["data"][4]["name"], "cat");
    assert_eq!(color_of(4), color_of(0));
    assert_eq!(color_of(3), color_of(1));
    // The one ring entry counts the rings of both panels.
    assert_eq!(figure["data"][2]["name"], "outliers (3)");
}

#[test]
fn column_labels_get_their_own_group_ticks() {
    let heatmap = square_heatmap()
        .labels(["a", "a", "b"])
        .column_labels(["x", "y", "z"])
        .groups(vec![0, 2, 3], ["A", "B"]);
    let figure = embedded_figure(&heatmap.to_html().expect("valid heatmap"));
    assert_eq!(
        figure["layout"]["xaxis"]["tickvals"],
        serde_json::json!(["0: x", "2: z"])
    );
    assert_eq!(
        figure["layout"]["yaxis"]["tickvals"],
        serde_json::json!(["0: a", "2: b"])
    );
}
