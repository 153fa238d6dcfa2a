//! The chart: requests per second and p99 latency against concurrency, each workload of the
//! reference server beside the machine's ceiling, as an SVG.

use std::path::Path;

use anyhow::{Result, anyhow};
use plotters::prelude::*;

/// One line: a workload's figures at each concurrency.
#[derive(Debug, Clone)]
pub struct Line {
    /// Its name in the legend.
    pub name: String,
    /// (connections, requests per second, p99 in milliseconds).
    pub points: Vec<(usize, f64, f64)>,
}

const COLORS: [RGBColor; 5] = [
    RGBColor(0x44, 0x44, 0x44),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
];

/// Draws `lines` (the first is the ceiling, drawn dashed-grey) into `path`.
pub fn draw(path: &Path, lines: &[Line], subtitle: &str) -> Result<()> {
    let root = SVGBackend::new(path, (1100, 460)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let root = root
        .titled(subtitle, ("sans-serif", 16))
        .map_err(|e| anyhow!("{e}"))?;
    let (left, right) = root.split_horizontally(550);
    panel(&left, lines, "requests per second", |(_, rate, _)| rate)?;
    panel(&right, lines, "p99 latency (ms)", |(_, _, p99)| p99)?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

fn panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    lines: &[Line],
    title: &str,
    value: impl Fn((usize, f64, f64)) -> f64,
) -> Result<()> {
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| value(*p)))
        .fold(0.0f64, f64::max)
        * 1.15;
    let x_of = |connections: usize| (connections as f64).log2();
    let x_max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| x_of(p.0)))
        .fold(1.0f64, f64::max);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.3f64..x_max + 0.3, 0f64..top.max(1.0))
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("concurrent connections")
        .x_labels(8)
        .x_label_formatter(&|x| {
            let n = 2f64.powf(*x);
            if (n - n.round()).abs() < 0.01 {
                format!("{}", n.round())
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| {
            if top > 10_000.0 {
                format!("{:.0}k", y / 1000.0)
            } else {
                format!("{y:.1}")
            }
        })
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    for (i, line) in lines.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let points: Vec<(f64, f64)> = line.points.iter().map(|p| (x_of(p.0), value(*p))).collect();
        let style = ShapeStyle::from(&color).stroke_width(if i == 0 { 3 } else { 2 });
        chart
            .draw_series(LineSeries::new(points.clone(), style))
            .map_err(|e| anyhow!("{e}"))?
            .label(line.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 20, y)],
                    ShapeStyle::from(&color).stroke_width(2),
                )
            });
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))
            .map_err(|e| anyhow!("{e}"))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    Ok(())
}
