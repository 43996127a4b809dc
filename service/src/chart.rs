//! A line chart of percentages by day, rendered on the server as inline SVG.
//!
//! No script and no style attribute: colours and dashes are SVG presentation attributes,
//! which a strict CSP allows. The chart has a `<title>` and `<desc>`; the page shows the
//! legend as HTML beside it and the same numbers in a table. Lines are told apart by
//! dash pattern as well as by colour, and every colour has at least 3:1 contrast against
//! white.

use std::fmt::Write as _;

use crate::html::escape;
use crate::time::Day;

/// One line.
pub struct Series {
    /// The line's colour (`#rrggbb`).
    pub color: &'static str,
    /// The SVG dash pattern, or `None` for a solid line.
    pub dash: Option<&'static str>,
    /// One value per day in tenths of a percent; `None` breaks the line.
    pub values: Vec<Option<u64>>,
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 300;
const LEFT: i64 = 56;
const RIGHT: i64 = 24;
const TOP: i64 = 16;
const BOTTOM: i64 = 40;

/// The chart's SVG for the days `from..=to`. Values above 100 % are drawn at 100 %.
/// `title` and `desc` are text (escaped here); `percent` writes an axis label.
pub fn line_chart(
    title: &str,
    desc: &str,
    from: Day,
    to: Day,
    series: &[Series],
    percent: &dyn Fn(u64) -> String,
) -> String {
    let days = (to.0 - from.0 + 1).max(1);
    let plot_w = (WIDTH - LEFT - RIGHT) as f64;
    let plot_h = (HEIGHT - TOP - BOTTOM) as f64;
    let x = |i: i64| -> f64 {
        if days == 1 {
            LEFT as f64 + plot_w / 2.0
        } else {
            LEFT as f64 + plot_w * i as f64 / (days - 1) as f64
        }
    };
    let y = |tenths: u64| -> f64 { TOP as f64 + plot_h - plot_h * tenths.min(1000) as f64 / 1000.0 };

    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"chart-title chart-desc\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
         <title id=\"chart-title\">{}</title>\n<desc id=\"chart-desc\">{}</desc>\n",
        escape(title),
        escape(desc)
    );
    // Horizontal grid lines every 25 %, labelled on the left.
    for step in 0..=4u64 {
        let tenths = step * 250;
        let gy = y(tenths);
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{gy:.1}\" y2=\"{gy:.1}\" stroke=\"{}\" stroke-width=\"1\"/>\n\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#4a4a4a\">{}</text>\n",
            WIDTH - RIGHT,
            if step == 0 { "#767676" } else { "#d8d8d8" },
            LEFT - 6,
            gy + 4.0,
            escape(&percent(tenths))
        );
    }
    // Up to six day labels, evenly spread, the first and the last always.
    let labels = days.min(6);
    for k in 0..labels {
        let i = if labels == 1 { 0 } else { k * (days - 1) / (labels - 1) };
        let anchor = match (k, labels) {
            (_, 1) => "middle",
            (0, _) => "start",
            (k, n) if k == n - 1 => "end",
            _ => "middle",
        };
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"#4a4a4a\">{}</text>",
            x(i),
            HEIGHT - BOTTOM + 20,
            from.plus(i)
        );
    }
    for line in series {
        let dash = line
            .dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let mut run: Vec<(f64, f64)> = Vec::new();
        let flush = |run: &mut Vec<(f64, f64)>, svg: &mut String| {
            match run.as_slice() {
                [] => {}
                [(px, py)] => {
                    let _ = writeln!(
                        svg,
                        "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3\" fill=\"{}\"/>",
                        line.color
                    );
                }
                points => {
                    let points: Vec<String> = points.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect();
                    let _ = writeln!(
                        svg,
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\" \
                         stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash}/>",
                        points.join(" "),
                        line.color
                    );
                }
            }
            run.clear();
        };
        for (i, value) in line.values.iter().enumerate() {
            match value {
                Some(tenths) => run.push((x(i as i64), y(*tenths))),
                None => flush(&mut run, &mut svg),
            }
        }
        flush(&mut run, &mut svg);
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).unwrap()
    }

    fn percent(tenths: u64) -> String {
        format!("{}%", tenths / 10)
    }

    #[test]
    fn lines_break_at_days_without_a_value() {
        let series = [Series {
            color: "#005a9c",
            dash: None,
            values: vec![Some(500), Some(1000), None, Some(0), Some(2000)],
        }];
        let svg = line_chart(
            "Rates <daily>",
            "From A & B",
            day("2025-03-01"),
            day("2025-03-05"),
            &series,
            &percent,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"chart-title\">Rates &lt;daily&gt;</title>"));
        assert!(svg.contains("<desc id=\"chart-desc\">From A &amp; B</desc>"));
        // Two segments: days 1–2 and days 4–5 (200 % drawn at 100 %).
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("points=\"56.0,138.0 216.0,16.0\""), "{svg}");
        assert!(svg.contains("points=\"536.0,260.0 696.0,16.0\""), "{svg}");
        assert!(svg.contains(">2025-03-01</text>") && svg.contains(">2025-03-05</text>"));
        assert!(svg.contains(">100%</text>") && svg.contains(">0%</text>"));
        assert!(!svg.contains("style"));
    }

    #[test]
    fn a_single_day_is_a_point() {
        let series = [Series {
            color: "#b04000",
            dash: Some("6 4"),
            values: vec![Some(250)],
        }];
        let svg = line_chart("t", "d", day("2025-03-01"), day("2025-03-01"), &series, &percent);
        assert!(
            svg.contains("<circle cx=\"376.0\" cy=\"199.0\" r=\"3\" fill=\"#b04000\"/>"),
            "{svg}"
        );
        assert_eq!(svg.matches(">2025-03-01</text>").count(), 1);
    }

    #[test]
    fn many_days_get_six_labels() {
        let svg = line_chart("t", "d", day("2025-01-01"), day("2025-12-31"), &[], &percent);
        assert_eq!(svg.matches("text-anchor=\"middle\"").count() + 2, 6);
        assert!(svg.contains(">2025-01-01</text>") && svg.contains(">2025-12-31</text>"));
    }
}
