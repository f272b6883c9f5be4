//! The self-contained HTML page around a plotly.js figure, and the escaping of user text.

use std::path::Path;
use std::sync::OnceLock;

use embviz_core::Result;
use serde_json::Value;

use crate::figure::write_via_temporary;

/// Id of the `div` that contains the figure in every page.
pub(crate) const PLOT_ELEMENT_ID: &str = "embviz-plot";

/// Returns the `<script>` element with plotly.js, taken once from the `plotly` crate.
///
/// The crate bundles plotly.js and MathJax together. Only plotly.js is kept: MathJax would
/// add 2 MB per file and would turn `$...$` in user labels into formulas.
fn plotly_script() -> &'static str {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        let sources = plotly::Plot::offline_js_sources();
        const END: &str = "</script>";
        match sources.find(END) {
            Some(end) => sources[..end + END.len()].to_owned(),
            None => sources,
        }
    })
}

/// Version of the embedded plotly.js, read from its licence header.
#[must_use]
pub fn plotly_js_version() -> Option<&'static str> {
    let script = plotly_script();
    let start = script.find("plotly.js v")? + "plotly.js v".len();
    let rest = &script[start..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    Some(&rest[..end])
}

/// Escapes text that plotly.js renders as its own small HTML subset (hover labels, legend
/// entries, titles), so that tags and entities in user text are shown as typed.
pub(crate) fn escape_plotly_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            // Plotly breaks lines only at <br>; other control characters are dropped.
            '\n' | '\r' | '\t' => escaped.push(' '),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Escapes text for an HTML element or attribute.
fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Serialises `value` as JSON that is safe inside a `<script>` element. `<`, `>` and `&`
/// are written as `\u` escapes, so no string in the data can close the element. The line
/// separators U+2028 and U+2029 are escaped too, for older JavaScript parsers.
pub(crate) fn script_json(value: &Value) -> String {
    let json = value.to_string();
    let mut safe = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            c => safe.push(c),
        }
    }
    safe
}

/// Builds the page: plotly.js inline, the figure as JSON, no external resource.
pub(crate) fn page(title: &str, figure: &Value) -> String {
    let script = plotly_script();
    let figure = script_json(figure);
    let title = escape_html(if title.is_empty() { "embviz" } else { title });
    let mut html = String::with_capacity(script.len() + figure.len() + 1024);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<title>");
    html.push_str(&title);
    html.push_str("</title>\n<style>html, body { margin: 0; height: 100%; } #");
    html.push_str(PLOT_ELEMENT_ID);
    html.push_str(" { width: 100%; height: 100vh; }</style>\n");
    html.push_str(script);
    html.push_str("\n</head>\n<body>\n<div id=\"");
    html.push_str(PLOT_ELEMENT_ID);
    html.push_str("\"></div>\n<script>\n\"use strict\";\n(function () {\n  const figure = ");
    html.push_str(&figure);
    html.push_str(";\n  const element = document.getElementById(\"");
    html.push_str(PLOT_ELEMENT_ID);
    html.push_str(
        "\");\n  element.embvizReady = Plotly.newPlot(element, figure);\n})();\n</script>\n\
         </body>\n</html>\n",
    );
    html
}

/// Writes `html` to `path` through a temporary file, creating missing parent folders.
pub(crate) fn save_html(path: &Path, html: &str) -> Result<()> {
    write_via_temporary(path, "html", |temporary| {
        std::fs::write(temporary, html).map_err(|error| error.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plotly_text_keeps_tags_and_entities_literal() {
        assert_eq!(
            escape_plotly_text("<b>a</b> & &amp; \"q\" 'é'\nx"),
            "&lt;b&gt;a&lt;/b&gt; &amp; &amp;amp; \"q\" 'é' x"
        );
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let value = serde_json::json!({ "text": "</script><script>alert(1)</script> & \u{2028}" });
        let json = script_json(&value);
        assert!(!json.contains('<'), "{json}");
        assert!(!json.contains('&'), "{json}");
        let parsed: Value = serde_json::from_str(&json).expect("escaped JSON stays valid");
        assert_eq!(parsed, value);
    }

    #[test]
    fn page_embeds_plotly_and_loads_nothing_external() {
        let html = page("a <title>", &serde_json::json!({ "data": [] }));
        assert!(html.contains("<title>a &lt;title&gt;</title>"));
        assert!(!html.contains("<script src"), "no external script");
        assert!(html.contains("Plotly.newPlot"));
        assert_eq!(plotly_js_version(), Some("3.0.1"));
    }
}
