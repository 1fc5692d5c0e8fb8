//! Findings → LSP diagnostics, grouped by file, and the set of files whose diagnostics changed
//! since the last publication (including files to clear).

use super::analysis::Analysis;
use super::uri;
use crate::diag::{code, Finding, Severity};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    Location, NumberOrString, Range, Uri,
};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::str::FromStr;

/// The diagnostics of every file that has findings.
pub(crate) fn of(analysis: &Analysis, docs_url: Option<&str>) -> HashMap<Uri, Vec<Diagnostic>> {
    let mut out: HashMap<Uri, Vec<Diagnostic>> = HashMap::new();
    let mut uris: HashMap<crate::source::FileId, Option<Uri>> = HashMap::new();
    let mut uri_of = |id| {
        uris.entry(id)
            .or_insert_with(|| analysis.path(id).and_then(uri::from_path))
            .clone()
    };
    for f in &analysis.findings {
        let Some(uri) = uri_of(f.span.file) else {
            continue;
        };
        let Some(primary) = range(analysis, f.span) else {
            continue;
        };
        let related: Vec<DiagnosticRelatedInformation> = f
            .labels
            .iter()
            .filter_map(|l| {
                Some(DiagnosticRelatedInformation {
                    location: Location::new(uri_of(l.span.file)?, range(analysis, l.span)?),
                    message: l.text.get(analysis.lang).to_owned(),
                })
            })
            .collect();
        out.entry(uri)
            .or_default()
            .push(diagnostic(f, primary, related, analysis, docs_url));
    }
    out
}

/// The range of a span, if its file is known.
pub(crate) fn range(analysis: &Analysis, span: crate::diag::Span) -> Option<Range> {
    let lines = analysis.lines(span.file)?;
    Some(lines.range(analysis.text(span.file), span.start, span.end))
}

fn diagnostic(
    f: &Finding,
    range: Range,
    related: Vec<DiagnosticRelatedInformation>,
    analysis: &Analysis,
    docs_url: Option<&str>,
) -> Diagnostic {
    let lang = analysis.lang;
    let mut message = f.message.get(lang).to_owned();
    if let Some(label) = &f.label {
        let _ = write!(message, "\n{}", label.get(lang));
    }
    if let Some(help) = &f.help {
        let _ = write!(message, "\nhelp: {}", help.get(lang));
    }
    for note in &f.notes {
        let _ = write!(message, "\nnote: {}", note.get(lang));
    }
    let code_description = docs_url.and_then(|base| {
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

/// The files whose diagnostics differ between `old` and `new`, with their new diagnostics
/// (empty to clear), sorted by URI.
pub(crate) fn changed(
    old: &HashMap<Uri, Vec<Diagnostic>>,
    new: &HashMap<Uri, Vec<Diagnostic>>,
) -> Vec<(Uri, Vec<Diagnostic>)> {
    let mut out: Vec<(Uri, Vec<Diagnostic>)> = new
        .iter()
        .filter(|(u, d)| old.get(*u) != Some(*d))
        .map(|(u, d)| (u.clone(), d.clone()))
        .collect();
    out.extend(
        old.keys()
            .filter(|u| !new.contains_key(*u))
            .map(|u| (u.clone(), Vec::new())),
    );
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
