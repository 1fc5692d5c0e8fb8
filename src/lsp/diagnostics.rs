//! Findings → LSP diagnostics, per file, and the files whose diagnostics changed since the
//! last publication (including files to clear).
//!
//! Only the files whose findings changed are converted again: a file's diagnostics are kept
//! while its findings are equal to those last converted, their spans (its own, and those of
//! related information) convert to the same files and ranges, and the language and rule set
//! are the same. Those are all a diagnostic is made from, so a kept one is what converting
//! again would give. The ranges are not even computed again when every file the spans are in
//! has the same text as then (the language server keeps one line index per unchanged text, so
//! the same index means the same file ID, path and text): after a one-character edit, only the
//! files whose findings point into the edited file are looked at further.

use super::analysis::Analysis;
use super::position::LineIndex;
use super::uri;
use crate::diag::{code, Finding, Lang, Severity};
use crate::source::FileId;
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Range, Uri,
};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::Arc;

/// Where the codes of diagnostics link to (`codeDescription`).
#[derive(Debug, Clone, Default)]
pub(crate) struct DocsUrl {
    /// `--docs-url` or `initializationOptions.docsUrl`: every code links there (empty: none).
    pub(crate) configured: Option<String>,
    /// Otherwise this, for the codes it documents: the built-in codes, and those of the
    /// embedded rule set (a rule set of one's own has codes the bundled docs do not have).
    pub(crate) default: Option<String>,
}

/// The published docs of this build: `docs/rules.md` of the version's tag in the package's
/// repository (`repository` in Cargo.toml), or none when the package names no repository.
pub(crate) fn default_docs_url() -> Option<String> {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    (!repo.is_empty()).then(|| format!("{repo}/blob/v{}/docs/rules.md", env!("CARGO_PKG_VERSION")))
}

impl DocsUrl {
    /// The URL `code` links to (`embedded`: the rule set is the embedded one).
    fn base(&self, code: &str, embedded: bool) -> Option<&str> {
        match &self.configured {
            Some(url) => Some(url.as_str()).filter(|u| !u.is_empty()),
            None if embedded || code::lookup(code).is_some() => self.default.as_deref(),
            None => None,
        }
    }
}

/// What was last sent for one file, and what it was made from.
#[derive(Debug)]
struct Sent {
    findings: Vec<Finding>,
    /// Where the findings' spans are: each primary span's range, each label's file and range.
    places: Vec<(Option<Uri>, Option<Range>)>,
    /// The line index of each file the spans are in, when they were converted.
    texts: Vec<(FileId, Arc<LineIndex>)>,
    diagnostics: Vec<Diagnostic>,
}

