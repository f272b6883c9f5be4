//! Grids of snapshots: shared axes, fixed axis ranges, class colours across panels, and the
//! errors of invalid ranges. Checks read the positions and text of the saved SVG, which
//! uses the same pixel layout as the PNG.

mod common;

use std::path::Path;

use common::output_dir;
use embviz_core::Error;
use embviz_plot::{Coloring, Figure, Panel, category_color};

/// A `<text>` element of an SVG document: its anchor point, alignment and content.
#[derive(Debug)]
struct SvgText {
    x: i32,
    y: i32,
    anchor: String,
    content: String,
}

/// The frame of a plotting area, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    x: i32,
    y: i32,
    width: i32,
    height: i32,
}

/// Tick labels of one panel with their offsets in pixels from the frame's left edge (x
/// ticks, left to right) or top edge (y ticks, bottom to top).
#[derive(Debug, PartialEq, Eq)]
struct PanelTicks {
    x: Vec<(i32, String)>,
    y: Vec<(i32, String)>,
}

impl PanelTicks {
    fn x_labels(&self) -> Vec<&str> {
        self.x.iter().map(|(_, label)| label.as_str()).collect()
    }

    fn y_labels(&self) -> Vec<&str> {
        self.y.iter().map(|(_, label)| label.as_str()).collect()
    }
}

/// Returns the value of attribute `name` in the start tag `element`.
fn attribute<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    let length = element[start..].find('"')?;
    Some(&element[start..start + length])
}

fn integer_attribute(element: &str, name: &str) -> i32 {
    attribute(element, name)
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no integer {name} in {element}"))
}

fn svg_text_elements(svg: &str) -> Vec<SvgText> {
    svg.split("<text")
        .skip(1)
        .map(|element| {
            let tag_end = element.find('>').expect("a text start tag ends");
            let content_end = element.find("</text>").expect("a text element is closed");
            SvgText {
                x: integer_attribute(element, "x"),
                y: integer_attribute(element, "y"),
                anchor: attribute(element, "text-anchor")
                    .unwrap_or_default()
                    .to_owned(),
                content: element[tag_end + 1..content_end].trim().to_owned(),
            }
        })
        .collect()
}

