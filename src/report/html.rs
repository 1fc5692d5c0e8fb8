//! The gap report as one self-contained HTML file: inline CSS and SVG, nothing fetched, readable
//! with JavaScript off, printable on A4. Lays out the sections of [`Gap`]; every piece of text
//! goes through [`esc`] (element content, attribute values and SVG text alike).
//!
//! Markup is kept lean for large plans: optional end tags are left out, class names are short
//! and there are no per-cell styles; long tables are folded in `<details>`.

use super::gap::{
    percent, severity_word, Entity, Gap, GapEntry, GridView, Group, NodeRef, Row, Status,
};
use super::markdown::{rate_text, signed_percent};
use super::stats::{GateFigures, SeriesRow};
use crate::analysis::format_number;
use crate::diag::Severity;
use std::borrow::Cow;
use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values (and SVG text):
/// `& < > " '` become character references; nothing else changes.
pub fn esc(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escaped text with the `` `code` `` spans of messages shown as `<code>`.
pub fn rich(s: &str) -> String {
    let e = esc(s);
    let ticks = e.matches('`').count();
    if ticks < 2 {
        return e.into_owned();
    }
    // Pairs only: an unpaired last backtick stays as it is.
    let pairs = ticks / 2;
    let mut out = String::with_capacity(e.len() + 13 * pairs);
    for (i, part) in e.split('`').enumerate() {
        if i > 0 {
            if i <= 2 * pairs {
                out.push_str(if i % 2 == 1 { "<code>" } else { "</code>" });
            } else {
                out.push('`');
            }
        }
        out.push_str(part);
    }
    out
}

/// From this many gaps on, each is listed in one line.
const MANY_GAPS: usize = 400;

/// Groups of more rows than this start folded.
const FOLD_ROWS: usize = 40;

const CSS: &str = r#"
:root{--e:#b3261e;--w:#8a5a00;--i:#35618f;--ok:#2e7d32;--ln:#d0d4da;--bg:#f6f7f9}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Kaku Gothic ProN","Hiragino Sans","Yu Gothic","YuGothic",Meiryo,sans-serif;margin:0 auto;max-width:1180px;padding:1.2rem 1.5rem 3rem;color:#1d2125;line-height:1.6;font-size:15px}
h1{font-size:1.6rem;margin:.2rem 0 .6rem;line-height:1.3}
h1 small{font-size:.9rem;color:#555;font-weight:normal;margin-left:.5rem}
h2{font-size:1.25rem;border-bottom:2px solid #1d2125;padding-bottom:.2rem;margin:2.2rem 0 .8rem}
h3{font-size:1.02rem;margin:1.4rem 0 .5rem;color:#333}
h4{font-size:.95rem;margin:0 0 .3rem}
h4.gp{margin:1rem 0 .4rem;color:#333}
.cg{font-size:.85rem;margin:.2rem 0;padding-left:1.2rem}.rl dd{margin:0 0 .5rem 1rem;font-size:.88rem}
header dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.4rem 0;font-size:.88rem;color:#444}
dt{font-weight:bold}dd{margin:0}
code,.id{font-family:ui-monospace,"Noto Sans Mono CJK JP",Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
.lead{background:var(--bg);border-left:6px solid var(--e);padding:.8rem 1.2rem;margin:1rem 0}
.lead.ok{border-color:var(--ok)}
.lead h2{border:0;margin:0 0 .4rem}
.lead ul{margin:.3rem 0;padding-left:1.3rem}
.lead li{margin:.35rem 0}
.sum{font-weight:bold;margin:.2rem 0}
.d{color:#444;font-size:.9em}
.s{display:inline-block;font-size:.75rem;font-weight:bold;color:#fff;border-radius:3px;padding:0 .4rem;margin-right:.3rem;vertical-align:1px}
.s.e{background:var(--e)}.s.w{background:var(--w)}.s.i{background:var(--i)}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.3rem 0 1rem}
th,td{border:1px solid var(--ln);padding:.2rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--bg)}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.id,td.nw{white-space:nowrap}
.cv{table-layout:fixed}.cv th:first-child{width:7.5rem}.cv th:nth-child(2){width:38%}.cv th:last-child{width:5.5rem}
tr.x td{background:#fdecea}tr.x td:last-child{color:var(--e);font-weight:bold}
tr.v td:last-child{color:var(--w)}
.sh td{white-space:nowrap}.sh th{overflow-wrap:normal}.sh td:first-child{white-space:normal}.sh .c{padding-left:1.6rem}
.bar{display:inline-block;vertical-align:middle;margin-right:.4rem}
.g{border:1px solid var(--ln);border-left:5px solid var(--w);padding:.5rem .8rem;margin:.5rem 0;break-inside:avoid}
.g.e{border-left-color:var(--e)}
.g p{margin:.2rem 0}
.g dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.3rem 0 0;font-size:.88rem}
.grid td{text-align:center}.grid td:first-child{text-align:left}.grid td.on{background:#dcebdc}.grid td.x{color:var(--e);font-weight:bold}
.grid th.p{writing-mode:vertical-rl;white-space:nowrap;font-weight:normal}
details{margin:.3rem 0}summary{cursor:pointer;font-weight:bold;padding:.15rem 0}
.tree ul{list-style:none;margin:0;padding-left:1.2rem;border-left:1px dotted #bbb}
.tree>ul{border:0;padding-left:0}
.m{font-weight:bold}.m.ok{color:var(--ok)}.m.gap{color:var(--e)}.m.wv{color:var(--w)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:.6rem}
.card{border:1px solid var(--ln);padding:.5rem .7rem;break-inside:avoid}
.card dl{display:grid;grid-template-columns:max-content 1fr;gap:0 .6rem;font-size:.82rem;margin:.2rem 0}
.card h3{margin:0;font-size:.95rem}
svg text{font-family:inherit}
.ch{display:block;margin:.3rem 0}
.note{color:#555;font-size:.88rem}
footer{margin-top:3rem;color:#666;font-size:.8rem}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;padding:0;font-size:10pt}
section{break-before:page}section.lead,header+section{break-before:auto}
details::details-content{content-visibility:visible;display:contents}
summary{list-style:none}a{color:inherit;text-decoration:none}
tr,.g,.card{break-inside:avoid}thead{display:table-header-group}}
"#;

/// Opens every `<details>` before printing (JavaScript on; with it off, print CSS shows them).
const SCRIPT: &str = "addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})})";

/// Renders the report as one HTML document.
pub fn render(g: &Gap) -> String {
    let mut out = String::with_capacity(64 * 1024 + g.findings.len() * 400);
    let lang = g.lang.pick("en", "ja");
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang={lang}><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width,initial-scale=1\">\
         <title>{} — {}</title><style>{CSS}</style></head><body>\n",
        esc(&g.header.title),
        t("gap report", "乖離レポート")
    );
    header(g, &mut out);
    conclusion(g, &mut out);
    summary(g, &mut out);
    gaps(g, &mut out);
    coverage(g, &mut out);
    grid(g, &mut out);
    for s in &g.entities {
        let _ = write!(
            out,
            "<section id=\"k{}\"><h2>{}</h2>",
            s.kind,
            esc(&s.label)
        );
        let fold = s.entries.len() > FOLD_ROWS;
        if fold {
            let _ = write!(
                out,
                "<details><summary>{} {}</summary>",
                s.entries.len(),
                esc(&s.label)
            );
        }
        out.push_str("<div class=cards>");
        for e in &s.entries {
            entity(g, e, &mut out);
        }
        out.push_str("</div>");
        if fold {
            out.push_str("</details>");
        }
        out.push_str("</section>\n");
    }
    gates(g, &mut out);
    waivers(g, &mut out);
    tree(g, &mut out);
    appendix(g, &mut out);
    let _ = writeln!(
        out,
        "<footer>align {} · {} {}</footer><script>{SCRIPT}</script></body></html>",
        g.header.version,
        t("rule set", "ルールセット"),
        esc(&g.header.rule_set)
    );
    out
}

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "e",
        Severity::Warning => "w",
        Severity::Info => "i",
    }
}

fn badge(g: &Gap, s: Severity, out: &mut String) {
    let _ = write!(
        out,
        "<span class=\"s {}\">{}</span>",
        sev_class(s),
        severity_word(s, g.lang)
    );
}

fn header(g: &Gap, out: &mut String) {
    let h = &g.header;
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = write!(
        out,
        "<header><h1>{}<small>{}</small></h1><dl>",
        esc(&h.title),
        t("gap report", "乖離レポート")
    );
    if let Some(id) = &h.plan_id {
        let _ = write!(out, "<dt>{}<dd><code>{}</code>", t("plan", "計画"), esc(id));
    }
    for (k, v) in &h.facts {
        let _ = write!(out, "<dt>{}<dd>{}", esc(k), esc(v));
    }
    let _ = write!(
        out,
        "<dt>{}<dd>{}<dt>align<dd>{}<dt>{}<dd>{}<dt>{}<dd>",
        t("report date", "作成日"),
        esc(&h.date),
        h.version,
        t("rule set", "ルールセット"),
        esc(&h.rule_set),
        t("files read", "読み込んだファイル")
    );
    let files: Vec<String> = h
        .files
        .iter()
        .map(|f| format!("<code>{}</code>", esc(f)))
        .collect();
    out.push_str(&files.join(", "));
    if h.more_files > 0 {
        let _ = write!(out, " {} {}", t("and", "ほか"), h.more_files);
    }
    out.push_str("</dl></header>\n");
}

fn conclusion(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let ok = g.conclusions.is_empty();
    let _ = write!(
        out,
        "<section class=\"lead{}\" id=conclusion><h2>{}</h2><p class=sum>{}</p>",
        if ok { " ok" } else { "" },
        t("Conclusion", "結論"),
        esc(&g.header.summary_line)
    );
    if ok {
        let _ = write!(
            out,
            "<p>{}</p>",
            t(
                "Plan, programs and KPIs line up: no coverage or measurement-scope gap.",
                "計画・事業・KPI は整合しています。対象範囲・測定範囲の乖離はありません。"
            )
        );
    } else {
        out.push_str("<ul>");
        for c in &g.conclusions {
            let _ = write!(out, "<li data-node=\"{}\">", esc(&c.node));
            badge(g, c.severity, out);
            let _ = write!(out, "{}", rich(&c.text));
            if let Some(ctx) = &c.context {
                let _ = write!(out, " <span class=d>({})</span>", esc(ctx));
            }
            for d in &c.details {
                let _ = write!(out, "<br><span class=d>{}</span>", rich(d));
            }
        }
        if g.more_conclusions > 0 {
            let _ = write!(
                out,
                "<li>{} {}",
                g.more_conclusions,
                t(
                    "more gaps are listed under “Gaps”.",
                    "件の乖離を「乖離」の節に示します。"
                )
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>\n");
}

/// A horizontal bar of `p` percent, 120 px wide.
fn bar(p: u64, out: &mut String) {
    let w = p.min(100) * 120 / 100;
    let _ = write!(
        out,
        "<svg class=bar width=120 height=10 role=img aria-label=\"{p}%\"><rect width=120 height=10 fill=\"#e3e6ea\"/><rect width={w} height=10 fill=\"#2e7d32\"/></svg>"
    );
}

fn summary(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = write!(
        out,
        "<section id=summary><h2>{}</h2><ul>",
        t("Summary", "概要")
    );
    for s in &g.sentences {
        let _ = write!(out, "<li>{}", rich(s));
    }
    out.push_str("</ul>");
    if !g.shares.is_empty() {
        let _ = write!(
            out,
            "<p class=note>{}</p>",
            esc(&g.lang.pick(
                format!(
                    "Share of each group's {} declarations that are covered, per rule.",
                    g.rows_label.as_deref().unwrap_or("")
                ),
                format!(
                    "グループごとの{}のうち、対応済みの割合。",
                    g.rows_label.as_deref().unwrap_or("")
                ),
            ))
        );
        let fold = g.shares.len() > FOLD_ROWS;
        if fold {
            let _ = write!(
                out,
                "<details><summary>{} {}</summary>",
                g.shares.len(),
                t("groups", "グループ")
            );
        }
        let _ = write!(
            out,
            "<table class=sh><thead><tr><th>{}<th>{}",
            esc(&g.levels.join(" / ")),
            esc(g.rows_label.as_deref().unwrap_or(""))
        );
        for m in &g.measures {
            let _ = write!(out, "<th>{} ({})", esc(&m.source), esc(&m.code));
        }
        out.push_str("</thead>");
        for s in &g.shares {
            let _ = write!(
                out,
                "<tr><td{}>{}<td class=n>{}",
                if s.depth > 0 { " class=c" } else { "" },
                node_inline(&s.node),
                s.counts.iter().map(|c| c.1).max().unwrap_or(0)
            );
            for &(covered, total) in &s.counts {
                out.push_str("<td>");
                if let Some(p) = percent(covered, total) {
                    bar(p, out);
                    let _ = write!(out, "{covered}/{total} ({p}%)");
                } else {
                    out.push('–');
                }
            }
        }
        out.push_str("</table>");
        if fold {
            out.push_str("</details>");
        }
    }
    out.push_str("</section>\n");
}

fn node_inline(n: &NodeRef) -> String {
    if n.title.is_empty() {
        format!("<code>{}</code>", esc(&n.id))
    } else {
        format!("<code>{}</code> {}", esc(&n.id), esc(&n.title))
    }
}

fn group_title<T>(g: &Gap, group: &Group<T>) -> String {
    if group.path.is_empty() {
        return g.lang.pick("Elsewhere", "その他").to_owned();
    }
    group
        .path
        .iter()
        .map(node_inline)
        .collect::<Vec<_>>()
        .join(" → ")
}

fn gaps(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = write!(
        out,
        "<section id=gaps><h2>{}</h2>",
        t("Gaps", "乖離（エラー・警告）")
    );
    if g.gaps.is_empty() {
        let _ = write!(
            out,
            "<p>{}</p>",
            t("No errors or warnings.", "エラー・警告はありません。")
        );
    }
    let many = many_gaps(g);
    if many {
        rule_legend(g, out);
    }
    let mut n = 0usize;
    let mut severity = None;
    for group in &g.gaps {
        let first = group.entries.first().map(|e| e.severity);
        if first != severity {
            severity = first;
            if let Some(s) = first {
                let count: usize = g
                    .gaps
                    .iter()
                    .flat_map(|gr| &gr.entries)
                    .filter(|e| e.severity == s)
                    .count();
                let _ = write!(out, "<h3>{} ({count})</h3>", severity_word(s, g.lang));
            }
        }
        let _ = write!(out, "<h4 class=gp>{}</h4>", group_title(g, group));
        if many {
            out.push_str("<ul class=cg>");
        }
        for e in &group.entries {
            n += 1;
            if many {
                let node = e.nodes.first().map_or("", String::as_str);
                let _ = writeln!(
                    out,
                    "<li data-node=\"{}\">{} · {} · <code>{}</code>",
                    esc(node),
                    esc(&e.nodes.join(" · ")),
                    esc(&e.code),
                    esc(&e.location)
                );
            } else {
                gap_entry(g, e, n, out);
            }
        }
        if many {
            out.push_str("</ul>");
        }
    }
    out.push_str("</section>\n");
}

/// Gaps are many: each is listed in one line, and each rule's why and a fix are said once.
fn many_gaps(g: &Gap) -> bool {
    g.compact || g.gaps.iter().map(|gr| gr.entries.len()).sum::<usize>() > MANY_GAPS
}

/// Per rule with gaps: its count, why it matters and the fix of its first gap.
fn rule_legend(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = write!(
        out,
        "<p class=note>{}</p><dl class=rl>",
        t(
            "Many gaps: each is listed in one line with its location (the coverage table shows the items in full); why each rule matters and how to fix its first gap are said once here.",
            "乖離が多いため、各乖離は場所とともに1行で示します（取り組むべき事項は対応状況の表に詳しく示します）。ルールごとの理由と、最初の乖離の対処をここに一度だけ示します。"
        )
    );
    let mut seen: Vec<&str> = Vec::new();
    for e in g.gaps.iter().flat_map(|gr| &gr.entries) {
        if seen.contains(&e.code.as_str()) {
            continue;
        }
        seen.push(&e.code);
        let count = g
            .gaps
            .iter()
            .flat_map(|gr| &gr.entries)
            .filter(|x| x.code == e.code)
            .count();
        let _ = write!(
            out,
            "<dt>{} {} ({count})<dd>{}",
            esc(&e.code),
            esc(&e.slug),
            rich(&e.why)
        );
        if let Some(h) = &e.help {
            let _ = write!(out, "<br>{}: {}", t("e.g.", "対処の例"), rich(h));
        }
    }
    out.push_str("</dl>");
}

fn gap_entry(g: &Gap, e: &GapEntry, n: usize, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let node = e.nodes.first().map_or("", String::as_str);
    let _ = write!(
        out,
        "<article class=\"g {}\" id=\"gap-{n}\" data-node=\"{}\"><h4>",
        sev_class(e.severity),
        esc(node)
    );
    badge(g, e.severity, out);
    let _ = write!(
        out,
        "<code>{}</code> {} · <a href=\"#r-{}\">{}</a></h4><p>{}</p><dl>",
        esc(&e.code),
        esc(&e.slug),
        esc(node),
        esc(node),
        rich(&e.message)
    );
    if let Some(m) = &e.missing {
        let _ = write!(out, "<dt>{}<dd>{}", t("missing", "不足"), rich(m));
    }
    if !e.details.is_empty() || !e.notes.is_empty() {
        let _ = write!(out, "<dt>{}<dd>", t("details", "詳細"));
        let parts: Vec<String> = e.details.iter().chain(&e.notes).map(|d| rich(d)).collect();
        out.push_str(&parts.join("<br>"));
    }
    if !e.why.is_empty() {
        let _ = write!(
            out,
            "<dt>{}<dd>{}",
            t("why it matters", "なぜ問題か"),
            esc(&e.why)
        );
    }
    let _ = write!(
        out,
        "<dt>{}<dd><code>{}</code>",
        t("where", "場所"),
        esc(&e.location)
    );
    if let Some(h) = &e.help {
        let _ = write!(out, "<dt>{}<dd>{}", t("how to fix", "対処"), rich(h));
    }
    out.push_str("</dl></article>\n");
}

fn coverage(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let Some(rows_label) = &g.rows_label else {
        return;
    };
    let _ = write!(
        out,
        "<section id=coverage><h2>{}: {}</h2>",
        t("Coverage", "対応状況"),
        esc(rows_label)
    );
    if g.compact {
        let _ = write!(
            out,
            "<p class=note>{}</p>",
            t(
                "Many rows: gaps are shown in full, covered rows with their counts only.",
                "行数が多いため、乖離は詳細に、対応済みの行は件数のみを示します。"
            )
        );
    }
    let mut head = format!("<thead><tr><th>ID<th>{}", t("title", "名称"));
    for m in &g.measures {
        let _ = write!(head, "<th>{}", esc(&m.source));
    }
    let _ = write!(head, "<th>{}</thead>", t("status", "状況"));
    for group in &g.coverage {
        let gaps = group
            .entries
            .iter()
            .filter(|r| r.status == Status::Gap)
            .count();
        let _ = write!(
            out,
            "<details{}><summary>{} <span class=note>({} {}, {} {})</span></summary><table class=cv>{head}",
            if group.entries.len() > FOLD_ROWS && gaps == 0 { "" } else { " open" },
            group_title(g, group),
            group.entries.len(),
            t("rows", "行"),
            gaps,
            t("gaps", "件の乖離")
        );
        for r in &group.entries {
            row(g, r, out);
        }
        out.push_str("</table></details>\n");
    }
    out.push_str("</section>\n");
}

fn row(g: &Gap, r: &Row, out: &mut String) {
    let compact = g.compact && r.status != Status::Gap;
    let class = match r.status {
        Status::Gap => " class=x",
        Status::Waived => " class=v",
        Status::Covered => "",
    };
    let _ = write!(
        out,
        "<tr id=\"r-{}\"{class}><td class=id>{}<td>{}",
        esc(&r.node.id),
        esc(&r.node.id),
        if compact {
            Cow::Borrowed("")
        } else {
            esc(&r.node.title)
        }
    );
    for (links, status) in &r.cells {
        out.push_str("<td>");
        if status.is_none() {
            out.push('–');
        } else if compact || (g.compact && *status != Some(Status::Gap)) {
            // Many rows: a cell that is no gap shows how many, a gap cell what is there.
            let _ = write!(out, "{}", links.len());
        } else if links.is_empty() {
            out.push('—');
        } else {
            for (i, l) in links.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "<a href=\"#e-{}\">{}</a>", esc(&l.id), esc(&l.id));
                if let Some(v) = &l.via {
                    let _ = write!(out, " (↑{})", esc(v));
                }
            }
        }
    }
    let _ = writeln!(out, "<td>{}", r.status.word(g.lang));
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
                "<section id=grid><h2>{} × {}</h2><p class=note>{}</p></section>",
                esc(&level),
                esc(&source),
                esc(&g.lang.pick(
                    format!("{rows} × {cols}: too large to draw; see the coverage table."),
                    format!("{rows} × {cols}: 表示するには大きすぎます。対応状況の表を参照してください。"),
                ))
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
            let _ = write!(
                out,
                "<section id=grid><h2>{} × {}</h2><p class=note>{}</p><table class=grid><thead><tr><th>{}",
                esc(&level),
                esc(&source),
                esc(&note),
                esc(&level)
            );
            for c in &grid.cols {
                let _ = write!(
                    out,
                    "<th class=p title=\"{}\"><a href=\"#e-{}\">{}</a>",
                    esc(&c.title),
                    esc(&c.id),
                    esc(&c.id)
                );
            }
            let _ = write!(out, "<th>{}</thead>", t("gaps", "乖離"));
            for ((r, cells), gaps) in grid.rows.iter().zip(&grid.cells).zip(&grid.gaps) {
                let _ = write!(out, "<tr><td>{}", node_inline(r));
                for &c in cells {
                    if c == 0 {
                        out.push_str("<td>");
                    } else {
                        let _ = write!(out, "<td class=on>{c}");
                    }
                }
                if *gaps > 0 {
                    let _ = write!(out, "<td class=x>{gaps}");
                } else {
                    out.push_str("<td>");
                }
                out.push('\n');
            }
            out.push_str("</table></section>\n");
        }
    }
}

fn entity(g: &Gap, e: &Entity, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = write!(
        out,
        "<div class=card id=\"e-{}\"><h3><code>{}</code> {}</h3>",
        esc(&e.node.id),
        esc(&e.node.id),
        esc(&e.node.title)
    );
    if let Some(s) = &e.series {
        line_chart(g, s, out);
    }
    out.push_str("<dl>");
    for (k, v) in &e.attrs {
        let _ = write!(out, "<dt>{}<dd>{}", esc(k), esc(v));
    }
    for i in &e.incoming {
        let _ = write!(out, "<dt>{} ← {}<dd>", esc(&i.kind), esc(&i.relation));
        for (n, id) in i.ids.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "<code>{}</code>", esc(id));
        }
        if i.more > 0 {
            let _ = write!(out, " +{}", i.more);
        }
    }
    if let Some(s) = &e.series {
        if let Some(c) = s.mean_annual_change_percent {
            let _ = write!(
                out,
                "<dt>{}<dd>{}",
                t("mean annual change", "年平均変化率"),
                signed_percent(c)
            );
        }
        if let Some(c) = s.suggested_target_percent {
            let _ = write!(
                out,
                "<dt>{}<dd>{}",
                t("suggested target", "目標案（相対）"),
                signed_percent(c)
            );
        }
    }
    if e.findings > 0 {
        let _ = write!(out, "<dt>{}<dd>{}", t("findings", "指摘"), e.findings);
    }
    out.push_str("</dl></div>\n");
}

/// A small line chart of a series: 220 × 64, first and last values labelled.
fn line_chart(g: &Gap, s: &SeriesRow, out: &mut String) {
    let vals: Vec<f64> = s.values.iter().map(|v| v.value).collect();
    if vals.len() < 2 {
        return;
    }
    let (min, max) = vals
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let span = if (max - min).abs() < f64::EPSILON {
        1.0
    } else {
        max - min
    };
    let (width, height, pad) = (220.0, 64.0, 14.0);
    #[allow(clippy::cast_precision_loss)] // a handful of points
    let step = (width - 2.0 * pad) / (vals.len() - 1) as f64;
    let pts: Vec<String> = vals
        .iter()
        .enumerate()
        .map(|(i, v)| {
            #[allow(clippy::cast_precision_loss)]
            let px = pad + step * i as f64;
            let py = height - pad - (v - min) / span * (height - 2.0 * pad);
            format!("{px:.0},{py:.0}")
        })
        .collect();
    let first = &s.values[0];
    let last = &s.values[s.values.len() - 1];
    let label = format!(
        "{} {}: {} {} → {} {}",
        s.id,
        g.lang.pick("series", "推移"),
        first.label,
        format_number(first.value),
        last.label,
        format_number(last.value)
    );
    let _ = write!(
        out,
        "<svg class=ch width=220 height=64 viewBox=\"0 0 220 64\" role=img aria-label=\"{}\"><title>{}</title>\
         <polyline fill=none stroke=\"#35618f\" stroke-width=2 points=\"{}\"/>",
        esc(&label),
        esc(&label),
        pts.join(" ")
    );
    for p in &pts {
        let _ = write!(
            out,
            "<circle r=2.5 fill=\"#35618f\" cx={} cy={}/>",
            xy(p).0,
            xy(p).1
        );
    }
    let _ = write!(
        out,
        "<text x=2 y=62 font-size=9>{}</text><text x=218 y=62 font-size=9 text-anchor=end>{}</text>\
         <text x=2 y=9 font-size=9>{}</text><text x=218 y=9 font-size=9 text-anchor=end>{}</text></svg>",
        esc(&first.label),
        esc(&last.label),
        esc(&format_number(first.value)),
        esc(&format_number(last.value))
    );
}

fn xy(p: &str) -> (&str, &str) {
    p.split_once(',').unwrap_or((p, p))
}

fn gates(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let Some(gates) = &g.gates else {
        return;
    };
    let _ = write!(
        out,
        "<section id=gates><h2>{}</h2><p class=note>{}</p>",
        t("Stage gates", "ステージゲート"),
        t(
            "Themes that moved up a stage since adoption, by stage at adoption (the figures of align stats).",
            "採択時のステージ別に、採択後ステージが上がったテーマの割合（align stats の値）。"
        )
    );
    bar_chart(g, &gates.overall, out);
    let _ = write!(
        out,
        "<table><thead><tr><th>{}<th>{}<th>{}<th>{}<th>{}</thead>",
        t("program", "事業"),
        t("stage at adoption", "採択時ステージ"),
        t("themes", "テーマ数"),
        t("moved up", "ステージアップ"),
        t("rate", "割合")
    );
    gate_rows(g, t("all programs", "全事業"), &gates.overall, out);
    let per_stage = gates.programs.len() <= FOLD_ROWS;
    for p in &gates.programs {
        let name = format!("<a href=\"#e-{}\">{}</a>", esc(&p.id), esc(&p.id));
        if per_stage {
            gate_rows(g, &name, &p.figures, out);
        } else {
            let _ = write!(
                out,
                "<tr><td>{name}<td>{}<td class=n>{}<td class=n>{}<td class=n>{}",
                g.lang.pick("all", "全体"),
                p.figures.themes,
                p.figures.moved_up,
                rate_text(p.figures.rate)
            );
        }
    }
    out.push_str("</table></section>\n");
}

/// `name` is markup (already escaped).
fn gate_rows(g: &Gap, name: &str, f: &GateFigures, out: &mut String) {
    let _ = write!(
        out,
        "<tr><td><strong>{name}</strong><td>{}<td class=n>{}<td class=n>{}<td class=n><strong>{}</strong>",
        g.lang.pick("all", "全体"),
        f.themes,
        f.moved_up,
        rate_text(f.rate)
    );
    for s in &f.by_stage {
        let _ = write!(
            out,
            "<tr><td><td>{}<td class=n>{}<td class=n>{}<td class=n>{}",
            s.stage,
            s.themes,
            s.moved_up,
            rate_text(s.rate)
        );
    }
    if f.unrecorded.themes > 0 {
        let _ = write!(
            out,
            "<tr><td><td>{}<td class=n>{}<td class=n>{}<td class=n>–",
            g.lang.pick("not recorded", "記録なし"),
            f.unrecorded.themes,
            f.unrecorded.moved_up
        );
    }
}

/// Vertical bars of the stage-up rate: overall, then each stage at adoption.
fn bar_chart(g: &Gap, f: &GateFigures, out: &mut String) {
    let mut bars: Vec<(String, Option<f64>, u64)> =
        vec![(g.lang.pick("all", "全体").to_owned(), f.rate, f.themes)];
    bars.extend(f.by_stage.iter().map(|s| {
        (
            format!("{} {}", g.lang.pick("stage", "ステージ"), s.stage),
            s.rate,
            s.themes,
        )
    }));
    let max = bars
        .iter()
        .filter_map(|b| b.1)
        .fold(10.0_f64, f64::max)
        .min(100.0);
    let (bw, gap, height, top, bottom) = (64.0, 28.0, 200.0, 22.0, 40.0);
    #[allow(clippy::cast_precision_loss)]
    let width = 48.0 + bars.len() as f64 * (bw + gap);
    let plot = height - top - bottom;
    let title = g.lang.pick(
        "Stage-up rate by stage at adoption",
        "採択時ステージ別のステージアップ率",
    );
    let _ = write!(
        out,
        "<svg class=ch id=gate-chart width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=img aria-label=\"{title}\"><title>{title}</title>\
         <line x1=40 x2=\"{width:.0}\" y1=\"{:.0}\" y2=\"{:.0}\" stroke=\"#888\"/>",
        height - bottom,
        height - bottom
    );
    for (i, (label, rate, themes)) in bars.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let left = 48.0 + i as f64 * (bw + gap);
        let bh = rate.unwrap_or(0.0) / max * plot;
        let top_y = height - bottom - bh;
        let fill = if i == 0 { "#1d2125" } else { "#35618f" };
        let _ = write!(
            out,
            "<rect x=\"{left:.0}\" y=\"{top_y:.1}\" width=\"{bw:.0}\" height=\"{bh:.1}\" fill=\"{fill}\"/>\
             <text x=\"{:.0}\" y=\"{:.0}\" font-size=12 text-anchor=middle font-weight=bold>{}</text>\
             <text x=\"{:.0}\" y=\"{:.0}\" font-size=11 text-anchor=middle>{}</text>\
             <text x=\"{:.0}\" y=\"{:.0}\" font-size=10 text-anchor=middle fill=\"#666\">n={themes}</text>",
            left + bw / 2.0,
            top_y - 5.0,
            esc(&rate_text(*rate)),
            left + bw / 2.0,
            height - bottom + 15.0,
            esc(label),
            left + bw / 2.0,
            height - bottom + 30.0,
        );
    }
    out.push_str("</svg>");
}

fn waivers(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = write!(
        out,
        "<section id=waivers><h2>{}</h2>",
        t("Waivers", "例外（allow）")
    );
    if g.waivers.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}</p></section>",
            t("No waivers.", "例外はありません。")
        );
        return;
    }
    let _ = write!(
        out,
        "<table><thead><tr><th>{}<th>{}<th>{}<th>{}<th>{}</thead>",
        t("node", "対象"),
        t("rule", "ルール"),
        t("reason", "理由"),
        t("until", "期限"),
        t("status", "状態")
    );
    for w in &g.waivers {
        let class = match w.status {
            super::gap::WaiverStatus::Active => "",
            _ => " class=x",
        };
        let _ = write!(
            out,
            "<tr{class}><td class=id>{}<td>{}<td>{}<td class=nw>{}<td class=nw>{}",
            esc(&w.node),
            esc(&w.rule),
            esc(&w.reason),
            esc(&w.until),
            w.status.word(g.lang)
        );
    }
    out.push_str("</table></section>\n");
}

