//! The gap report as GitHub-flavoured Markdown: the sections of [`Gap`] as headings, lists and
//! tables (no charts), long tables folded in `<details>`. Fit for a wiki page or a
//! pull-request comment.

use super::gap::{
    percent, severity_word, Entity, Gap, GapEntry, GridView, Group, NodeRef, Row, Status,
};
use super::stats::GateFigures;
use crate::analysis::{format_tenths, tenths};
use std::fmt::Write;

/// Tables with more rows than this are folded in `<details>`.
const FOLD_ROWS: usize = 30;
/// Nesting of the plan tree shown as indentation; deeper lines are indented this much.
const MAX_INDENT: usize = 12;

/// Text for a table cell: `|` escaped, line breaks as spaces, HTML and link syntax inert.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            _ => push_inline(&mut out, c),
        }
    }
    out
}

/// Text outside tables: HTML and link syntax inert, line breaks kept as spaces.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            _ => push_inline(&mut out, c),
        }
    }
    out
}

fn push_inline(out: &mut String, c: char) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '[' => out.push_str("\\["),
        ']' => out.push_str("\\]"),
        '\\' => out.push_str("\\\\"),
        _ => out.push(c),
    }
}

/// The whole report.
pub fn render(g: &Gap) -> String {
    let mut out = String::new();
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    header(g, &mut out);
    conclusion(g, &mut out);
    summary(g, &mut out);

    let _ = writeln!(out, "## {}\n", t("Gaps", "乖離（エラー・警告）"));
    if g.gaps.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            t("No errors or warnings.", "エラー・警告はありません。")
        );
    }
    let mut severity = None;
    for group in &g.gaps {
        let first = group.entries.first().map(|e| e.severity);
        if first != severity {
            severity = first;
            if let Some(s) = first {
                let n: usize = g
                    .gaps
                    .iter()
                    .flat_map(|gr| &gr.entries)
                    .filter(|e| e.severity == s)
                    .count();
                let _ = writeln!(out, "### {} ({n})\n", severity_word(s, g.lang));
            }
        }
        let _ = writeln!(out, "#### {}\n", group_title(g, group));
        for e in &group.entries {
            gap_entry(g, e, &mut out);
        }
        out.push('\n');
    }

    coverage(g, &mut out);
    entities(g, &mut out);
    gates(g, &mut out);
    waivers(g, &mut out);
    tree(g, &mut out);

    let _ = writeln!(
        out,
        "## {}\n",
        t("Appendix: every finding", "付録: すべての指摘")
    );
    if g.findings.is_empty() {
        let _ = writeln!(out, "{}\n", t("No findings.", "指摘はありません。"));
    } else {
        let rows: Vec<Vec<String>> = g
            .findings
            .iter()
            .map(|f| {
                vec![
                    severity_word(f.severity, g.lang).to_owned(),
                    format!("{} {}", f.code, f.slug),
                    cell(&f.nodes.join(", ")),
                    cell(&f.message),
                    cell(&f.location),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                t("severity", "重大度"),
                t("code", "コード"),
                t("nodes", "対象"),
                t("message", "内容"),
                t("location", "場所"),
            ],
            &rows,
            &format!("{} {}", rows.len(), t("findings", "件の指摘")),
        );
    }
    out
}

fn header(g: &Gap, out: &mut String) {
    let h = &g.header;
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = writeln!(
        out,
        "# {} — {}\n",
        text(&h.title),
        t("gap report", "乖離レポート")
    );
    let mut facts: Vec<String> = Vec::new();
    if let Some(id) = &h.plan_id {
        facts.push(format!("{}: `{}`", t("plan", "計画"), text(id)));
    }
    for (k, v) in &h.facts {
        facts.push(format!("{}: {}", text(k), text(v)));
    }
    facts.push(format!("{}: {}", t("report date", "作成日"), h.date));
    facts.push(format!("align {}", h.version));
    facts.push(format!(
        "{}: {}",
        t("rule set", "ルールセット"),
        text(&h.rule_set)
    ));
    for f in &facts {
        let _ = writeln!(out, "- {f}");
    }
    let mut files = h
        .files
        .iter()
        .map(|f| format!("`{}`", text(f)))
        .collect::<Vec<_>>()
        .join(", ");
    if h.more_files > 0 {
        let _ = write!(files, " {} {}", t("and", "ほか"), h.more_files);
    }
    let _ = writeln!(
        out,
        "- {}: {files}\n",
        t("files read", "読み込んだファイル")
    );
}

