//! `align stats`: KPI series figures and stage-gate rates, gathered from the analysis with the
//! keys the rule set's `series-trend` and `stage-gate` rules name, and rendered as an aligned
//! table (human), JSON (docs/stats.md) or Markdown tables.

use super::sanitize;
use crate::analysis::series::{self, SeriesStats};
use crate::analysis::stage_gate::{self, Gates, Tally};
use crate::analysis::{format_number, format_tenths, tenths};
use crate::diag::Lang;
use crate::model::Model;
use crate::rules::{RuleSet, RuleType};
use serde::Serialize;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

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
        id: node.id.clone(),
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
                            id: node.id.clone(),
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

/// `27.4%`, or `–` with no themes.
fn percent(r: Option<f64>) -> String {
    r.and_then(tenths)
        .map_or_else(|| "–".to_owned(), |t| format!("{}%", format_tenths(t)))
}

/// `+10.1%` (signed).
fn signed_percent(r: Option<f64>) -> String {
    r.and_then(tenths).map_or_else(
        || "–".to_owned(),
        |t| {
            let sign = if t > 0 { "+" } else { "" };
            format!("{sign}{}%", format_tenths(t))
        },
    )
}

fn signed(r: Option<f64>) -> String {
    r.and_then(tenths).map_or_else(
        || "–".to_owned(),
        |t| {
            let sign = if t > 0 { "+" } else { "" };
            format!("{sign}{}", format_tenths(t))
        },
    )
}

fn value_text(v: &SeriesValue) -> String {
    format!(
        "{} {}{}",
        v.label,
        format_number(v.value),
        if v.percent { "%" } else { "" }
    )
}

/// One line per series whose values mix percentages and plain numbers: its figures are
/// left out (ALN115).
fn mixed_note(w: &Words, rows: &[SeriesRow]) -> String {
    let ids: Vec<String> = rows
        .iter()
        .filter(|r| r.mixed_units)
        .map(|r| format!("`{}`", sanitize::line(&r.id)))
        .collect();
    if ids.is_empty() {
        return String::new();
    }
    w.t(
        "Not computed for {ids}: the values mix percentages and plain numbers (ALN115).",
        "{ids} は計算しない: 値に百分率と % のない数値が混在している（ALN115）。",
    )
    .replace("{ids}", &ids.join(", "))
}

/// Words of the output in both languages.
struct Words {
    lang: Lang,
}

impl Words {
    fn t<'a>(&self, en: &'a str, ja: &'a str) -> &'a str {
        match self.lang {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }
}

/// Column alignment.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// An aligned table: header, a rule, rows; columns padded by display width (CJK-aware), two
/// spaces apart, no trailing spaces.
fn table(header: &[&str], rows: &[Vec<String>], align: &[Align]) -> String {
    let cols = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            width[i] = width[i].max(c.width());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate().take(cols) {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = " ".repeat(width[i].saturating_sub(c.width()));
            if align.get(i) == Some(&Align::Right) {
                s.push_str(&pad);
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&pad);
            }
        }
        s.trim_end().to_owned()
    };
    let mut out = line(&header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>());
    out.push('\n');
    let total: usize = width.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
    out.push_str(&"─".repeat(total));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

/// Rows of one set of gate figures: `all`, each stage, `not recorded`.
fn gate_rows(w: &Words, name: &str, g: &GateFigures) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        name.to_owned(),
        w.t("all", "全体").to_owned(),
        g.themes.to_string(),
        g.moved_up.to_string(),
        percent(g.rate),
    ]];
    for s in &g.by_stage {
        rows.push(vec![
            String::new(),
            s.stage.to_string(),
            s.themes.to_string(),
            s.moved_up.to_string(),
            percent(s.rate),
        ]);
    }
    if g.unrecorded.themes > 0 {
        rows.push(vec![
            String::new(),
            w.t("not recorded", "記録なし").to_owned(),
            g.unrecorded.themes.to_string(),
            g.unrecorded.moved_up.to_string(),
            "–".to_owned(),
        ]);
    }
    rows
}

const GATE_ALIGN: [Align; 5] = [
    Align::Left,
    Align::Left,
    Align::Right,
    Align::Right,
    Align::Right,
];