fn tree(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    if g.tree.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<section id=tree><h2>{}</h2>",
        t("Plan structure", "計画の構造")
    );
    if g.tree_truncated {
        let _ = write!(
            out,
            "<p class=note>{}</p>",
            t(
                "Many rows: the tree stops above them; each group shows its gaps and rows.",
                "行数が多いため、構造は行の上位までを示します。各グループに乖離数と行数を示します。"
            )
        );
    }
    let _ = write!(
        out,
        "<details class=tree><summary>{} {}</summary><ul>",
        g.tree.len(),
        t("nodes", "ノード")
    );
    let mut depth = 0usize;
    for (i, line) in g.tree.iter().enumerate() {
        if i > 0 {
            if line.depth > depth {
                for _ in depth..line.depth {
                    out.push_str("<ul>");
                }
            } else {
                for _ in line.depth..depth {
                    out.push_str("</ul>");
                }
            }
        }
        depth = line.depth;
        out.push_str("<li>");
        match (line.status, line.counts) {
            (Some(s), _) => {
                let mark = match s {
                    Status::Covered => "✓",
                    Status::Gap => "✗",
                    Status::Waived => "○",
                };
                let _ = write!(
                    out,
                    "<span class=\"m {}\" title=\"{}\">{mark}</span> ",
                    s.class(),
                    s.word(g.lang)
                );
            }
            (None, Some((gaps, rows))) => {
                let class = if gaps > 0 { "gap" } else { "ok" };
                let _ = write!(out, "<span class=\"m {class}\">{gaps}/{rows}</span> ");
            }
            (None, None) => {}
        }
        out.push_str(&node_inline(&line.node));
        out.push('\n');
    }
    for _ in 0..=depth {
        out.push_str("</ul>");
    }
    out.push_str("</details></section>\n");
}