fn conclusion(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = writeln!(out, "## {}\n", t("Conclusion", "結論"));
    let _ = writeln!(out, "**{}**\n", text(&g.header.summary_line));
    if g.conclusions.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            t(
                "Plan, programs and KPIs line up: no coverage or measurement-scope gap.",
                "計画・事業・KPI は整合しています。対象範囲・測定範囲の乖離はありません。"
            )
        );
        return;
    }
    for c in &g.conclusions {
        let _ = write!(
            out,
            "- **{}** {}",
            severity_word(c.severity, g.lang),
            text(&c.text)
        );
        if let Some(ctx) = &c.context {
            let _ = write!(out, " ({})", text(ctx));
        }
        if !c.details.is_empty() {
            let d: Vec<String> = c.details.iter().map(|d| text(d)).collect();
            let _ = write!(
                out,
                "{}{}",
                g.lang.pick(": ", "。"),
                d.join(g.lang.pick("; ", "。"))
            );
        }
        out.push('\n');
    }
    if g.more_conclusions > 0 {
        let _ = writeln!(
            out,
            "- {} {}",
            g.more_conclusions,
            t("more gaps are listed below.", "件の乖離が以下に続きます。")
        );
    }
    out.push('\n');
}

fn summary(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = writeln!(out, "## {}\n", t("Summary", "概要"));
    for s in &g.sentences {
        let _ = writeln!(out, "- {}", text(s));
    }
    out.push('\n');
    if g.shares.is_empty() {
        return;
    }
    let rows_label = g.rows_label.as_deref().unwrap_or("");
    let mut head: Vec<String> = vec![g.levels.join(" / "), rows_label.to_owned()];
    for m in &g.measures {
        head.push(format!("{} {}", t("with", ""), m.source).trim().to_owned());
    }
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = g
        .shares
        .iter()
        .map(|s| {
            let indent = if s.depth > 0 { "↳ " } else { "" };
            let mut r = vec![
                format!("{indent}{}", node_cell(&s.node)),
                s.counts.iter().map(|c| c.1).max().unwrap_or(0).to_string(),
            ];
            for &(covered, total) in &s.counts {
                r.push(share_text(covered, total));
            }
            r
        })
        .collect();
    table(
        out,
        &head_refs,
        &rows,
        &format!("{} {}", rows.len(), t("groups", "グループ")),
    );
}

fn share_text(covered: usize, total: usize) -> String {
    match percent(covered, total) {
        Some(p) => format!("{covered}/{total} ({p}%)"),
        None => "–".to_owned(),
    }
}

fn node_cell(n: &NodeRef) -> String {
    if n.title.is_empty() {
        format!("`{}`", cell(&n.id))
    } else {
        format!("`{}` {}", cell(&n.id), cell(&n.title))
    }
}