/// The human rendering: aligned tables.
pub fn human(stats: &Stats, lang: Lang) -> String {
    let w = Words { lang };
    let mut out = String::new();
    if let Some(s) = &stats.series {
        series_human(&w, s, &mut out);
    }
    if let Some(g) = &stats.stage_gates {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{}\n",
            w.t(
                "Stage gates: themes that moved up a stage since adoption, by stage at adoption",
                "ステージゲート: 採択時から現在までにステージアップしたテーマ（採択時ステージ別）"
            )
        );
        if g.overall.themes == 0 {
            let _ = writeln!(
                out,
                "{}",
                w.t(
                    "No themes (`{kind}`) in the specs.",
                    "仕様にテーマ（`{kind}`）がない。"
                )
                .replace("{kind}", &sanitize::line(&g.kind))
            );
            return out;
        }
        let header = [
            w.t("program", "事業"),
            w.t("stage at adoption", "採択時ステージ"),
            w.t("themes", "テーマ数"),
            w.t("moved up", "ステージアップ"),
            w.t("rate", "割合"),
        ];
        let mut rows = gate_rows(&w, w.t("all programs", "全事業"), &g.overall);
        for p in &g.programs {
            rows.extend(gate_rows(&w, &sanitize::line(&p.id), &p.figures));
        }
        out.push_str(&table(&header, &rows, &GATE_ALIGN));
        if !g.programs.is_empty() {
            out.push('\n');
            let names: Vec<Vec<String>> = g
                .programs
                .iter()
                .map(|p| {
                    vec![
                        sanitize::line(&p.id).into_owned(),
                        sanitize::line(&p.title).into_owned(),
                    ]
                })
                .collect();
            out.push_str(&table(
                &[w.t("program", "事業"), w.t("title", "名称")],
                &names,
                &[Align::Left, Align::Left],
            ));
        }
        let _ = writeln!(
            out,
            "\n{}",
            w.t(
                "Rates are moved up / themes, rounded half away from zero to one decimal. A theme with no recorded stage at adoption counts in the totals only.",
                "割合はステージアップ数 / テーマ数（小数第1位に四捨五入）。採択時ステージの記録がないテーマは合計にのみ数える。"
            )
        );
    }
    if stats.series.is_none() && stats.stage_gates.is_none() {
        let _ = writeln!(
            out,
            "{}",
            w.t(
                "The rule set has no series-trend or stage-gate rule: nothing to compute.",
                "規則セットに series-trend・stage-gate の規則がないため、計算するものがない。"
            )
        );
    }
    out
}

fn series_human(w: &Words, s: &SeriesSection, out: &mut String) {
    let _ = writeln!(
        out,
        "{}\n",
        w.t(
            "KPI series: mean annual change and a suggested relative target for the next plan",
            "KPI の系列: 年平均変化と次期計画の相対的な目標案"
        )
    );
    if s.rows.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            w.t(
                "No {kind} has values in two or more fiscal years.",
                "2つ以上の年度の値を持つ {kind} がない。"
            )
            .replace("{kind}", &sanitize::line(&s.kind))
        );
        return;
    }
    let kind = sanitize::line(&s.kind);
    let header = [
        &*kind,
        w.t("values", "値の数"),
        w.t("first", "最初"),
        w.t("last", "最新"),
        w.t("change/yr", "年平均変化"),
        w.t("%/yr", "年平均変化率"),
        w.t("target", "目標"),
        w.t("suggested %/yr", "目標案（年率）"),
    ];
    let rows: Vec<Vec<String>> = s
        .rows
        .iter()
        .map(|r| {
            vec![
                sanitize::line(&r.id).into_owned(),
                r.values.len().to_string(),
                r.values.first().map(value_text).unwrap_or_default(),
                r.values.last().map(value_text).unwrap_or_default(),
                signed(r.mean_annual_change),
                signed_percent(r.mean_annual_change_percent),
                r.target.clone().unwrap_or_else(|| "–".to_owned()),
                signed_percent(r.suggested_target_percent),
            ]
        })
        .collect();
    let align = [
        Align::Left,
        Align::Right,
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Left,
        Align::Right,
    ];
    out.push_str(&table(&header, &rows, &align));
    let note = mixed_note(w, &s.rows);
    if !note.is_empty() {
        let _ = writeln!(out, "\n{note}");
    }
    let _ = writeln!(
        out,
        "\n{}",
        w.t(
            "change/yr = (last − first) / years between them; %/yr = the constant yearly rate from first to last; suggested = %/yr when it goes the way of the target, else 0% (hold the latest value). See docs/stats.md.",
            "年平均変化 = (最新 − 最初) / 年数。年平均変化率 = 最初から最新に至る一定の年率。目標案 = 年平均変化率が目標の方向に合う場合はその値、そうでなければ 0%（最新の値を維持）。docs/stats.md を参照。"
        )
    );
}