fn appendix(g: &Gap, out: &mut String) {
    let t = |en: &'static str, ja: &'static str| g.lang.pick(en, ja);
    let _ = write!(
        out,
        "<section id=appendix><h2>{}</h2>",
        t("Appendix: every finding", "付録: すべての指摘")
    );
    if g.findings.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}</p></section>",
            t("No findings.", "指摘はありません。")
        );
        return;
    }
    if many_gaps(g) {
        let _ = write!(
            out,
            "<p class=note>{}</p>",
            t(
                "Many findings: errors and warnings are listed under “Gaps” with their locations; the others follow.",
                "指摘が多いため、エラー・警告は「乖離」の節に場所とともに示し、ここにはそれ以外を示します。"
            )
        );
    }
    let _ = write!(
        out,
        "<details{}><summary>{} {}</summary><table><thead><tr><th>{}<th>{}<th>{}<th>{}<th>{}</thead>",
        if g.findings.len() > FOLD_ROWS { "" } else { " open" },
        g.findings.len(),
        t("findings", "件の指摘"),
        t("severity", "重大度"),
        t("code", "コード"),
        t("nodes", "対象"),
        t("message", "内容"),
        t("location", "場所")
    );
    let many = many_gaps(g);
    for f in &g.findings {
        if many && f.severity >= Severity::Warning {
            // Listed under "Gaps" with its location already.
            continue;
        }
        if many {
            let _ = writeln!(
                out,
                "<tr><td>{}<td>{}<td class=id>{}<td><td class=id>{}",
                severity_word(f.severity, g.lang),
                esc(&f.code),
                esc(&f.nodes.join(", ")),
                esc(&f.location)
            );
            continue;
        }
        let _ = writeln!(
            out,
            "<tr><td>{}<td>{} {}<td class=id>{}<td>{}<td class=id>{}",
            severity_word(f.severity, g.lang),
            esc(&f.code),
            esc(&f.slug),
            esc(&f.nodes.join(", ")),
            esc(&f.message),
            esc(&f.location)
        );
    }
    out.push_str("</table></details></section>\n");
}
