//! Markdown output of `align diff`, for a pull-request comment: a heading, a summary line,
//! then tables. What a reviewer acts on (coverage, new findings, suspect links) is open; the
//! long parts (key-by-key changes, links, and any table of more than [`OPEN_ROWS`] rows) are
//! folded in `<details>`. Spec text is escaped so it cannot break a table or inject markup.

use super::human::{coverage_phrase, summary_line, t};
use super::{CoverageKind, DeclRef, Diff, FindingRef, Link};
use crate::diag::Lang;
use std::fmt::Write;

/// Tables longer than this are folded.
pub const OPEN_ROWS: usize = 10;
/// Longest spec text shown in a cell, in characters.
const MAX_CELL: usize = 200;

/// Text safe in a table cell: no raw HTML, no pipe, no newline, no Markdown emphasis or
/// links, control characters escaped, clipped.
pub fn cell(s: &str) -> String {
    // Line breaks become spaces first: a table row is one line (the sanitiser would show them
    // as `\u{a}`).
    let s = s.replace(['\n', '\r', '\t'], " ");
    let s = crate::base::sanitize::for_terminal(&s, MAX_CELL);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// An ID or key in code style (IDs are `[A-Za-z0-9_.-]`; anything else is escaped as text).
fn code(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        format!("`{s}`")
    } else {
        cell(s)
    }
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
}

/// A titled table: a `####` heading when short, folded in `<details>` when long or `fold`.
fn section(out: &mut String, title: &str, header: &[&str], rows: &[Vec<String>], fold: bool) {
    if rows.is_empty() {
        return;
    }
    if fold || rows.len() > OPEN_ROWS {
        let _ = writeln!(out, "\n<details><summary>{title}</summary>\n");
        table(out, header, rows);
        let _ = writeln!(out, "\n</details>");
    } else {
        let _ = writeln!(out, "\n#### {title}\n");
        table(out, header, rows);
    }
}

fn where_(d: &DeclRef) -> String {
    format!("{}:{}", cell(&d.at.file), d.at.line)
}

fn title(d: &DeclRef) -> String {
    d.title.as_deref().map(cell).unwrap_or_default()
}

fn finding_rows(list: &[FindingRef], lang: Lang) -> Vec<Vec<String>> {
    list.iter()
        .map(|f| {
            vec![
                f.severity.as_str().to_owned(),
                format!("{} {}", code(&f.code), cell(&f.slug)),
                format!("{}:{}", cell(&f.at.file), f.at.line),
                cell(f.message.get(lang)),
            ]
        })
        .collect()
}

fn link_rows<'a>(list: &'a [Link], sign: &'static str) -> impl Iterator<Item = Vec<String>> + 'a {
    list.iter().map(move |l| {
        vec![
            sign.to_owned(),
            code(&l.relation),
            code(&l.from),
            code(&l.to),
        ]
    })
}