/// A Markdown table cell: through the sanitiser (no line break), pipes escaped.
fn cell(s: &str) -> String {
    sanitize::line(s).replace('|', "\\|")
}

fn md_table(header: &[&str], rows: &[Vec<String>], align: &[Align]) -> String {
    let mut out = format!("| {} |\n|", header.join(" | "));
    for a in align {
        out.push_str(if *a == Align::Right {
            " ---: |"
        } else {
            " --- |"
        });
    }
    out.push('\n');
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    out
}

/// The Markdown rendering: headings and tables.
pub fn markdown(stats: &Stats, lang: Lang) -> String {
    let w = Words { lang };
    let mut out = format!("# {}\n", w.t("align stats", "align stats（統計）"));
    if let Some(s) = &stats.series {
        let _ = writeln!(out, "\n## {}\n", w.t("KPI series", "KPI の系列"));
        if s.rows.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                w.t(
                    "No {kind} has values in two or more fiscal years.",
                    "2つ以上の年度の値を持つ {kind} がない。"
                )
                .replace("{kind}", &sanitize::line(&s.kind))
            );
        } else {
            let kind = cell(&s.kind);
            let header = [
                kind.as_str(),
                w.t("title", "名称"),
                w.t("values", "値"),
                w.t("change/yr", "年平均変化"),
                w.t("%/yr", "年平均変化率"),
                w.t("target", "目標"),
                w.t("suggested %/yr", "目標案（年率）"),
            ];
            let rows: Vec<Vec<String>> = s
                .rows
                .iter()
                .map(|r| {
                    vec![
                        cell(&r.id),
                        cell(&r.title),
                        cell(
                            &r.values
                                .iter()
                                .map(value_text)
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                        signed(r.mean_annual_change),
                        signed_percent(r.mean_annual_change_percent),
                        r.target.clone().unwrap_or_else(|| "–".to_owned()),
                        signed_percent(r.suggested_target_percent),
                    ]
                })
                .collect();
            let align = [
                Align::Left,
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Left,
                Align::Right,
            ];
            out.push_str(&md_table(&header, &rows, &align));
            let note = mixed_note(&w, &s.rows);
            if !note.is_empty() {
                let _ = writeln!(out, "\n{note}");
            }
        }
    }
    if let Some(g) = &stats.stage_gates {
        let _ = writeln!(out, "\n## {}\n", w.t("Stage gates", "ステージゲート"));
        let header = [
            w.t("program", "事業"),
            w.t("stage at adoption", "採択時ステージ"),
            w.t("themes", "テーマ数"),
            w.t("moved up", "ステージアップ"),
            w.t("rate", "割合"),
        ];
        let mut rows = gate_rows(&w, w.t("all programs", "全事業"), &g.overall);
        for p in &g.programs {
            let name = format!("{} {}", cell(&p.id), cell(&p.title));
            rows.extend(gate_rows(&w, &name, &p.figures));
        }
        out.push_str(&md_table(&header, &rows, &GATE_ALIGN));
        let _ = writeln!(
            out,
            "\n{}",
            w.t(
                "Rates are moved up / themes, rounded half away from zero to one decimal. A theme with no recorded stage at adoption counts in the totals only.",
                "割合はステージアップ数 / テーマ数（小数第1位に四捨五入）。採択時ステージの記録がないテーマは合計にのみ数える。"
            )
        );
    }
    out
}

/// The JSON rendering (docs/stats.md), pretty-printed with a final newline.
pub fn json(stats: &Stats) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(stats)?;
    s.push('\n');
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_by_display_width() {
        let t = table(
            &["事業", "n"],
            &[
                vec!["amed.hub".into(), "7".into()],
                vec!["拠点".into(), "12".into()],
            ],
            &[Align::Left, Align::Right],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "事業       n");
        assert_eq!(lines[2], "amed.hub   7");
        assert_eq!(lines[3], "拠点      12");
    }

    #[test]
    fn percentages_are_signed_where_asked() {
        assert_eq!(percent(Some(27.4)), "27.4%");
        assert_eq!(percent(None), "–");
        assert_eq!(signed_percent(Some(10.135)), "+10.1%");
        assert_eq!(signed_percent(Some(-0.04)), "0.0%");
        assert_eq!(signed(Some(-2.5)), "-2.5");
    }

    #[test]
    fn markdown_cells_escape_pipes() {
        assert_eq!(cell("a|b\nc"), "a\\|b\\u{a}c");
    }
}
