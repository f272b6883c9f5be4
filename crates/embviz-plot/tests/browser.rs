//! Opens generated HTML files in headless Chromium, with the network blocked, and checks
//! what a reader would see: no errors, the plot drawn, hover labels with the exact text,
//! and a working frame slider.
//!
//! The browser is `$EMBVIZ_CHROMIUM`, or `chromium` found on the path. Without one the
//! tests print a notice and pass, unless `EMBVIZ_REQUIRE_BROWSER` is set, as in CI, where a
//! missing browser fails them.

use std::path::{Path, PathBuf};
use std::process::Command;

use embviz_plot::{
    Coloring, InteractiveAnimation, InteractiveFigure, InteractiveHeatmap, InteractiveMap,
};
use ndarray::Array2;
use serde_json::Value;

/// Flags for a headless browser run as root in a container with no network.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
];

fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("EMBVIZ_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("EMBVIZ_REQUIRE_BROWSER").is_none(),
            "EMBVIZ_REQUIRE_BROWSER is set but no chromium was found: install Debian's \
             chromium package or set EMBVIZ_CHROMIUM"
        );
        eprintln!("no chromium on the path: browser checks skipped");
    }
    found
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("the test folder can be created");
    dir
}

/// Runs the browser on `url` with a fresh profile and extra flags; returns stdout.
fn run_browser(browser: &Path, name: &str, extra: &[String], url: &str) -> String {
    let profile = out_dir().join(format!("profile-{name}"));
    let _ = std::fs::remove_dir_all(&profile);
    let output = Command::new(browser)
        .args(FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("the browser starts");
    let _ = std::fs::remove_dir_all(&profile);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Script placed first in the page: records errors, console errors and network use.
const RECORDER: &str = r#"<script>
window.embvizErrors = [];
window.addEventListener("error", (event) => {
  const target = event.target && event.target.src ? " (" + event.target.src + ")" : "";
  window.embvizErrors.push(String(event.message || "resource failed to load") + target);
}, true);
window.addEventListener("unhandledrejection", (event) => {
  window.embvizErrors.push("unhandled rejection: " + String(event.reason));
});
const embvizConsoleError = console.error;
console.error = function (...args) {
  window.embvizErrors.push("console.error: " + args.join(" "));
  embvizConsoleError.apply(console, args);
};
</script>"#;

/// Opens `html_path` with `check` (the body of an async function with `element`, the plot
/// element, and `result`, an object to fill) appended to the page, and returns `result`
/// with the recorded errors and resources.
fn probe(browser: &Path, html_path: &Path, check: &str) -> Value {
    let html = std::fs::read_to_string(html_path).expect("the page was written");
    let head = html.find("<head>").expect("the page has a head") + "<head>".len();
    let body_end = html.rfind("</body>").expect("the page has a body");
    let runner = format!(
        r#"<script>
window.addEventListener("load", async () => {{
  const result = {{}};
  try {{
    const element = document.getElementById("{id}");
    await element.embvizReady;
    {check}
  }} catch (error) {{
    result.checkError = String(error && error.stack || error);
  }}
  result.errors = window.embvizErrors;
  result.resources = performance.getEntriesByType("resource").map((entry) => entry.name);
  const out = document.createElement("textarea");
  out.id = "embviz-probe";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
}});
</script>
"#,
        id = embviz_plot::PLOT_ELEMENT_ID,
    );
    let probed = format!(
        "{}{RECORDER}{}{runner}{}",
        &html[..head],
        &html[head..body_end],
        &html[body_end..]
    );
    let name = html_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("page")
        .to_owned();
    let probe_path = out_dir().join(format!("{name}.probe.html"));
    std::fs::write(&probe_path, probed).expect("the probe page can be written");
    let dom = run_browser(
        browser,
        &name,
        &[
            "--virtual-time-budget=30000".to_owned(),
            "--window-size=1200,800".to_owned(),
            "--dump-dom".to_owned(),
        ],
        &format!("file://{}", probe_path.display()),
    );
    let start = dom
        .find("<textarea id=\"embviz-probe\">")
        .unwrap_or_else(|| panic!("the probe did not finish; page dump:\n{}", tail(&dom)))
        + "<textarea id=\"embviz-probe\">".len();
    let end = start
        + dom[start..]
            .find("</textarea>")
            .expect("the probe output is closed");
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    let result: Value = serde_json::from_str(&json).expect("the probe output is JSON");
    assert_eq!(result.get("checkError"), None, "the check failed: {result}");
    assert_eq!(
        result["errors"],
        serde_json::json!([]),
        "errors in the page: {result}"
    );
    let resources = result["resources"]
        .as_array()
        .expect("resources are listed");
    assert!(
        resources.is_empty(),
        "the page loaded resources: {resources:?}"
    );
    result
}

/// Takes a screenshot of the page as a reader would first see it; returns its path.
fn screenshot(browser: &Path, html_path: &Path) -> PathBuf {
    let png = html_path.with_extension("png");
    let _ = std::fs::remove_file(&png);
    let name = format!(
        "shot-{}",
        html_path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("page")
    );
    run_browser(
        browser,
        &name,
        &[
            "--virtual-time-budget=30000".to_owned(),
            "--window-size=1200,800".to_owned(),
            format!("--screenshot={}", png.display()),
        ],
        &format!("file://{}", html_path.display()),
    );
    let bytes = std::fs::read(&png).expect("the screenshot was written");
    assert_eq!(&bytes[1..4], b"PNG");
    assert!(
        bytes.len() > 20_000,
        "a near-empty screenshot: {} bytes",
        bytes.len()
    );
    eprintln!("screenshot: {}", png.display());
    png
}

fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(2000);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    &text[start..]
}

/// Two clusters on circles, `n` points, labels 0 and 1 by half.
fn two_clusters(n: usize, offset: f64) -> Array2<f64> {
    Array2::from_shape_fn((n, 2), |(i, axis)| {
        let angle = i as f64 * 0.37;
        let center = if i < n / 2 { 0.0 } else { 6.0 };
        let radius = 1.0 + (i % 7) as f64 * 0.2;
        if axis == 0 {
            center + offset + radius * angle.cos()
        } else {
            radius * angle.sin()
        }
    })
}

/// Reads the hover label's lines for the point nearest `(x, y)` of subplot `subplot`.
fn hover_script(x: f64, y: f64, subplot: &str) -> String {
    format!(
        r#"Plotly.Fx.hover(element, {{ xval: {x}, yval: {y} }}, "{subplot}");
    const label = element.querySelector(".hoverlayer .hovertext");
    result.hoverLines = label
      ? Array.from(label.querySelectorAll("tspan.line")).map((line) => line.textContent)
      : null;
    if (result.hoverLines && result.hoverLines.length === 0) {{
      result.hoverLines = [label.textContent];
    }}"#
    )
}

const NASTY: &str = "</script><script>window.embvizInjected = 1</script>";
const ENTITY_TEXT: &str =
    "caf\u{e9} & \"quotes\" 'single' &amp; &lt;b&gt; <b>bold?</b> \u{65e5}\u{672c}";

#[test]
fn map_shows_points_and_literal_hover_text() {
    let Some(browser) = browser() else { return };
    let n = 200;
    let map = two_clusters(n, 0.0);
    let labels: Vec<usize> = (0..n).map(|i| usize::from(i >= n / 2)).collect();
    let texts: Vec<String> = (0..n)
        .map(|i| {
            if i == 3 {
                ENTITY_TEXT.to_owned()
            } else {
                format!("document {i}")
            }
        })
        .collect();
    let outliers: Vec<bool> = (0..n).map(|i| i % 50 == 3).collect();
    let scores: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
    let panel = InteractiveMap::new(&map)
        .expect("valid coordinates")
        .coloring(Coloring::categorical(
            labels,
            [NASTY, "<img src=x onerror=\"window.embvizInjected=2\">"],
        ))
        .texts(texts)
        .field("outlier score", scores)
        .highlight("outliers", outliers)
        .title("t-SNE <i>of</i> & data")
        .x_label("t-SNE 1")
        .y_label("t-SNE 2");
    let path = out_dir().join("map.html");
    InteractiveFigure::from(panel)
        .title("Hover test")
        .save(&path)
        .expect("the page is written");

    let (x, y) = (map[[3, 0]], map[[3, 1]]);
    let check = format!(
        r#"result.svg = element.querySelectorAll(".main-svg").length;
    result.points = element.querySelectorAll(".scatterlayer .point").length;
    result.legend = Array.from(element.querySelectorAll(".legendtext")).map((t) => t.textContent);
    result.title = element.querySelector(".gtitle").textContent;
    {}
    result.injected = window.embvizInjected === undefined ? null : window.embvizInjected;"#,
        hover_script(x, y, "xy")
    );
    let result = probe(&browser, &path, &check);
    assert!(result["svg"].as_u64().unwrap_or(0) >= 1, "{result}");
    // Every point, plus a ring around each of the 4 outliers.
    assert_eq!(result["points"], n + 4, "{result}");
    assert_eq!(
        result["legend"],
        serde_json::json!([
            NASTY,
            "<img src=x onerror=\"window.embvizInjected=2\">",
            "outliers (4)"
        ])
    );
    assert_eq!(result["title"], "Hover test");
    assert_eq!(
        result["injected"],
        Value::Null,
        "user text ran as code: {result}"
    );
    let lines: Vec<String> = result["hoverLines"]
        .as_array()
        .unwrap_or_else(|| panic!("no hover label: {result}"))
        .iter()
        .map(|line| line.as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(lines[0], format!("sample 3, class {NASTY}"), "{lines:?}");
    assert_eq!(lines[1].trim(), ENTITY_TEXT.replace("  ", " "), "{lines:?}");
    assert_eq!(
        lines.last().map(String::as_str),
        Some("outlier score: 0.01500"),
        "{lines:?}"
    );
    screenshot(&browser, &path);
}

#[test]
fn webgl_panels_side_by_side_render_and_hover() {
    let Some(browser) = browser() else { return };
    let n = 20_000;
    let left = two_clusters(n, 0.0);
    let right = two_clusters(n, 20.0);
    let labels: Vec<usize> = (0..n).map(|i| usize::from(i >= n / 2)).collect();
    let classes = Coloring::categorical(labels, ["zero", "one"]);
    let path = out_dir().join("webgl.html");
    InteractiveFigure::new()
        .panel(
            InteractiveMap::new(&left)
                .expect("valid")
                .coloring(classes.clone())
                .title("t-SNE"),
        )
        .panel(
            InteractiveMap::new(&right)
                .expect("valid")
                .coloring(classes)
                .title("UMAP"),
        )
        .title("Side by side")
        .save(&path)
        .expect("written");
    let html = std::fs::read_to_string(&path).expect("written");
    assert!(html.contains("\"scattergl\""));

    let (x, y) = (right[[n - 1, 0]], right[[n - 1, 1]]);
    let check = format!(
        r#"result.canvases = element.querySelectorAll("canvas").length;
    result.traces = element.data.length;
    result.legend = Array.from(element.querySelectorAll(".legendtext")).map((t) => t.textContent);
    {}"#,
        hover_script(x, y, "x2y2")
    );
    let result = probe(&browser, &path, &check);
    assert!(result["canvases"].as_u64().unwrap_or(0) >= 1, "{result}");
    assert_eq!(result["traces"], 4);
    // A class has one legend entry for both panels.
    assert_eq!(result["legend"], serde_json::json!(["zero", "one"]));
    assert_eq!(
        result["hoverLines"][0],
        format!("sample {}, class one", n - 1),
        "{result}"
    );
    screenshot(&browser, &path);
}

#[test]
fn animation_has_a_working_slider_over_six_frames() {
    let Some(browser) = browser() else { return };
    let n = 120;
    let layouts: Vec<Array2<f64>> = (0..6).map(|k| two_clusters(n, k as f64)).collect();
    // The last name would end the page's script if it were not escaped.
    let names: Vec<String> = (0..6)
        .map(|k| match k {
            5 => format!("epoch 5 {NASTY}"),
            _ => format!("epoch {k}"),
        })
        .collect();
    let frames = names.iter().cloned().zip(&layouts);
    let drift: Vec<Vec<f64>> = (0..6).map(|k| vec![k as f64 * 0.5; n]).collect();
    let masks: Vec<Vec<bool>> = (0..6).map(|k| (0..n).map(|i| i == k).collect()).collect();
    let path = out_dir().join("frames.html");
    InteractiveAnimation::new(frames)
        .expect("valid frames")
        .coloring(Coloring::categorical(
            (0..n).map(|i| i % 3),
            ["a", "b", "c"],
        ))
        .frame_field("drift", drift)
        .highlights("outliers", masks)
        .title("Epochs")
        .save(&path)
        .expect("written");

    let check = r#"result.frames = element._transitionData._frames.length;
    result.steps = element._fullLayout.sliders[0].steps.map((step) => step.args[0][0]);
    result.buttons = element._fullLayout.updatemenus[0].buttons.map((b) => b.label);
    result.range = element._fullLayout.xaxis.range.slice();
    await Plotly.animate(element, ["epoch 4"], {
      mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 },
    });
    result.active = element._fullLayout.sliders[0].active;
    result.firstX = element.data[0].x[0];
    result.rangeAfter = element._fullLayout.xaxis.range.slice();
    result.ring = element.data[element.data.length - 1].text[0];
    result.title = element._fullLayout.title.text;
    result.injected = window.embvizInjected === undefined ? null : window.embvizInjected;"#;
    let result = probe(&browser, &path, check);
    assert_eq!(result["frames"], 6);
    assert_eq!(result["steps"], serde_json::json!(names));
    assert_eq!(
        result["injected"],
        Value::Null,
        "a frame name ran as code: {result}"
    );
    assert_eq!(result["buttons"], serde_json::json!(["Play", "Pause"]));
    assert_eq!(
        result["active"], 4,
        "the slider follows the frame: {result}"
    );
    // Point 0 of class "a" sits at x = 4 + 1 in frame 4.
    let first_x = result["firstX"].as_f64().unwrap_or(f64::NAN);
    assert!((first_x - 5.0).abs() < 1e-6, "{result}");
    assert_eq!(
        result["range"], result["rangeAfter"],
        "axes stay fixed across frames"
    );
    assert_eq!(result["title"], "Epochs: epoch 4");
    // The ring marks point 4 in frame 4, and its label shows that frame's drift.
    let ring = result["ring"].as_str().unwrap_or_default();
    assert!(ring.starts_with("<b>sample 4</b>"), "{ring}");
    assert!(ring.ends_with("drift: 2"), "{ring}");
    screenshot(&browser, &path);
}

#[test]
fn heatmap_hover_names_both_rows() {
    let Some(browser) = browser() else { return };
    let n = 30;
    let values = Array2::from_shape_fn((n, n), |(i, j)| {
        if i / 10 == j / 10 {
            0.9 - 0.01 * (i + j) as f64
        } else {
            0.1
        }
    });
    let labels: Vec<String> = (0..n)
        .map(|i| ["sound", "games", "<web>"][i / 10].to_owned())
        .collect();
    let path = out_dir().join("heatmap.html");
    InteractiveHeatmap::new(&values)
        .expect("valid")
        .labels(labels)
        .groups(vec![0, 10, 20, 30], ["sound", "games", "<web>"])
        .value_label("cosine similarity")
        .title("Similarity")
        .save(&path)
        .expect("written");
    let check = r#"Plotly.Fx.hover(element, [{ curveNumber: 0, pointNumber: [12, 25] }]);
    const label = element.querySelector(".hoverlayer .hovertext");
    result.hoverLines = Array.from(label.querySelectorAll("tspan.line")).map((l) => l.textContent);
    result.ticks = Array.from(element.querySelectorAll(".yaxislayer-above .ytick text")).map((t) => t.textContent);"#;
    let result = probe(&browser, &path, check);
    assert_eq!(
        result["hoverLines"],
        serde_json::json!([
            "row 12: games",
            "column 25: <web>",
            "cosine similarity: 0.1000"
        ]),
        "{result}"
    );
    assert_eq!(
        result["ticks"],
        serde_json::json!(["sound", "games", "<web>"])
    );
    screenshot(&browser, &path);
}
