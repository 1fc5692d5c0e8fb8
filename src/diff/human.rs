//! Human output of `align diff`: sections in diff style (`+` added, `-` removed, `~` changed,
//! `>` moved, `?` to review), coloured when asked. Spec text is shown terminal-safe.

use super::{Change, CoverageKind, DeclRef, Diff, Link};
use crate::base::sanitize::for_terminal;
use crate::diag::{Lang, Severity};
use std::io::{self, Write};

/// Longest spec text (a title, a value) shown, in characters.
const MAX_TEXT: usize = 120;

/// The text in the chosen language.
pub(crate) fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}

/// `3 added, 1 removed, …; links +5 −3; coverage …; findings …; 1 suspect link`.
pub fn summary_line(d: &Diff, lang: Lang) -> String {
    if d.is_empty() {
        return t(lang, "no changes", "変更なし").to_owned();
    }
    let cov = |k| d.coverage_of(k).count();
    match lang {
        Lang::En => format!(
            "{} added, {} removed, {} renamed, {} changed, {} moved; links +{} −{}; coverage: {} lost, {} gained, {} new without; findings: {} new, {} resolved; {} suspect {}",
            d.added.len(),
            d.removed.len(),
            d.renamed.len(),
            d.changed.len(),
            d.moved.len(),
            d.links_added.len(),
            d.links_removed.len(),
            cov(CoverageKind::Lost),
            cov(CoverageKind::Gained),
            cov(CoverageKind::NewUncovered),
            d.findings_new.len(),
            d.findings_resolved.len(),
            d.suspects.len(),
            if d.suspects.len() == 1 { "link" } else { "links" },
        ),
        Lang::Ja => format!(
            "追加 {}、削除 {}、ID 変更 {}、内容変更 {}、移動 {}; リンク +{} −{}; カバー: 喪失 {}、獲得 {}、新規で欠落 {}; 指摘: 新規 {}、解消 {}; 要確認リンク {}",
            d.added.len(),
            d.removed.len(),
            d.renamed.len(),
            d.changed.len(),
            d.moved.len(),
            d.links_added.len(),
            d.links_removed.len(),
            cov(CoverageKind::Lost),
            cov(CoverageKind::Gained),
            cov(CoverageKind::NewUncovered),
            d.findings_new.len(),
            d.findings_resolved.len(),
            d.suspects.len(),
        ),
    }
}

/// What a coverage change says, after the declaration: `lost its last program`.
pub(crate) fn coverage_phrase(kind: CoverageKind, source: &str, lang: Lang) -> String {
    match (kind, lang) {
        (CoverageKind::Lost, Lang::En) => format!("lost its last {source}"),
        (CoverageKind::Gained, Lang::En) => format!("gained a {source}"),
        (CoverageKind::NewUncovered, Lang::En) => format!("is new and has no {source}"),
        (CoverageKind::Lost, Lang::Ja) => format!("{source}がなくなった"),
        (CoverageKind::Gained, Lang::Ja) => format!("{source}が加わった"),
        (CoverageKind::NewUncovered, Lang::Ja) => format!("新規に追加され、{source}がない"),
    }
}

/// `old → new` of one change, `(none)` for an absent side.
pub(crate) fn change_text(c: &Change, lang: Lang, max: usize) -> (String, String) {
    let none = t(lang, "(none)", "（なし）");
    let side = |v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| none.to_owned(), |v| for_terminal(v, max))
    };
    (side(&c.old), side(&c.new))
}

/// A declaration: `item I1.3.2 “title”` (`取り組むべき事項 I1.3.2「title」` in Japanese).
pub(crate) fn decl_text(d: &DeclRef, lang: Lang, max: usize) -> String {
    let label = d.kind_label.get(lang);
    match (d.title.as_deref().filter(|t| !t.is_empty()), lang) {
        (Some(title), Lang::En) => format!("{label} {} “{}”", d.id, for_terminal(title, max)),
        (Some(title), Lang::Ja) => format!("{label} {}「{}」", d.id, for_terminal(title, max)),
        (None, _) => format!("{label} {}", d.id),
    }
}