/// The Markdown rendering.
#[expect(
    clippy::too_many_lines,
    reason = "one section per part of the diff, in document order"
)]
pub fn render(diff: &Diff, lang: Lang) -> String {
    let side = |s: &super::SideInfo| match &s.commit {
        Some(c) => format!("`{}` ({})", cell(&s.label), c.get(..12).unwrap_or(c)),
        None => format!("`{}`", cell(&s.label)),
    };
    let mut out = format!(
        "### align diff: {} → {}\n\n**{}**\n",
        side(&diff.old),
        side(&diff.new),
        cell(&summary_line(diff, lang))
    );
    let tr = |en, ja| t(lang, en, ja);

    let cov_rows: Vec<Vec<String>> = diff
        .coverage
        .iter()
        .map(|c| {
            let mark = match c.change {
                CoverageKind::Gained => "✅",
                CoverageKind::Lost | CoverageKind::NewUncovered => "❌",
            };
            vec![
                format!(
                    "{mark} {}",
                    coverage_phrase(c.change, c.source_label.get(lang), lang)
                ),
                cell(c.decl.kind_label.get(lang)),
                code(&c.decl.id),
                title(&c.decl),
                format!("{} {}", code(&c.code), cell(&c.slug)),
            ]
        })
        .collect();
    section(
        &mut out,
        tr("Coverage", "カバー"),
        &[
            tr("change", "変化"),
            tr("kind", "種類"),
            "ID",
            tr("title", "名称"),
            tr("rule", "ルール"),
        ],
        &cov_rows,
        false,
    );
    let finding_header = [
        tr("severity", "重大度"),
        tr("code", "コード"),
        tr("where", "場所"),
        tr("message", "内容"),
    ];
    section(
        &mut out,
        &format!(
            "{} ({})",
            tr("New findings", "新しい指摘"),
            diff.findings_new.len()
        ),
        &finding_header,
        &finding_rows(&diff.findings_new, lang),
        false,
    );
    section(
        &mut out,
        &format!(
            "{} ({})",
            tr("Resolved findings", "解消した指摘"),
            diff.findings_resolved.len()
        ),
        &finding_header,
        &finding_rows(&diff.findings_resolved, lang),
        false,
    );
    let suspect_rows: Vec<Vec<String>> = diff
        .suspects
        .iter()
        .map(|s| {
            let changes: Vec<String> = s
                .changes
                .iter()
                .map(|c| {
                    let (old, new) = super::human::change_text(c, lang, MAX_CELL);
                    format!("{}: {} → {}", code(&c.key), cell(&old), cell(&new))
                })
                .collect();
            vec![
                format!("{} {}", cell(s.from_label.get(lang)), code(&s.link.from)),
                code(&s.link.relation),
                format!("{} {}", code(&s.target.id), title(&s.target)),
                changes.join("<br>"),
            ]
        })
        .collect();
    section(
        &mut out,
        &format!(
            "{} ({})",
            tr(
                "Suspect links: the text they were made for changed",
                "要確認リンク: リンク先の文言が変わった"
            ),
            diff.suspects.len()
        ),
        &[
            tr("from", "リンク元"),
            tr("relation", "関係"),
            tr("to", "リンク先"),
            tr("what changed", "変化"),
        ],
        &suspect_rows,
        false,
    );

    let mut decl_rows: Vec<Vec<String>> = Vec::new();
    for d in &diff.added {
        decl_rows.push(vec![
            tr("➕ added", "➕ 追加").to_owned(),
            cell(d.kind_label.get(lang)),
            code(&d.id),
            title(d),
            where_(d),
        ]);
    }
    for d in &diff.removed {
        decl_rows.push(vec![
            tr("➖ removed", "➖ 削除").to_owned(),
            cell(d.kind_label.get(lang)),
            code(&d.id),
            title(d),
            where_(d),
        ]);
    }
    for r in &diff.renamed {
        decl_rows.push(vec![
            format!("{} ({:.2})", tr("🔀 renamed", "🔀 ID 変更"), r.similarity),
            cell(r.decl.kind_label.get(lang)),
            format!("{} → {}", code(&r.old_id), code(&r.decl.id)),
            title(&r.decl),
            where_(&r.decl),
        ]);
    }
    for m in &diff.moved {
        let list = |v: &[String]| {
            if v.is_empty() {
                tr("(none)", "（なし）").to_owned()
            } else {
                v.iter().map(|x| code(x)).collect::<Vec<_>>().join(", ")
            }
        };
        decl_rows.push(vec![
            format!(
                "↪️ {} {}: {} → {}",
                tr("moved", "移動"),
                code(&m.relation),
                list(&m.old),
                list(&m.new)
            ),
            cell(m.decl.kind_label.get(lang)),
            code(&m.decl.id),
            title(&m.decl),
            where_(&m.decl),
        ]);
    }
    for c in &diff.changed {
        let keys: Vec<String> = c.changes.iter().map(|ch| code(&ch.key)).collect();
        decl_rows.push(vec![
            format!("✏️ {} {}", tr("changed", "変更"), keys.join(", ")),
            cell(c.decl.kind_label.get(lang)),
            code(&c.decl.id),
            title(&c.decl),
            where_(&c.decl),
        ]);
    }
    section(
        &mut out,
        &format!("{} ({})", tr("Declarations", "宣言"), decl_rows.len()),
        &[
            tr("change", "変化"),
            tr("kind", "種類"),
            "ID",
            tr("title", "名称"),
            tr("where", "場所"),
        ],
        &decl_rows,
        false,
    );

    let change_rows: Vec<Vec<String>> = diff
        .changed
        .iter()
        .flat_map(|c| {
            c.changes.iter().map(move |ch| {
                let (old, new) = super::human::change_text(ch, lang, MAX_CELL);
                vec![code(&c.decl.id), code(&ch.key), cell(&old), cell(&new)]
            })
        })
        .collect();
    section(
        &mut out,
        &format!(
            "{} ({})",
            tr("Changes, key by key", "変更の内容（キーごと）"),
            change_rows.len()
        ),
        &["ID", tr("key", "キー"), tr("old", "旧"), tr("new", "新")],
        &change_rows,
        true,
    );
    let links: Vec<Vec<String>> = link_rows(&diff.links_added, "➕")
        .chain(link_rows(&diff.links_removed, "➖"))
        .collect();
    section(
        &mut out,
        &format!(
            "{} (+{} −{})",
            tr("Links", "リンク"),
            diff.links_added.len(),
            diff.links_removed.len()
        ),
        &[
            "",
            tr("relation", "関係"),
            tr("from", "リンク元"),
            tr("to", "リンク先"),
        ],
        &links,
        true,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_markup() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(cell("`x` *y* [l](u)"), "\\`x\\` \\*y\\* \\[l\\](u)");
        assert_eq!(cell("# h"), "\\# h");
        assert_eq!(code("I1.3.2-a"), "`I1.3.2-a`");
        assert_eq!(code("a`b"), "a\\`b");
    }
}
