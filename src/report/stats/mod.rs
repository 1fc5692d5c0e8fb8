//! `align stats`: KPI series figures and stage-gate rates, gathered from the analysis with the
//! keys the rule set's `series-trend` and `stage-gate` rules name, and rendered as an aligned
//! table (human), JSON (docs/stats.md) or Markdown tables.

mod render;

use crate::analysis::series::{self, SeriesStats};
use crate::analysis::stage_gate::{self, Gates, Tally};
use crate::analysis::tenths;
use crate::model::Model;
use crate::rules::{RuleSet, RuleType};
pub use render::{human, markdown};
use serde::Serialize;

/// Version of the JSON document; bumped on an incompatible change.
pub const JSON_VERSION: u32 = 1;

/// Everything `align stats` shows.
#[derive(Debug, Serialize)]
pub struct Stats {
    pub version: u32,
    /// `null` when the rule set has no `series-trend` rule (it names the keys).
    pub series: Option<SeriesSection>,
    /// `null` when the rule set has no `stage-gate` rule.
    pub stage_gates: Option<GateSection>,
}

#[derive(Debug, Serialize)]
pub struct SeriesSection {
    /// The kind whose series are analysed (`kpi`).
    pub kind: String,
    /// Nodes of that kind with values in two or more fiscal years, in declaration order.
    pub rows: Vec<SeriesRow>,
}

#[derive(Debug, Serialize)]
pub struct SeriesRow {
    pub id: String,
    pub title: String,
    pub target: Option<String>,
    pub values: Vec<SeriesValue>,
    /// (last − first) / years between them, to one decimal.
    pub mean_annual_change: Option<f64>,
    /// Constant yearly % rate from the first value to the last, to one decimal.
    pub mean_annual_change_percent: Option<f64>,
    /// Suggested relative target for each year of the next plan, % per year, to one decimal.
    pub suggested_target_percent: Option<f64>,
    /// The values mix percentages and plain numbers (ALN115): no change, rate or target is
    /// computed, and the three figures above are `null`.
    pub mixed_units: bool,
}

#[derive(Debug, Serialize)]
pub struct SeriesValue {
    pub label: String,
    pub year: i32,
    pub value: f64,
    pub percent: bool,
}

#[derive(Debug, Serialize)]
pub struct GateSection {
    /// The kind of a theme (`project`).
    pub kind: String,
    pub overall: GateFigures,
    /// Programs with themes, in declaration order.
    pub programs: Vec<ProgramFigures>,
}

#[derive(Debug, Serialize)]
pub struct ProgramFigures {
    pub id: String,
    pub title: String,
    #[serde(flatten)]
    pub figures: GateFigures,
}

#[derive(Debug, Serialize)]
pub struct GateFigures {
    pub themes: u64,
    pub moved_up: u64,
    /// Percent to one decimal, rounded half away from zero; `null` with no themes.
    pub rate: Option<f64>,
    pub by_stage: Vec<StageFigures>,
    /// Themes with no recorded stage at adoption: in the totals, in no stage row.
    pub unrecorded: Counts,
}

#[derive(Debug, Serialize)]
pub struct StageFigures {
    pub stage: i64,
    pub themes: u64,
    pub moved_up: u64,
    pub rate: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Counts {
    pub themes: u64,
    pub moved_up: u64,
}

fn one_decimal(x: f64) -> Option<f64> {
    tenths(x).map(tenths_value)
}

#[allow(clippy::cast_precision_loss)] // tenths of a rate or a change: far below 2^52
fn tenths_value(t: i64) -> f64 {
    t as f64 / 10.0
}

fn rate(t: &Tally) -> Option<f64> {
    t.rate_tenths()
        .and_then(|r| i64::try_from(r).ok())
        .map(tenths_value)
}

fn figures(g: &Gates) -> GateFigures {
    GateFigures {
        themes: g.total.themes,
        moved_up: g.total.moved_up,
        rate: rate(&g.total),
        by_stage: g
            .by_stage
            .iter()
            .map(|(s, t)| StageFigures {
                stage: *s,
                themes: t.themes,
                moved_up: t.moved_up,
                rate: rate(t),
            })
            .collect(),
        unrecorded: Counts {
            themes: g.unrecorded.themes,
            moved_up: g.unrecorded.moved_up,
        },
    }
}

fn series_row(model: &Model, s: &SeriesStats) -> SeriesRow {
    let node = model.node(s.node);
    SeriesRow {
        id: node.id.to_string(),
        title: node.title_or_id().to_owned(),
        target: s.target.map(|t| t.as_str().to_owned()),
        values: s
            .points
            .iter()
            .map(|p| SeriesValue {
                label: p.label.clone(),
                year: p.year,
                value: p.value,
                percent: p.percent,
            })
            .collect(),
        mean_annual_change: Some(s.mean_annual_change)
            .filter(|_| !s.mixed_units)
            .and_then(one_decimal),
        mean_annual_change_percent: s.mean_annual_percent.and_then(one_decimal),
        suggested_target_percent: s.suggested_percent.and_then(one_decimal),
        mixed_units: s.mixed_units,
    }
}

/// Gathers the figures of a model, with the keys named by the rule set's rules.
pub fn gather(model: &Model, rules: &RuleSet) -> Stats {
    let schema = &model.schema;
    let series = rules.rules.iter().find_map(|r| match &r.check {
        RuleType::SeriesTrend(t) => Some(SeriesSection {
            kind: schema.kind(t.kind).name.clone(),
            rows: series::stats(model, t.kind, t.series, t.direction)
                .iter()
                .map(|s| series_row(model, s))
                .collect(),
        }),
        _ => None,
    });
    let stage_gates = rules.rules.iter().find_map(|r| match &r.check {
        RuleType::StageGate(g) => {
            let report = stage_gate::report(model, &g.keys);
            Some(GateSection {
                kind: schema.kind(g.keys.project).name.clone(),
                overall: figures(&report.overall),
                programs: report
                    .programs
                    .iter()
                    .map(|(p, gates)| {
                        let node = model.node(*p);
                        ProgramFigures {
                            id: node.id.to_string(),
                            title: node.title_or_id().to_owned(),
                            figures: figures(gates),
                        }
                    })
                    .collect(),
            })
        }
        _ => None,
    });
    Stats {
        version: JSON_VERSION,
        series,
        stage_gates,
    }
}

/// The JSON rendering (docs/stats.md), pretty-printed with a final newline.
pub fn json(stats: &Stats) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(stats)?;
    s.push('\n');
    Ok(s)
}
