//! PNG plots: per workload, the median iteration time (or requests per second for the
//! service) against the iteration, one line per mode, on a log scale.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::prelude::*;

use crate::campaign::Results;
use crate::error::{BenchError, Result};
use crate::metrics::median_curve;
use crate::workloads::{self, Kind};

/// The TTF used for all text (Debian package fonts-dejavu-core, installed by setup.sh).
pub const FONT_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const FONT_FAMILY: &str = "sans-serif";
const SIZE: (u32, u32) = (1100, 650);
const COLORS: &[RGBColor] = &[
    RGBColor(0, 0, 0),
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// Draws one PNG per non-startup workload into `dir`; returns the files written.
pub fn draw_all(results: &Results, dir: &Path) -> Result<Vec<PathBuf>> {
    register_font()?;
    std::fs::create_dir_all(dir).map_err(BenchError::io(dir))?;
    let mut written = Vec::new();
    for workload in &results.workloads {
        let Some(kind) = workloads::find(workload).map(|w| w.kind) else { continue };
        if kind == Kind::Startup {
            continue;
        }
        let mut series = Vec::new();
        for mode in &results.modes {
            let rounds: Vec<Vec<f64>> = results
                .records
                .iter()
                .filter(|r| !r.training && &r.workload == workload && &r.mode == mode)
                .map(|r| match kind {
                    Kind::Service => r.seconds.iter().map(|s| s.requests_per_s).collect(),
                    _ => r.iteration_ns.iter().map(|&ns| ns as f64 / 1e6).collect(),
                })
                .collect();
            let curve = median_curve(&rounds);
            if !curve.is_empty() {
                series.push((mode.clone(), curve));
            }
        }
        if series.is_empty() {
            continue;
        }
        let path = dir.join(format!("{workload}.png"));
        let (title, x_label, y_label) = match kind {
            Kind::Service => (format!("{workload}: throughput per second from the first request"), "second", "requests / s"),
            _ => (format!("{workload}: iteration time"), "iteration", "ms per iteration"),
        };
        draw(&path, &title, x_label, y_label, &series).map_err(|detail| BenchError::Plot { path: path.clone(), detail })?;
        written.push(path);
    }
    Ok(written)
}

/// A value rounded to two significant digits, for axis labels (`1234.5` → `1200`).
fn significant(value: f64) -> String {
    if !value.is_finite() || value <= 0.0 {
        return String::new();
    }
    let magnitude = 10f64.powf(value.log10().floor() - 1.0);
    let rounded = (value / magnitude).round() * magnitude;
    if rounded >= 10.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.2}")
    }
}

fn register_font() -> Result<()> {
    static FONT: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let bytes = std::fs::read(FONT_PATH).map_err(|e| format!("{FONT_PATH}: {e} (run bench/setup.sh)"))?;
        // The font registry keeps `&'static` data for the whole process: leak it once.
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, bytes).map_err(|_| format!("{FONT_PATH} is not a usable font"))
    })
    .clone()
    .map_err(|detail| BenchError::Plot { path: FONT_PATH.into(), detail })
}

fn draw(path: &Path, title: &str, x_label: &str, y_label: &str, series: &[(String, Vec<f64>)]) -> std::result::Result<(), String> {
    let points = series.iter().flat_map(|(_, v)| v.iter().copied()).filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = points.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !lo.is_finite() {
        return Err("no positive values to plot".into());
    }
    let longest = series.iter().map(|(_, v)| v.len()).max().unwrap_or(1);
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT_FAMILY, 26))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(80)
        // The y axis is log10 of the value on a linear axis, labelled with the value itself:
        // plotters' own log scale leaves the lower part of a decade without labels.
        .build_cartesian_2d(0.5f64..longest as f64 + 0.5, (lo * 0.8).log10()..(hi * 1.25).log10())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .y_labels(14)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| significant(10f64.powf(*y)))
        .label_style((FONT_FAMILY, 16))
        .axis_desc_style((FONT_FAMILY, 18))
        .draw()
        .map_err(|e| e.to_string())?;
    for (index, (mode, values)) in series.iter().enumerate() {
        let color = COLORS[index % COLORS.len()];
        let points: Vec<(f64, f64)> =
            values.iter().enumerate().filter(|(_, v)| **v > 0.0).map(|(i, v)| (i as f64 + 1.0, v.log10())).collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .map_err(|e| e.to_string())?
            .label(mode.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
        chart
            .draw_series(points.into_iter().map(|p| Circle::new(p, 3, color.filled())))
            .map_err(|e| e.to_string())?;
    }
    chart
        .configure_series_labels()
        .label_font((FONT_FAMILY, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn axis_labels_have_two_significant_digits() {
        assert_eq!(super::significant(1234.5), "1200");
        assert_eq!(super::significant(398.1), "400");
        assert_eq!(super::significant(0.4567), "0.46");
        assert_eq!(super::significant(-1.0), "");
    }
}
