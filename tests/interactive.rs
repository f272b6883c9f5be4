//! The one-call interactive files of the facade: a map of the bundled digits with labels,
//! texts, scores and outliers, and a similarity heatmap ordered by class.

use std::path::{Path, PathBuf};

use embviz::io::{Labels, read_dataset_dir};
use embviz::{Error, MapDetails, save_interactive_heatmap, save_interactive_map};
use ndarray::{Array2, array};
use serde_json::Value;

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("facade-interactive");
    std::fs::create_dir_all(&dir).expect("the test folder can be created");
    dir
}

/// Parses the figure JSON out of a written page.
fn figure(path: &Path) -> Value {
    let html = std::fs::read_to_string(path).expect("the page was written");
    let start = html.find("const figure = ").expect("the page has a figure") + 15;
    let end = start + html[start..].find(";\n").expect("the figure ends");
    serde_json::from_str(&html[start..end]).expect("the figure is JSON")
}

#[test]
fn map_traces_classes_and_outliers() {
    let digits = read_dataset_dir::<f32>(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/digits"))
        .expect("bundled digits");
    let labels = digits.labels().expect("digits have labels");
    let n = digits.n_samples();
    // The first two pixel columns stand in for a map.
    let map = digits.x().slice(ndarray::s![.., 2..4]).to_owned();
    let texts: Vec<String> = (0..n).map(|i| format!("image {i}")).collect();
    let scores: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
    let outliers: Vec<bool> = (0..n).map(|i| i % 100 == 0).collect();
    let path = out_dir().join("digits.html");
    save_interactive_map(
        &path,
        &map,
        Some(labels),
        MapDetails {
            title: "digits",
            texts: Some(&texts),
            scores: &[("outlier score", &scores)],
            outliers: Some(&outliers),
        },
    )
    .expect("the map is written");

    let figure = figure(&path);
    let data = figure["data"].as_array().expect("traces");
    // Ten classes and the outlier rings.
    assert_eq!(data.len(), 11);
    assert_eq!(data[10]["name"], "outliers (18)");
    let points: usize = data[..10]
        .iter()
        .map(|t| t["x"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(points, n);
    assert_eq!(figure["layout"]["title"]["text"], "digits");
    let html = std::fs::read_to_string(&path).expect("the page was written");
    assert!(html.contains("<title>digits</title>"));
    let first = data[0]["text"][0].as_str().expect("hover text");
    assert_eq!(
        first,
        "<b>sample 0</b>, class 0<br>image 0<br>outlier score: 0"
    );
}

#[test]
fn heatmap_orders_rows_by_class() {
    let similarity = array![
        [1.0, 0.1, 0.9, 0.2],
        [0.1, 1.0, 0.3, 0.8],
        [0.9, 0.3, 1.0, 0.4],
        [0.2, 0.8, 0.4, 1.0],
    ];
    let labels = Labels::from_ids(vec![1, 0, 1, 0])
        .and_then(|l| l.with_names(["cat", "dog"]))
        .expect("valid labels");
    let path = out_dir().join("heatmap.html");
    save_interactive_heatmap(&path, &similarity, Some(&labels), "pets").expect("written");

    let figure = figure(&path);
    let heatmap = &figure["data"][0];
    // Class 0 ("cat") first: input rows 1 and 3, then class 1: rows 0 and 2.
    assert_eq!(
        heatmap["y"],
        serde_json::json!([
            "0: sample 1, class cat",
            "1: sample 3, class cat",
            "2: sample 0, class dog",
            "3: sample 2, class dog"
        ])
    );
    let z = &heatmap["z"];
    assert_eq!(z[0][1], 0.8);
    assert_eq!(z[2][3], 0.9);
    assert_eq!(
        figure["layout"]["yaxis"]["ticktext"],
        serde_json::json!(["cat", "dog"])
    );
}

#[test]
fn heatmap_of_a_non_square_matrix_is_rejected() {
    let values = Array2::<f64>::zeros((3, 4));
    match save_interactive_heatmap(out_dir().join("bad.html"), &values, None, "") {
        Err(Error::ShapeMismatch { what, found, .. }) => {
            assert_eq!(what, "similarity matrix");
            assert_eq!(found, "3 x 4");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert!(!out_dir().join("bad.html").exists());
}

#[test]
fn map_with_wrong_score_count_is_rejected() {
    let map = array![[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]];
    let scores = [0.5, 0.1];
    let details = MapDetails {
        scores: &[("outlier score", &scores)],
        ..MapDetails::default()
    };
    match save_interactive_map(out_dir().join("scores.html"), &map, None, details) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "scores");
            assert_eq!(expected, "3 values, one per row of the map");
            assert_eq!(found, "2 values");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn map_with_wrong_label_count_is_rejected() {
    let map = array![[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]];
    let labels = Labels::from_ids(vec![0, 1]).expect("valid labels");
    match save_interactive_map(
        out_dir().join("short.html"),
        &map,
        Some(&labels),
        MapDetails::default(),
    ) {
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
}