/// Returns the frames of the plotting areas in drawing order: the unfilled rectangles drawn
/// in the ink colour.
fn frames(svg: &str) -> Vec<Frame> {
    svg.split("<rect")
        .skip(1)
        .filter(|element| element.contains(r##"fill="none" stroke="#262626""##))
        .map(|element| Frame {
            x: integer_attribute(element, "x"),
            y: integer_attribute(element, "y"),
            width: integer_attribute(element, "width"),
            height: integer_attribute(element, "height"),
        })
        .collect()
}

/// Returns the tick labels of every frame: centred texts just below the frame, and
/// right-aligned texts just left of it. A tick on the right or bottom limit lies on the
/// frame's edge, `width` or `height` pixels from its origin.
fn panel_ticks(svg: &str) -> Vec<PanelTicks> {
    let texts = svg_text_elements(svg);
    frames(svg)
        .into_iter()
        .map(|frame| {
            let bottom = frame.y + frame.height;
            let x = texts
                .iter()
                .filter(|t| t.anchor == "middle")
                .filter(|t| (bottom..bottom + 20).contains(&t.y))
                .filter(|t| (frame.x..=frame.x + frame.width).contains(&t.x))
                .map(|t| (t.x - frame.x, t.content.clone()))
                .collect();
            let y = texts
                .iter()
                .filter(|t| t.anchor == "end")
                .filter(|t| (frame.x - 20..frame.x).contains(&t.x))
                .filter(|t| (frame.y..=bottom).contains(&t.y))
                .map(|t| (t.y - frame.y, t.content.clone()))
                .collect();
            PanelTicks { x, y }
        })
        .collect()
}

/// Returns the centre, radius and fill colour of every circle, in drawing order.
fn circles(svg: &str) -> Vec<((i32, i32), i32, String)> {
    svg.split("<circle")
        .skip(1)
        .map(|element| {
            let center = (
                integer_attribute(element, "cx"),
                integer_attribute(element, "cy"),
            );
            let radius = integer_attribute(element, "r");
            let fill = attribute(element, "fill").unwrap_or_default().to_owned();
            (center, radius, fill)
        })
        .collect()
}

/// Returns a colour as the SVG backend writes it: `#RRGGBB` in upper case.
fn hex((red, green, blue): (u8, u8, u8)) -> String {
    format!("#{red:02X}{green:02X}{blue:02X}")
}

fn save_svg(figure: &Figure, name: &str) -> String {
    let path = output_dir().join(name);
    figure.save(&path).expect("the figure is valid");
    std::fs::read_to_string(&path).expect("the SVG was written")
}

/// Returns a panel over x in [0, 10] and y in [0, 5].
fn small_panel() -> Panel {
    Panel::from_points(&[[0.0, 0.0], [10.0, 5.0], [4.0, 2.0]]).expect("finite points are valid")
}

/// Returns a panel over x in [-40, -20] and y in [100, 300].
fn far_panel() -> Panel {
    Panel::from_points(&[[-40.0, 100.0], [-20.0, 300.0], [-30.0, 200.0]])
        .expect("finite points are valid")
}

fn two_panel_figure(share_axes: bool) -> Figure {
    Figure::new()
        .panels([small_panel(), far_panel()])
        .share_axes(share_axes)
        .size(1200, 500)
}

#[test]
fn shared_axes_give_identical_ticks() {
    let svg = save_svg(&two_panel_figure(true), "shared_ticks.svg");
    let ticks = panel_ticks(&svg);
    assert_eq!(ticks.len(), 2);

    // The union spans x from -40 to 10 and y from 0 to 300.
    assert_eq!(ticks[0].x_labels(), ["-40", "-20", "0"]);
    assert_eq!(ticks[0].y_labels(), ["0", "100", "200", "300"]);
    assert_eq!(ticks[0], ticks[1], "tick labels and pixel offsets differ");

    let frames = frames(&svg);
    assert_eq!(frames[0].width, frames[1].width);
    assert_eq!(frames[0].height, frames[1].height);
}

#[test]
fn unshared_axes_follow_each_panel() {
    let svg = save_svg(&two_panel_figure(false), "unshared_ticks.svg");
    let ticks = panel_ticks(&svg);
    assert_eq!(ticks.len(), 2);
    assert_eq!(ticks[0].x_labels(), ["0", "5", "10"]);
    assert_eq!(ticks[0].y_labels(), ["0", "2", "4"]);
    assert_eq!(ticks[1].x_labels(), ["-40", "-35", "-30", "-25", "-20"]);
    assert_eq!(ticks[1].y_labels(), ["100", "150", "200", "250", "300"]);
}

#[test]
fn shared_point_positions_match() {
    // The same point in two panels with shared axes lands on the same pixel relative to
    // each frame.
    let svg = save_svg(&two_panel_figure(true), "shared_positions.svg");
    let first_frames = frames(&svg);
    let centers: Vec<(i32, i32)> = circles(&svg).iter().map(|(center, _, _)| *center).collect();
    let both = Figure::new()
        .panels([far_panel(), small_panel()])
        .share_axes(true)
        .size(1200, 500);
    let swapped = save_svg(&both, "shared_positions_swapped.svg");
    let swapped_frames = frames(&swapped);
    let swapped_centers: Vec<(i32, i32)> = circles(&swapped)
        .iter()
        .map(|(center, _, _)| *center)
        .collect();
    for k in 0..3 {
        let (x, y) = centers[k];
        let (swapped_x, swapped_y) = swapped_centers[3 + k];
        assert_eq!(
            (x - first_frames[0].x, y - first_frames[0].y),
            (
                swapped_x - swapped_frames[1].x,
                swapped_y - swapped_frames[1].y
            ),
            "point {k} of the small panel"
        );
    }
}

#[test]
fn fixed_range_shows_requested_ticks() {
    let panel = small_panel().x_range(-10.0, 10.0).y_range(0.1, 0.3);
    let svg = save_svg(&Figure::from(panel).size(600, 500), "fixed_ticks.svg");
    let ticks = panel_ticks(&svg);
    assert_eq!(ticks.len(), 1);
    assert_eq!(ticks[0].x_labels(), ["-10", "-5", "0", "5", "10"]);
    assert_eq!(
        ticks[0].y_labels(),
        ["0.10", "0.15", "0.20", "0.25", "0.30"]
    );

    // The limits are the frame's edges, with no margin added.
    let frame = frames(&svg)[0];
    assert_eq!(ticks[0].x.first().map(|(offset, _)| *offset), Some(0));
    assert_eq!(
        ticks[0].x.last().map(|(offset, _)| *offset),
        Some(frame.width)
    );
    assert_eq!(
        ticks[0].y.first().map(|(offset, _)| *offset),
        Some(frame.height)
    );
    assert_eq!(ticks[0].y.last().map(|(offset, _)| *offset), Some(0));
}

#[test]
fn fixed_range_overrides_shared_axes() {
    let zoomed = small_panel().x_range(0.0, 100.0);
    let figure = Figure::new()
        .panels([small_panel(), far_panel(), zoomed])
        .share_axes(true)
        .size(1800, 500);
    let ticks = panel_ticks(&save_svg(&figure, "fixed_and_shared.svg"));
    assert_eq!(ticks.len(), 3);
    assert_eq!(ticks[0].x_labels(), ["-40", "-20", "0"]);
    assert_eq!(ticks[0], ticks[1]);
    assert_eq!(ticks[2].x_labels(), ["0", "50", "100"]);
    assert_eq!(ticks[2].y, ticks[0].y, "the y axis is still shared");
}

#[test]
fn points_outside_fixed_range_are_hidden() {
    let panel = Panel::from_points(&[[0.0, 0.0], [1.0, 1.0], [5.0, 1.0], [1.0, -3.0]])
        .expect("finite points are valid")
        .highlight([true, true, true, true])
        .x_range(0.0, 2.0)
        .y_range(-1.0, 1.0);
    let svg = save_svg(&Figure::from(panel).size(400, 400), "hidden_points.svg");
    let radii: Vec<i32> = circles(&svg).iter().map(|(_, radius, _)| *radius).collect();
    // Two points lie inside, limits included: two dots of radius 3, then two rings.
    assert_eq!(radii, [3, 3, 6, 6]);
}

#[test]
fn class_keeps_colour_across_panels() {
    let names: Vec<String> = (0..12).map(|k| format!("section {k}")).collect();
    let all_classes: Vec<usize> = (0..12).collect();
    let later_classes: Vec<usize> = vec![11, 6, 9, 7];
    let two_classes: Vec<usize> = vec![3, 11];
    let panel = |labels: &[usize]| {
        let points: Vec<[f64; 2]> = labels
            .iter()
            .enumerate()
            .map(|(i, &label)| [i as f64, label as f64])
            .collect();
        Panel::from_points(&points)
            .expect("finite points are valid")
            .coloring(Coloring::categorical(labels.iter().copied(), names.clone()))
    };
    let figure = Figure::new()
        .panels([
            panel(&all_classes),
            panel(&later_classes),
            panel(&two_classes),
        ])
        .share_axes(true)
        .size(1800, 600);
    let svg = save_svg(&figure, "class_colours.svg");
    figure
        .save(output_dir().join("class_colours.png"))
        .expect("the figure is valid");

    let circles = circles(&svg);
    let labels: Vec<usize> = [all_classes, later_classes, two_classes].concat();
    assert_eq!(
        circles.len(),
        labels.len() + 12,
        "points plus legend markers"
    );
    for (i, (&label, (_, radius, fill))) in labels.iter().zip(&circles).enumerate() {
        assert_eq!(*radius, 3, "point {i}");
        assert_eq!(
            *fill,
            hex(category_color(label)),
            "point {i} of class {label}"
        );
    }
    // One shared legend lists every class in its colour.
    for (label, (_, _, fill)) in circles[labels.len()..].iter().enumerate() {
        assert_eq!(*fill, hex(category_color(label)), "legend entry {label}");
    }
    assert_eq!(hex(category_color(11)), "#FFBB78");
}

/// Saves `panel` alone and returns the error with the path that must not exist after it.
fn save_error(panel: Panel, name: &str) -> Error {
    let path = output_dir().join(name);
    let _ = std::fs::remove_file(&path);
    let error = Figure::from(panel)
        .save(&path)
        .expect_err("the range is invalid");
    assert_no_file(&path);
    error
}

fn assert_no_file(path: &Path) {
    assert!(!path.exists(), "{} was left on disk", path.display());
}

#[test]
fn nan_limit_is_rejected() {
    match save_error(small_panel().x_range(f64::NAN, 1.0), "nan_limit.png") {
        Error::InvalidParameter {
            name,
            value,
            expected,
        } => {
            assert_eq!(name, "x_range");
            assert_eq!(value, "(NaN, 1)");
            assert_eq!(expected, "finite limits with low < high");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn infinite_limit_is_rejected() {
    match save_error(
        small_panel().y_range(0.0, f64::INFINITY),
        "infinite_limit.svg",
    ) {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "y_range");
            assert_eq!(value, "(0, inf)");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn reversed_limits_are_rejected() {
    match save_error(small_panel().x_range(5.0, -5.0), "reversed_limits.png") {
        Error::InvalidParameter {
            name,
            value,
            expected,
        } => {
            assert_eq!(name, "x_range");
            assert_eq!(value, "(5, -5)");
            assert!(
                expected.contains("pass the smaller limit first"),
                "{expected}"
            );
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn equal_limits_are_rejected() {
    match save_error(small_panel().y_range(2.5, 2.5), "equal_limits.png") {
        Error::InvalidParameter {
            name,
            value,
            expected,
        } => {
            assert_eq!(name, "y_range");
            assert_eq!(value, "(2.5, 2.5)");
            assert!(expected.starts_with("low < high"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn overflowing_span_is_rejected() {
    match save_error(
        small_panel().x_range(-f64::MAX, f64::MAX),
        "overflowing_span.png",
    ) {
        Error::InvalidParameter { name, expected, .. } => {
            assert_eq!(name, "x_range");
            assert!(expected.contains("fits in f64"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn too_narrow_span_is_rejected() {
    match save_error(small_panel().y_range(1e10, 1e10 + 1e-3), "narrow_span.png") {
        Error::InvalidParameter {
            name,
            value,
            expected,
        } => {
            assert_eq!(name, "y_range");
            assert_eq!(value, "(10000000000, 10000000000.001)");
            assert!(expected.contains("widen the range"), "{expected}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn shared_range_overflow_is_rejected() {
    // Each panel's own range fits in f64, but their union does not.
    let limit = 0.8 * f64::MAX;
    let low = Panel::from_points(&[[-limit, 0.0], [0.0, 1.0]]).expect("finite points");
    let high = Panel::from_points(&[[0.0, 0.0], [limit, 1.0]]).expect("finite points");
    let path = output_dir().join("shared_overflow.png");
    Figure::new()
        .panels([low.clone(), high.clone()])
        .save(&path)
        .expect("each panel alone is drawable");
    match Figure::new()
        .panels([low, high])
        .share_axes(true)
        .save(output_dir().join("shared_overflow_union.png"))
    {
        Err(Error::InvalidParameter { name, value, .. }) => {
            assert_eq!(name, "coordinates");
            assert_eq!(value, format!("{}..{}", -limit, limit));
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}