/// Which files a publication brings up to date.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part<'a> {
    All,
    /// The open files (the first half of a check).
    Open(&'a HashSet<FileId>),
    /// The files not open (the second half).
    Others(&'a HashSet<FileId>),
}

/// The diagnostics the client holds, per file.
#[derive(Debug, Default)]
pub(crate) struct Published {
    files: HashMap<Uri, Sent>,
    /// The language and whether the rule set was the embedded one.
    made_with: Option<(Lang, bool)>,
}

impl Published {
    /// The diagnostics the client is to hold for a file (none for a file without findings).
    pub(crate) fn diagnostics(&self, uri: &Uri) -> &[Diagnostic] {
        self.files.get(uri).map_or(&[], |sent| &sent.diagnostics)
    }

    /// Brings the publication of the files of `part` up to `analysis`: the files whose
    /// diagnostics differ from what the client holds (their new diagnostics are
    /// [`Published::diagnostics`], none to clear), sorted by URI.
    pub(crate) fn update(
        &mut self,
        analysis: &Analysis,
        docs: &DocsUrl,
        part: Part<'_>,
    ) -> Vec<Uri> {
        let made_with = Some((analysis.lang, analysis.embedded_rules));
        if self.made_with != made_with {
            // Convert every file again (and compare with what the client holds).
            for sent in self.files.values_mut() {
                sent.findings.clear();
            }
            self.made_with = made_with;
        }
        // Each file's URI, made once for every span that points into it.
        let uris: Vec<Option<Uri>> = analysis
            .sources
            .files()
            .map(|(id, _)| analysis.path(id).and_then(uri::from_path))
            .collect();
        let uri_of = |id: FileId| uris.get(id.0 as usize).cloned().flatten();
        let open_uris: HashSet<Uri> = match part {
            Part::All => HashSet::new(),
            Part::Open(open) | Part::Others(open) => {
                open.iter().filter_map(|&id| uri_of(id)).collect()
            }
        };
        let in_part = |uri: &Uri| match part {
            Part::All => true,
            Part::Open(_) => open_uris.contains(uri),
            Part::Others(_) => !open_uris.contains(uri),
        };
        // The findings of each file, in order (they are sorted by file already; grouping
        // does not rely on it).
        let mut groups: Vec<(FileId, Vec<&Finding>)> = Vec::new();
        let mut at: HashMap<FileId, usize> = HashMap::new();
        for f in &analysis.findings {
            let i = *at.entry(f.span.file).or_insert_with(|| {
                groups.push((f.span.file, Vec::new()));
                groups.len() - 1
            });
            groups[i].1.push(f);
        }
        // Each file with what the client holds for it, then brought up to date in parallel
        // (files are independent; most of the time goes to comparing every file's findings
        // with those last sent, and to converting the edited file's).
        let files: Vec<(Uri, Vec<&Finding>, Option<Sent>)> = groups
            .into_iter()
            .filter_map(|(file, findings)| {
                let uri = uri_of(file).filter(|u| in_part(u))?;
                let old = self.files.remove(&uri);
                Some((uri, findings, old))
            })
            .collect();
        let updated: Vec<(Uri, Sent, bool)> = files
            .into_par_iter()
            .map(|(uri, findings, old)| {
                let (sent, changed) = bring_up(analysis, docs, &uri_of, &findings, old);
                (uri, sent, changed)
            })
            .collect();
        let mut out = Vec::new();
        let mut next: HashMap<Uri, Sent> = HashMap::with_capacity(updated.len());
        for (uri, sent, changed) in updated {
            if changed {
                out.push(uri.clone());
            }
            next.insert(uri, sent);
        }
        // Files of the part with no finding now: cleared, if the client holds any diagnostic
        // for them. The others are left as they are.
        for (uri, sent) in self.files.drain() {
            if !in_part(&uri) {
                next.insert(uri, sent);
            } else if !sent.diagnostics.is_empty() {
                out.push(uri);
            }
        }
        self.files = next;
        out.sort();
        out
    }
}

/// One file's diagnostics brought up to date from `old`, what the client holds for it, and
/// whether they changed (then the client must be sent them).
fn bring_up(
    analysis: &Analysis,
    docs: &DocsUrl,
    uri_of: &(impl Fn(FileId) -> Option<Uri> + Sync),
    findings: &[&Finding],
    old: Option<Sent>,
) -> (Sent, bool) {
    let same_findings = |o: &Sent| {
        o.findings.len() == findings.len() && o.findings.iter().zip(findings).all(|(a, b)| a == *b)
    };
    let same_texts = |o: &Sent| {
        o.texts.iter().all(|(id, was)| {
            analysis
                .line_index(*id)
                .is_some_and(|now| Arc::ptr_eq(now, was))
        })
    };
    let old = match old {
        Some(o) if !o.texts.is_empty() && same_texts(&o) && same_findings(&o) => {
            return (o, false);
        }
        old => old,
    };
    let places = places(analysis, findings, uri_of);
    let kept = old
        .as_ref()
        .is_some_and(|o| o.places == places && same_findings(o));
    let texts = texts(analysis, findings);
    match old {
        Some(old) if kept => (Sent { texts, ..old }, false),
        old => {
            // Each finding's places are its primary range, then its labels' (see `places`).
            let mut rest = places.as_slice();
            let diagnostics: Vec<Diagnostic> = findings
                .iter()
                .filter_map(|f| {
                    let (mine, after) = rest.split_at((1 + f.labels.len()).min(rest.len()));
                    rest = after;
                    convert(f, mine, analysis, docs)
                })
                .collect();
            let changed = old.is_none_or(|o| o.diagnostics != diagnostics);
            let sent = Sent {
                findings: findings.iter().map(|f| (*f).clone()).collect(),
                places,
                texts,
                diagnostics,
            };
            (sent, changed)
        }
    }
}

/// Where the findings' spans are, in LSP terms: each primary span's range, then each label's
/// file and range.
fn places(
    analysis: &Analysis,
    findings: &[&Finding],
    uri_of: &impl Fn(FileId) -> Option<Uri>,
) -> Vec<(Option<Uri>, Option<Range>)> {
    let mut out = Vec::with_capacity(findings.len());
    for f in findings {
        out.push((None, range(analysis, f.span)));
        for l in &f.labels {
            out.push((uri_of(l.span.file), range(analysis, l.span)));
        }
    }
    out
}

/// The line index of each file `findings`' spans are in (empty if one of them has none: then
/// the ranges are computed every time).
fn texts(analysis: &Analysis, findings: &[&Finding]) -> Vec<(FileId, Arc<LineIndex>)> {
    let mut ids: Vec<FileId> = findings
        .iter()
        .flat_map(|f| std::iter::once(f.span.file).chain(f.labels.iter().map(|l| l.span.file)))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| Some((id, Arc::clone(analysis.line_index(id)?))))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default()
}

