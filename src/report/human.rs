//! Human output: each finding as a compiler-style diagnostic through miette's graphical
//! handler (snippet, labels on both ends of a relation, help), then notes and a summary line.

use super::sanitize::{escape_controls, mask_controls};
use super::Summary;
use crate::diag::{Finding, Lang, Severity, Span};
use crate::source::{FileId, SourceFile, SourceSet};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub lang: Lang,
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

/// Renders every finding, then the summary line.
pub fn render(
    findings: &[Finding],
    sources: &SourceSet,
    summary: &Summary,
    opts: HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    render_findings(findings, sources, opts, out)?;
    writeln!(out, "{}", summary_line(summary, opts.lang))
}

/// Renders every finding, each followed by a blank line.
pub fn render_findings(
    findings: &[Finding],
    sources: &SourceSet,
    opts: HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_context_lines(1)
        .tab_width(4);
    let mut views: Vec<Option<FileView<'_>>> = (0..sources.len()).map(|_| None).collect();
    for f in findings {
        for span in std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span)) {
            let slot = &mut views[span.file.0 as usize];
            if slot.is_none() {
                *slot = Some(FileView::new(sources.get(span.file)));
            }
        }
    }
    for f in findings {
        let diag = Diag::new(f, opts.lang, &views);
        let mut text = String::new();
        handler
            .render_report(&mut text, &diag)
            .map_err(|e| io::Error::other(format!("rendering a finding failed: {e}")))?;
        // Related places (other files) are rendered by miette under an empty "Advice:" header;
        // their own message line says what they are.
        let mut text = text.trim_end().replace("\nAdvice: \n", "\n");
        for note in &f.notes {
            text.push_str("\n  note: ");
            text.push_str(&escape_controls(note.get(opts.lang)));
        }
        writeln!(out, "{text}\n")?;
    }
    Ok(())
}

/// `error: 1 error, 2 warnings, 0 infos in 4 files (1 plan, 3 policies, …)`.
pub fn summary_line(s: &Summary, lang: Lang) -> String {
    let c = s.counts;
    let kinds: Vec<String> = s.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    match lang {
        Lang::En => {
            let lead = if c.errors > 0 {
                "error"
            } else if c.warnings > 0 {
                "warning"
            } else {
                "ok"
            };
            format!(
                "{lead}: {} {}, {} {}, {} {} in {} {} ({})",
                c.errors,
                plural(c.errors, "error", "errors"),
                c.warnings,
                plural(c.warnings, "warning", "warnings"),
                c.infos,
                plural(c.infos, "info", "infos"),
                s.files,
                plural(s.files, "file", "files"),
                kinds.join(", ")
            )
        }
        Lang::Ja => {
            let lead = if c.errors > 0 {
                "エラー"
            } else if c.warnings > 0 {
                "警告"
            } else {
                "問題なし"
            };
            format!(
                "{lead}: エラー {} 件、警告 {} 件、情報 {} 件（{} ファイル: {}）",
                c.errors,
                c.warnings,
                c.infos,
                s.files,
                kinds.join("、")
            )
        }
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// A file as miette sees it: control characters masked, spans read through a window around
/// the span using the file's line index (miette itself rescans from byte 0 for every span).
struct FileView<'a> {
    file: &'a SourceFile,
    text: Cow<'a, str>,
}

impl<'a> FileView<'a> {
    fn new(file: &'a SourceFile) -> Self {
        FileView {
            file,
            text: mask_controls(&file.text),
        }
    }
}

impl SourceCode for FileView<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.text.as_ref();
        let start = span.offset().min(text.len());
        let end = (span.offset() + span.len()).min(text.len());
        let first = self.file.line_of(start).saturating_sub(before);
        let last = (self.file.line_of(end.saturating_sub(1).max(start)) + after)
            .min(self.file.line_count() - 1);
        let win_start = self.file.line_start(first);
        let win_end = self.file.line_start(last + 1).min(text.len());
        let window = text
            .get(win_start..win_end)
            .ok_or(MietteError::OutOfBounds)?;
        let inner_span = SourceSpan::new((start - win_start).into(), end - start);
        let inner = window.read_span(&inner_span, before, after)?;
        let data: &'b [u8] = inner.data();
        let offset = win_start + inner.span().offset();
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            data,
            SourceSpan::new(offset.into(), inner.span().len()),
            first + inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// One finding as a miette diagnostic: labels in the finding's file; labels in other files
/// become related diagnostics, one per file.
struct Diag<'a> {
    message: String,
    code: &'a str,
    severity: Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<&'a FileView<'a>>,
    related: Vec<Related<'a>>,
}

struct Related<'a> {
    message: String,
    labels: Vec<LabeledSpan>,
    source: Option<&'a FileView<'a>>,
}

fn labeled(span: Span, text: Option<String>, primary: bool) -> LabeledSpan {
    let s = SourceSpan::new(span.start.into(), span.len());
    if primary {
        LabeledSpan::new_primary_with_span(text, s)
    } else {
        LabeledSpan::new_with_span(text, s)
    }
}

impl<'a> Diag<'a> {
    fn new(f: &'a Finding, lang: Lang, views: &'a [Option<FileView<'a>>]) -> Self {
        let view = |file: FileId| views.get(file.0 as usize).and_then(Option::as_ref);
        let mut labels = vec![labeled(
            f.span,
            f.label
                .as_ref()
                .map(|l| escape_controls(l.get(lang)).into_owned()),
            true,
        )];
        let mut related: Vec<(FileId, Related<'a>)> = Vec::new();
        for l in &f.labels {
            let text = escape_controls(l.text.get(lang)).into_owned();
            if l.span.file == f.span.file {
                labels.push(labeled(l.span, Some(text), false));
            } else if let Some((_, r)) = related.iter_mut().find(|(file, _)| *file == l.span.file) {
                r.labels.push(labeled(l.span, Some(text), false));
            } else {
                related.push((
                    l.span.file,
                    Related {
                        message: text.clone(),
                        labels: vec![labeled(l.span, Some(text), true)],
                        source: view(l.span.file),
                    },
                ));
            }
        }
        Diag {
            message: escape_controls(f.message.get(lang)).into_owned(),
            code: &f.code,
            severity: f.severity,
            help: f
                .help
                .as_ref()
                .map(|h| escape_controls(h.get(lang)).into_owned()),
            labels,
            source: view(f.span.file),
            related: related.into_iter().map(|(_, r)| r).collect(),
        }
    }
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

impl fmt::Debug for Related<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Related<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Related<'_> {}

impl Diagnostic for Related<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