fn group_title<T>(g: &Gap, group: &Group<T>) -> String {
    if group.path.is_empty() {
        return g.lang.pick("Elsewhere", "その他").to_owned();
    }
    group
        .path
        .iter()
        .map(|n| {
            if n.title.is_empty() {
                text(&n.id)
            } else {
                format!("{} {}", text(&n.id), text(&n.title))
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

fn gap_entry(g: &Gap, e: &GapEntry, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = writeln!(
        out,
        "- **{} {} {}** `{}`: {}",
        severity_word(e.severity, g.lang),
        e.code,
        e.slug,
        text(e.nodes.first().map_or("", String::as_str)),
        text(&e.message)
    );
    if let Some(m) = &e.missing {
        let _ = writeln!(out, "  - {}: {}", t("missing", "不足"), text(m));
    }
    for d in &e.details {
        let _ = writeln!(out, "  - {}", text(d));
    }
    for n in &e.notes {
        let _ = writeln!(out, "  - {}", text(n));
    }
    if !e.why.is_empty() {
        let _ = writeln!(
            out,
            "  - {}: {}",
            t("why it matters", "なぜ問題か"),
            text(&e.why)
        );
    }
    let _ = writeln!(out, "  - {}: `{}`", t("where", "場所"), text(&e.location));
    if let Some(h) = &e.help {
        let _ = writeln!(out, "  - {}: {}", t("how to fix", "対処"), text(h));
    }
}

fn coverage(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let Some(rows_label) = &g.rows_label else {
        return;
    };
    let _ = writeln!(
        out,
        "## {}: {}\n",
        t("Coverage", "対応状況"),
        text(rows_label)
    );
    if g.compact {
        let _ = writeln!(
            out,
            "{}\n",
            t(
                "Many rows: gaps are shown in full, covered rows with their counts only.",
                "行数が多いため、乖離は詳細に、対応済みの行は件数のみを示します。"
            )
        );
    }
    let mut head: Vec<String> = vec!["ID".to_owned(), t("title", "名称").to_owned()];
    head.extend(g.measures.iter().map(|m| m.source.clone()));
    head.push(t("status", "状況").to_owned());
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    for group in &g.coverage {
        let _ = writeln!(out, "### {}\n", group_title(g, group));
        let rows: Vec<Vec<String>> = group.entries.iter().map(|r| row(g, r)).collect();
        let gaps = group
            .entries
            .iter()
            .filter(|r| r.status == Status::Gap)
            .count();
        table(
            out,
            &head_refs,
            &rows,
            &format!(
                "{} {}, {} {}",
                rows.len(),
                t("rows", "行"),
                gaps,
                t("gaps", "件の乖離")
            ),
        );
    }
    grid(g, out);
}

fn row(g: &Gap, r: &Row) -> Vec<String> {
    let compact = g.compact && r.status != Status::Gap;
    let mut out = vec![format!("`{}`", cell(&r.node.id))];
    out.push(if compact {
        String::new()
    } else {
        cell(&r.node.title)
    });
    for (links, status) in &r.cells {
        let s = if status.is_none() {
            "–".to_owned()
        } else if compact {
            links.len().to_string()
        } else if links.is_empty() {
            "**—**".to_owned()
        } else {
            links
                .iter()
                .map(|l| match &l.via {
                    Some(v) => format!("{} (↑{})", cell(&l.id), cell(v)),
                    None => cell(&l.id),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(s);
    }
    let word = r.status.word(g.lang);
    out.push(if r.status == Status::Gap {
        format!("**{word}**")
    } else {
        word.to_owned()
    });
    out
}

fn grid(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let level = g.levels.last().cloned().unwrap_or_default();
    let source = g
        .measures
        .first()
        .map(|m| m.source.clone())
        .unwrap_or_default();
    match &g.grid {
        GridView::None => {}
        GridView::TooLarge { rows, cols } => {
            let _ = writeln!(
                out,
                "### {level} × {source}\n\n{}\n",
                g.lang.pick(
                    format!("{rows} × {cols}: too large to draw; see the coverage table."),
                    format!("{rows} × {cols}: 表示するには大きすぎます。対応状況の表を参照してください。"),
                )
            );
        }
        GridView::Shown(grid) => {
            let rows_label = g.rows_label.as_deref().unwrap_or("");
            let note = g.lang.pick(
                format!(
                    "How many {rows_label} of each {level} each {source} is linked to; a {level} with an empty line is served by no {source}."
                ),
                format!(
                    "各{level}の{rows_label}のうち、各{source}が対象とする件数。空の行はどの{source}も対象としない{level}です。"
                ),
            );
            let _ = writeln!(out, "### {level} × {source}\n\n{}\n", text(&note));
            let mut head: Vec<String> = vec![level.clone()];
            head.extend(grid.cols.iter().map(|c| format!("`{}`", cell(&c.id))));
            head.push(t("gaps", "乖離").to_owned());
            let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
            let rows: Vec<Vec<String>> =
                grid.rows
                    .iter()
                    .zip(&grid.cells)
                    .zip(&grid.gaps)
                    .map(|((r, cells), gaps)| {
                        let mut v = vec![node_cell(r)];
                        v.extend(cells.iter().map(|&c| {
                            if c == 0 {
                                String::new()
                            } else {
                                c.to_string()
                            }
                        }));
                        v.push(if *gaps > 0 {
                            format!("**{gaps}**")
                        } else {
                            String::new()
                        });
                        v
                    })
                    .collect();
            table(
                out,
                &head_refs,
                &rows,
                &format!("{} × {}", rows.len(), grid.cols.len()),
            );
        }
    }
}

fn entities(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    for section in &g.entities {
        let _ = writeln!(out, "## {}\n", text(&section.label));
        let rows: Vec<Vec<String>> = section.entries.iter().map(|e| entity_row(g, e)).collect();
        table(
            out,
            &[
                "ID",
                t("title", "名称"),
                t("values", "記載内容"),
                t("referred to by", "参照元"),
                t("figures", "統計"),
            ],
            &rows,
            &format!("{} {}", rows.len(), text(&section.label)),
        );
    }
}

fn entity_row(g: &Gap, e: &Entity) -> Vec<String> {
    let attrs = e
        .attrs
        .iter()
        .map(|(k, v)| format!("{}: {}", cell(k), cell(v)))
        .collect::<Vec<_>>()
        .join("<br>");
    let incoming = e
        .incoming
        .iter()
        .map(|i| {
            let more = if i.more > 0 {
                format!(" +{}", i.more)
            } else {
                String::new()
            };
            format!(
                "{} ({}): {}{more}",
                cell(&i.kind),
                cell(&i.relation),
                cell(&i.ids.join(", "))
            )
        })
        .collect::<Vec<_>>()
        .join("<br>");
    let figures = e.series.as_ref().map_or_else(String::new, |s| {
        let mut parts = Vec::new();
        if let Some(c) = s.mean_annual_change_percent {
            parts.push(format!(
                "{} {}",
                g.lang.pick("mean annual change", "年平均変化率"),
                signed_percent(c)
            ));
        }
        if let Some(c) = s.suggested_target_percent {
            parts.push(format!(
                "{} {}",
                g.lang.pick("suggested target", "目標案"),
                signed_percent(c)
            ));
        }
        parts.join("<br>")
    });
    vec![
        format!("`{}`", cell(&e.node.id)),
        cell(&e.node.title),
        attrs,
        incoming,
        figures,
    ]
}

/// `+10.1%`.
pub fn signed_percent(x: f64) -> String {
    tenths(x).map_or_else(
        || "–".to_owned(),
        |t| format!("{}{}%", if t > 0 { "+" } else { "" }, format_tenths(t)),
    )
}

/// `27.4%`, or `–`.
pub fn rate_text(r: Option<f64>) -> String {
    r.and_then(tenths)
        .map_or_else(|| "–".to_owned(), |t| format!("{}%", format_tenths(t)))
}

fn gates(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let Some(gates) = &g.gates else {
        return;
    };
    let _ = writeln!(out, "## {}\n", t("Stage gates", "ステージゲート"));
    let _ = writeln!(
        out,
        "{}\n",
        t(
            "Themes that moved up a stage since adoption, by stage at adoption (the figures of `align stats`).",
            "採択時のステージ別に、採択後ステージが上がったテーマの割合（`align stats` の値）。"
        )
    );
    let mut rows = gate_rows(g, t("all programs", "全事業"), &gates.overall);
    for p in &gates.programs {
        rows.extend(gate_rows(g, &format!("`{}`", cell(&p.id)), &p.figures));
    }
    table(
        out,
        &[
            t("program", "事業"),
            t("stage at adoption", "採択時ステージ"),
            t("themes", "テーマ数"),
            t("moved up", "ステージアップ"),
            t("rate", "割合"),
        ],
        &rows,
        &format!("{} {}", rows.len(), t("rows", "行")),
    );
}

fn gate_rows(g: &Gap, name: &str, f: &GateFigures) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        name.to_owned(),
        g.lang.pick("all", "全体").to_owned(),
        f.themes.to_string(),
        f.moved_up.to_string(),
        rate_text(f.rate),
    ]];
    for s in &f.by_stage {
        rows.push(vec![
            String::new(),
            s.stage.to_string(),
            s.themes.to_string(),
            s.moved_up.to_string(),
            rate_text(s.rate),
        ]);
    }
    if f.unrecorded.themes > 0 {
        rows.push(vec![
            String::new(),
            g.lang.pick("not recorded", "記録なし").to_owned(),
            f.unrecorded.themes.to_string(),
            f.unrecorded.moved_up.to_string(),
            "–".to_owned(),
        ]);
    }
    rows
}

fn waivers(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = writeln!(out, "## {}\n", t("Waivers", "例外（allow）"));
    if g.waivers.is_empty() {
        let _ = writeln!(out, "{}\n", t("No waivers.", "例外はありません。"));
        return;
    }
    let rows: Vec<Vec<String>> = g
        .waivers
        .iter()
        .map(|w| {
            vec![
                format!("`{}`", cell(&w.node)),
                cell(&w.rule),
                cell(&w.reason),
                w.until.clone(),
                w.status.word(g.lang).to_owned(),
            ]
        })
        .collect();
    table(
        out,
        &[
            t("node", "対象"),
            t("rule", "ルール"),
            t("reason", "理由"),
            t("until", "期限"),
            t("status", "状態"),
        ],
        &rows,
        &format!("{} {}", rows.len(), t("waivers", "件の例外")),
    );
}

fn tree(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    if g.tree.is_empty() {
        return;
    }
    let _ = writeln!(out, "## {}\n", t("Plan structure", "計画の構造"));
    if g.tree_truncated {
        let _ = writeln!(
            out,
            "{}\n",
            t(
                "Many rows: the tree stops above them; each group shows its gaps and rows.",
                "行数が多いため、構造は行の上位までを示します。各グループに乖離数と行数を示します。"
            )
        );
    }
    let _ = writeln!(
        out,
        "<details><summary>{} {}</summary>\n",
        g.tree.len(),
        t("nodes", "ノード")
    );
    for line in &g.tree {
        let indent = "  ".repeat(line.depth.min(MAX_INDENT));
        let mark = match (line.status, line.counts) {
            (Some(Status::Gap), _) => "✗ ".to_owned(),
            (Some(Status::Waived), _) => "○ ".to_owned(),
            (Some(Status::Covered), _) => "✓ ".to_owned(),
            (None, Some((gaps, rows))) if gaps > 0 => format!("({gaps}/{rows} ✗) "),
            (None, Some((_, rows))) => format!("({rows} ✓) "),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "{indent}- {mark}`{}` {}",
            text(&line.node.id),
            text(&line.node.title)
        );
    }
    let _ = writeln!(out, "\n</details>\n");
}

/// A table; more than [`FOLD_ROWS`] rows are folded in `<details>` with `summary`.
fn table(out: &mut String, head: &[&str], rows: &[Vec<String>], summary: &str) {
    let fold = rows.len() > FOLD_ROWS;
    if fold {
        let _ = writeln!(out, "<details><summary>{}</summary>\n", text(summary));
    }
    let _ = writeln!(
        out,
        "| {} |",
        head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    out.push('\n');
    if fold {
        let _ = writeln!(out, "</details>\n");
    }
}
