//! The two text renderings of `align stats`, human (aligned tables) and Markdown, from the one
//! view model (`Stats`); the rows of a stage-gate table and the notes are built once for both.

use super::{GateFigures, SeriesRow, SeriesSection, SeriesValue, Stats};
use crate::analysis::{format_number, format_tenths, tenths};
use crate::diag::{Lang, StaticText};
use crate::report::sanitize;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// How rates are computed, under every stage-gate table.
const RATES_NOTE: StaticText = StaticText::new(
    "Rates are moved up / themes, rounded half away from zero to one decimal. A theme with no recorded stage at adoption counts in the totals only.",
    "割合はステージアップ数 / テーマ数（小数第1位に四捨五入）。採択時ステージの記録がないテーマは合計にのみ数える。",
);

/// A series section with no KPI of two or more values.
const NO_SERIES: StaticText = StaticText::new(
    "No {kind} has values in two or more fiscal years.",
    "2つ以上の年度の値を持つ {kind} がない。",
);

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
fn mixed_note(w: Lang, rows: &[SeriesRow]) -> String {
    let ids: Vec<String> = rows
        .iter()
        .filter(|r| r.mixed_units)
        .map(|r| format!("`{}`", sanitize::line(&r.id)))
        .collect();
    if ids.is_empty() {
        return String::new();
    }
    w.pick(
        "Not computed for {ids}: the values mix percentages and plain numbers (ALN115).",
        "{ids} は計算しない: 値に百分率と % のない数値が混在している（ALN115）。",
    )
    .replace("{ids}", &ids.join(", "))
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
fn gate_rows(w: Lang, name: &str, g: &GateFigures) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        name.to_owned(),
        w.pick("all", "全体").to_owned(),
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
            w.pick("not recorded", "記録なし").to_owned(),
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
    let w = lang;
    let mut out = String::new();
    if let Some(s) = &stats.series {
        series_human(w, s, &mut out);
    }
    if let Some(g) = &stats.stage_gates {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{}\n",
            w.pick(
                "Stage gates: themes that moved up a stage since adoption, by stage at adoption",
                "ステージゲート: 採択時から現在までにステージアップしたテーマ（採択時ステージ別）"
            )
        );
        if g.overall.themes == 0 {
            let _ = writeln!(
                out,
                "{}",
                w.pick(
                    "No themes (`{kind}`) in the specs.",
                    "仕様にテーマ（`{kind}`）がない。"
                )
                .replace("{kind}", &sanitize::line(&g.kind))
            );
            return out;
        }
        let header = [
            w.pick("program", "事業"),
            w.pick("stage at adoption", "採択時ステージ"),
            w.pick("themes", "テーマ数"),
            w.pick("moved up", "ステージアップ"),
            w.pick("rate", "割合"),
        ];
        let mut rows = gate_rows(w, w.pick("all programs", "全事業"), &g.overall);
        for p in &g.programs {
            rows.extend(gate_rows(w, &sanitize::line(&p.id), &p.figures));
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
                &[w.pick("program", "事業"), w.pick("title", "名称")],
                &names,
                &[Align::Left, Align::Left],
            ));
        }
        let _ = writeln!(out, "\n{}", RATES_NOTE.get(w));
    }
    if stats.series.is_none() && stats.stage_gates.is_none() {
        let _ = writeln!(
            out,
            "{}",
            w.pick(
                "The rule set has no series-trend or stage-gate rule: nothing to compute.",
                "規則セットに series-trend・stage-gate の規則がないため、計算するものがない。"
            )
        );
    }
    out
}

fn series_human(w: Lang, s: &SeriesSection, out: &mut String) {
    let _ = writeln!(
        out,
        "{}\n",
        w.pick(
            "KPI series: mean annual change and a suggested relative target for the next plan",
            "KPI の系列: 年平均変化と次期計画の相対的な目標案"
        )
    );
    if s.rows.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            NO_SERIES.get(w).replace("{kind}", &sanitize::line(&s.kind))
        );
        return;
    }
    let kind = sanitize::line(&s.kind);
    let header = [
        &*kind,
        w.pick("values", "値の数"),
        w.pick("first", "最初"),
        w.pick("last", "最新"),
        w.pick("change/yr", "年平均変化"),
        w.pick("%/yr", "年平均変化率"),
        w.pick("target", "目標"),
        w.pick("suggested %/yr", "目標案（年率）"),
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
        w.pick(
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
    let w = lang;
    let mut out = format!("# {}\n", w.pick("align stats", "align stats（統計）"));
    if let Some(s) = &stats.series {
        let _ = writeln!(out, "\n## {}\n", w.pick("KPI series", "KPI の系列"));
        if s.rows.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                NO_SERIES.get(w).replace("{kind}", &sanitize::line(&s.kind))
            );
        } else {
            let kind = cell(&s.kind);
            let header = [
                kind.as_str(),
                w.pick("title", "名称"),
                w.pick("values", "値"),
                w.pick("change/yr", "年平均変化"),
                w.pick("%/yr", "年平均変化率"),
                w.pick("target", "目標"),
                w.pick("suggested %/yr", "目標案（年率）"),
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
            let note = mixed_note(w, &s.rows);
            if !note.is_empty() {
                let _ = writeln!(out, "\n{note}");
            }
        }
    }
    if let Some(g) = &stats.stage_gates {
        let _ = writeln!(out, "\n## {}\n", w.pick("Stage gates", "ステージゲート"));
        let header = [
            w.pick("program", "事業"),
            w.pick("stage at adoption", "採択時ステージ"),
            w.pick("themes", "テーマ数"),
            w.pick("moved up", "ステージアップ"),
            w.pick("rate", "割合"),
        ];
        let mut rows = gate_rows(w, w.pick("all programs", "全事業"), &g.overall);
        for p in &g.programs {
            let name = format!("{} {}", cell(&p.id), cell(&p.title));
            rows.extend(gate_rows(w, &name, &p.figures));
        }
        out.push_str(&md_table(&header, &rows, &GATE_ALIGN));
        let _ = writeln!(out, "\n{}", RATES_NOTE.get(w));
    }
    out
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