/// Colours, or nothing.
struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn add(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn del(&self, s: &str) -> String {
        self.wrap("31", s)
    }
    fn change(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn moved(&self, s: &str) -> String {
        self.wrap("36", s)
    }
    fn head(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn severity(&self, s: Severity, text: &str) -> String {
        match s {
            Severity::Error => self.wrap("1;31", text),
            Severity::Warning => self.wrap("1;33", text),
            Severity::Info => self.wrap("1;36", text),
        }
    }
}

/// Writes the human rendering of `diff`.
#[expect(
    clippy::too_many_lines,
    reason = "one section per part of the diff, in document order"
)]
pub fn render(diff: &Diff, lang: Lang, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let p = Paint { on: color };
    let side = |s: &super::SideInfo| match &s.commit {
        Some(c) => format!("{} ({})", s.label, c.get(..12).unwrap_or(c)),
        None => s.label.clone(),
    };
    writeln!(
        out,
        "{}",
        p.head(&format!(
            "align diff {} → {}",
            side(&diff.old),
            side(&diff.new)
        ))
    )?;
    writeln!(out, "{}", summary_line(diff, lang))?;
    let n = MAX_TEXT;

    if !(diff.added.is_empty()
        && diff.removed.is_empty()
        && diff.renamed.is_empty()
        && diff.changed.is_empty()
        && diff.moved.is_empty())
    {
        writeln!(out, "\n{}", p.head(t(lang, "Declarations", "宣言")))?;
        for d in &diff.added {
            let line = format!("+ {}  ({}:{})", decl_text(d, lang, n), d.at.file, d.at.line);
            writeln!(out, "  {}", p.add(&line))?;
        }
        for d in &diff.removed {
            let line = format!("- {}  ({}:{})", decl_text(d, lang, n), d.at.file, d.at.line);
            writeln!(out, "  {}", p.del(&line))?;
        }
        for r in &diff.renamed {
            let line = format!(
                "~ {} {} → {}  ({} {:.2})",
                r.decl.kind_label.get(lang),
                r.old_id,
                decl_text(&r.decl, lang, n)
                    .strip_prefix(r.decl.kind_label.get(lang))
                    .unwrap_or_default()
                    .trim_start(),
                t(lang, "renamed, similarity", "ID 変更、類似度"),
                r.similarity
            );
            writeln!(out, "  {}", p.change(&line))?;
        }
        for c in &diff.changed {
            writeln!(
                out,
                "  {}",
                p.change(&format!("~ {}", decl_text(&c.decl, lang, n)))
            )?;
            for ch in &c.changes {
                let (old, new) = change_text(ch, lang, n);
                writeln!(out, "      {}: {} → {}", ch.key, p.del(&old), p.add(&new))?;
            }
        }
        for m in &diff.moved {
            let list = |v: &[String]| {
                if v.is_empty() {
                    t(lang, "(none)", "（なし）").to_owned()
                } else {
                    v.join(", ")
                }
            };
            let line = format!(
                "> {}: {} {} → {}",
                decl_text(&m.decl, lang, n),
                m.relation,
                list(&m.old),
                list(&m.new)
            );
            writeln!(out, "  {}", p.moved(&line))?;
        }
    }

    if !(diff.links_added.is_empty() && diff.links_removed.is_empty()) {
        writeln!(out, "\n{}", p.head(t(lang, "Links", "リンク")))?;
        let mut all: Vec<(&Link, bool)> = diff
            .links_added
            .iter()
            .map(|l| (l, true))
            .chain(diff.links_removed.iter().map(|l| (l, false)))
            .collect();
        all.sort_by(|a, b| {
            (&a.0.relation, !a.1, &a.0.from, &a.0.to).cmp(&(
                &b.0.relation,
                !b.1,
                &b.0.from,
                &b.0.to,
            ))
        });
        let mut current: Option<&str> = None;
        for (l, added) in all {
            if current != Some(l.relation.as_str()) {
                writeln!(out, "  {}", l.relation)?;
                current = Some(&l.relation);
            }
            if added {
                writeln!(out, "    {}", p.add(&format!("+ {} → {}", l.from, l.to)))?;
            } else {
                writeln!(out, "    {}", p.del(&format!("- {} → {}", l.from, l.to)))?;
            }
        }
    }

    if !diff.coverage.is_empty() {
        writeln!(out, "\n{}", p.head(t(lang, "Coverage", "カバー")))?;
        for c in &diff.coverage {
            let phrase = coverage_phrase(c.change, c.source_label.get(lang), lang);
            let text = match lang {
                Lang::En => format!(
                    "{} {phrase} ({} {})",
                    decl_text(&c.decl, lang, n),
                    c.code,
                    c.slug
                ),
                Lang::Ja => format!(
                    "{}: {phrase}（{} {}）",
                    decl_text(&c.decl, lang, n),
                    c.code,
                    c.slug
                ),
            };
            let line = match c.change {
                CoverageKind::Gained => p.add(&format!("✓ {text}")),
                CoverageKind::Lost | CoverageKind::NewUncovered => p.del(&format!("✗ {text}")),
            };
            writeln!(out, "  {line}")?;
        }
    }

    if !(diff.findings_new.is_empty() && diff.findings_resolved.is_empty()) {
        writeln!(out, "\n{}", p.head(t(lang, "Findings", "指摘")))?;
        for (list, sign) in [(&diff.findings_new, '+'), (&diff.findings_resolved, '-')] {
            for f in list {
                let sev = p.severity(f.severity, f.severity.as_str());
                let body = format!(
                    "{} {}  {}:{}  {}",
                    f.code,
                    f.slug,
                    f.at.file,
                    f.at.line,
                    for_terminal(f.message.get(lang), 2 * n)
                );
                let mark = if sign == '+' { p.add("+") } else { p.del("-") };
                writeln!(out, "  {mark} {sev} {body}")?;
            }
        }
    }

    if !diff.suspects.is_empty() {
        writeln!(
            out,
            "\n{}",
            p.head(t(
                lang,
                "Suspect links (the text they were made for changed)",
                "要確認リンク（リンク先の文言が変わった）"
            ))
        )?;
        for s in &diff.suspects {
            let head = format!(
                "? {} {} {} → {}",
                s.from_label.get(lang),
                s.link.from,
                s.link.relation,
                decl_text(&s.target, lang, n)
            );
            writeln!(out, "  {}", p.change(&head))?;
            for ch in &s.changes {
                let (old, new) = change_text(ch, lang, n);
                writeln!(out, "      {}: {} → {}", ch.key, p.del(&old), p.add(&new))?;
            }
        }
    }
    Ok(())
}