/// A finding as an LSP diagnostic, at its `places`: its primary range, then each label's file
/// and range (a label in a file without a URI, or a span without a range, is left out).
fn convert(
    f: &Finding,
    places: &[(Option<Uri>, Option<Range>)],
    analysis: &Analysis,
    docs: &DocsUrl,
) -> Option<Diagnostic> {
    let ((_, primary), labels) = places.split_first()?;
    let related: Vec<DiagnosticRelatedInformation> = f
        .labels
        .iter()
        .zip(labels)
        .filter_map(|(l, (uri, range))| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri.clone()?, (*range)?),
                message: l.text.get(analysis.lang).into_owned(),
            })
        })
        .collect();
    Some(diagnostic(f, (*primary)?, related, analysis, docs))
}

/// The range of a span, if its file is known.
pub(crate) fn range(analysis: &Analysis, span: crate::diag::Span) -> Option<Range> {
    let lines = analysis.lines(span.file)?;
    Some(lines.range(analysis.text(span.file), span.start(), span.end()))
}

fn diagnostic(
    f: &Finding,
    range: Range,
    related: Vec<DiagnosticRelatedInformation>,
    analysis: &Analysis,
    docs: &DocsUrl,
) -> Diagnostic {
    let lang = analysis.lang;
    let mut message = f.message.get(lang).into_owned();
    if let Some(label) = &f.label {
        let _ = write!(message, "\n{}", label.get(lang));
    }
    if let Some(help) = &f.help {
        let _ = write!(message, "\nhelp: {}", help.get(lang));
    }
    for note in &f.notes {
        let _ = write!(message, "\nnote: {}", note.get(lang));
    }
    let code_description = docs
        .base(&f.code, analysis.embedded_rules)
        .and_then(|base| {
            Some(CodeDescription {
                href: Uri::from_str(&format!("{base}#{}", f.code.to_ascii_lowercase())).ok()?,
            })
        });
    let tags = (f.code == code::UNUSED_WAIVER.code).then(|| vec![DiagnosticTag::UNNECESSARY]);
    Diagnostic {
        range,
        severity: Some(match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(f.code.to_string())),
        code_description,
        source: Some("align".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_link_to_the_configured_docs_else_to_the_default_that_documents_them() {
        let default = DocsUrl {
            configured: None,
            default: Some("https://d/rules.md".to_owned()),
        };
        assert_eq!(default.base("ALN060", false), Some("https://d/rules.md"));
        assert_eq!(default.base("ALN101", true), Some("https://d/rules.md"));
        // A rule set of one's own: its codes are not in the bundled docs.
        assert_eq!(default.base("ALN101", false), None);
        let configured = DocsUrl {
            configured: Some("https://mine/rules.md".to_owned()),
            ..default.clone()
        };
        assert_eq!(
            configured.base("ALN101", false),
            Some("https://mine/rules.md")
        );
        let off = DocsUrl {
            configured: Some(String::new()),
            ..default
        };
        assert_eq!(off.base("ALN060", true), None);
        assert_eq!(DocsUrl::default().base("ALN060", true), None);
    }
}
