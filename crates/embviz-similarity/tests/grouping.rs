//! Grouped row orders and stratified samples on the digits labels, and their errors.

use std::path::PathBuf;

use embviz_core::Error;
use embviz_similarity::{grouped_order, stratified_sample};

fn repository_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

fn digits_labels() -> Vec<usize> {
    embviz_io::read_labels(repository_file("data/digits/labels.npy"))
        .expect("the digits labels are bundled")
        .ids()
        .to_vec()
}

/// The digits class sizes, as `numpy.bincount(labels)` gives them.
const DIGITS_CLASS_SIZES: [usize; 10] = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

#[test]
fn boundaries_are_cumulative_group_sizes() {
    let labels = digits_labels();
    let grouped = grouped_order(&labels, None).expect("digits labels are valid");
    assert_eq!(grouped.group_sizes(), DIGITS_CLASS_SIZES.to_vec());
    let mut cumulative = vec![0];
    for size in DIGITS_CLASS_SIZES {
        cumulative.push(cumulative.last().copied().unwrap_or(0) + size);
    }
    assert_eq!(grouped.boundaries(), &cumulative[..]);
    assert_eq!(grouped.boundaries().last(), Some(&1797));
    assert_eq!(grouped.n_groups(), 10);
    assert_eq!(grouped.group_labels(), &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(grouped.group_names(), None);
}

#[test]
fn order_is_grouped_permutation() {
    let labels = digits_labels();
    let grouped = grouped_order(&labels, None).expect("digits labels are valid");
    let order = grouped.order();
    let mut sorted = order.to_vec();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..labels.len()).collect::<Vec<_>>());
    for (group, bounds) in grouped.boundaries().windows(2).enumerate() {
        let rows = &order[bounds[0]..bounds[1]];
        assert!(
            rows.iter().all(|&row| labels[row] == group),
            "group {group}"
        );
        assert!(
            rows.windows(2).all(|w| w[0] < w[1]),
            "group {group} is not by index"
        );
    }
}

#[test]
fn clusters_order_rows_within_labels() {
    let labels = [1, 0, 1, 1, 0, 1];
    let clusters = [7, 3, 2, 7, 1, 2];
    let grouped = grouped_order(&labels, Some(&clusters)).expect("equal lengths");
    // Label 0: rows 4 (cluster 1) and 1 (cluster 3). Label 1: rows 2 and 5 (cluster 2),
    // then 0 and 3 (cluster 7).
    assert_eq!(grouped.order(), &[4, 1, 2, 5, 0, 3]);
    assert_eq!(grouped.boundaries(), &[0, 2, 6]);
}

#[test]
fn missing_labels_form_no_group() {
    let grouped = grouped_order(&[9, 0, 5, 9, 9], None).expect("any labels are valid");
    assert_eq!(grouped.group_labels(), &[0, 5, 9]);
    assert_eq!(grouped.boundaries(), &[0, 1, 2, 5]);
    assert_eq!(grouped.order(), &[1, 2, 0, 3, 4]);
    let names: Vec<String> = (0..10).map(|label| format!("class {label}")).collect();
    let named = grouped.with_names(&names).expect("every label has a name");
    assert_eq!(
        named.group_names(),
        Some(&["class 0".to_owned(), "class 5".into(), "class 9".into()][..])
    );
}

#[test]
fn names_come_from_label_names_file() {
    let names = embviz_io::read_label_names(repository_file("data/digits/label_names.txt"))
        .expect("the digits names are bundled");
    let grouped = grouped_order(&digits_labels(), None)
        .and_then(|grouped| grouped.with_names(&names))
        .expect("every digit has a name");
    assert_eq!(grouped.group_names(), Some(&names[..]));
}

#[test]
fn empty_labels_are_rejected() {
    assert!(matches!(
        grouped_order(&[], None),
        Err(Error::EmptyInput {
            what: "labels",
            n_rows: 0,
            n_cols: 1
        })
    ));
    assert!(matches!(
        stratified_sample(&[], 10, 0),
        Err(Error::EmptyInput { what: "labels", .. })
    ));
}

#[test]
fn cluster_length_mismatch_is_rejected() {
    match grouped_order(&[0, 1, 1], Some(&[0, 0])) {
        Err(Error::ShapeMismatch {
            what,
            expected,
            found,
        }) => {
            assert_eq!(what, "clusters");
            assert_eq!(expected, "3 values, one per label");
            assert_eq!(found, "2 values");
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
}

#[test]
fn too_few_names_are_rejected() {
    let grouped = grouped_order(&[0, 3, 1], None).expect("any labels are valid");
    match grouped.with_names(&["a", "b", "c"]) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "label_names");
            assert_eq!(value, "3 names");
            assert!(expected.contains("at least 4 names"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn sample_keeps_label_shares() {
    let labels = digits_labels();
    let sample = stratified_sample(&labels, 500, 3).expect("500 rows fit 10 labels");
    assert_eq!(sample.len(), 500);
    assert!(
        sample.windows(2).all(|w| w[0] < w[1]),
        "not ascending and unique"
    );
    assert!(sample.iter().all(|&row| row < labels.len()));
    for (label, &size) in DIGITS_CLASS_SIZES.iter().enumerate() {
        let sampled = sample.iter().filter(|&&row| labels[row] == label).count();
        let share = size as f64 * 500.0 / 1797.0;
        assert!(
            (sampled as f64 - share).abs() < 1.0,
            "label {label}: {sampled} rows for a share of {share:.2}"
        );
    }
}

#[test]
fn sample_depends_on_seed_only() {
    let labels = digits_labels();
    let first = stratified_sample(&labels, 200, 11).expect("valid");
    assert_eq!(first, stratified_sample(&labels, 200, 11).expect("valid"));
    assert_ne!(first, stratified_sample(&labels, 200, 12).expect("valid"));
}

#[test]
fn sample_keeps_every_label() {
    // 995 rows of label 0 and one row each of labels 1 to 5: the shares of the small labels
    // round to 0 rows, but each keeps its row.
    let mut labels = vec![0; 995];
    labels.extend(1..=5);
    let sample = stratified_sample(&labels, 10, 0).expect("10 rows fit 6 labels");
    assert_eq!(sample.len(), 10);
    assert_eq!(&sample[5..], &[995, 996, 997, 998, 999]);
    assert!(sample[..5].iter().all(|&row| labels[row] == 0));
}

#[test]
fn sample_of_small_input_is_everything() {
    let labels = [3, 1, 3, 2];
    assert_eq!(
        stratified_sample(&labels, 4, 9).expect("valid"),
        vec![0, 1, 2, 3]
    );
    assert_eq!(
        stratified_sample(&labels, 100, 9).expect("valid"),
        vec![0, 1, 2, 3]
    );
}

#[test]
fn sample_below_label_count_is_rejected() {
    match stratified_sample(&[0, 1, 2, 2, 1], 2, 0) {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        }) => {
            assert_eq!(name, "max_rows");
            assert_eq!(value, "2");
            assert!(expected.contains("(3)"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}
