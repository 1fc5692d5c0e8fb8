//! Human output: each finding as a compiler-style diagnostic through miette's graphical
//! handler (snippet, labels on both ends of a relation, help), then notes and a summary line.

use super::sanitize::{for_terminal, line, mask_controls};
use super::wrap::wrap;
use super::{summary_line, Input};
use crate::diag::{code, Finding, Lang, Severity, Text};
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
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
    pub order: Order,
}

impl Default for HumanOptions {
    /// No colour, 100 columns, errors first.
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
            order: Order::Severity,
        }
    }
}

/// The order findings are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Errors first, then warnings, then infos; by place within each (so the one error of a
    /// long run is not the last thing on the screen).
    #[default]
    Severity,
    /// By file, offset and code, as machine formats are.
    Location,
}

/// Renders the findings (at most [`MAX_FINDINGS_PER_CODE`] of each code in each file), then
/// the summary line.
pub fn render(input: &Input<'_>, opts: HumanOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut shown = cap_per_file(input.findings, input.sources);
    if opts.order == Order::Severity {
        // Stable: the place order stays within each severity.
        shown
            .to_mut()
            .sort_by_key(|f| std::cmp::Reverse(f.severity));
    }
    render_findings(&shown, input.sources, input.lang, opts, out)?;
    if let Some(line) = super::held_back_line(input.summary, input.lang) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", summary_line(input.summary, input.lang))
}

/// Renders every finding, each followed by a blank line.
pub fn render_findings(
    findings: &[Finding],
    sources: &SourceSet,
    lang: Lang,
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
    // A place in another file that earlier findings of the same code already showed (the
    // plan's period under every KPI without values) is shown once.
    let mut shown_related: std::collections::HashSet<(&str, crate::diag::Span, String)> =
        std::collections::HashSet::new();
    for f in findings {
        let repeated = |l: &crate::diag::Label| l.span.file != f.span.file;
        let f: Cow<'_, Finding> = if f.labels.iter().any(repeated) {
            let mut kept = f.clone();
            kept.labels.retain(|l| {
                !repeated(l) || shown_related.insert((&f.code, l.span, l.text.en.clone()))
            });
            Cow::Owned(kept)
        } else {
            Cow::Borrowed(f)
        };
        let diag = Diag::new(&f, lang, &views);
        let mut text = String::new();
        handler
            .render_report(&mut text, &diag)
            .map_err(|e| io::Error::other(format!("rendering a finding failed: {e}")))?;
        // Related places (other files) are rendered by miette under an empty "Advice:" header;
        // their own message line says what they are.
        let text = text.trim_end().replace("\nAdvice: \n", "\n");
        // miette renders the help where it belongs (before related places) as a marker; the
        // line is replaced by align's own wrapping, in the reader's language.
        let mut text = match &f.help {
            Some(help) => {
                let help = for_terminal(help.get(lang), CLIP_TEXT);
                let line = prefixed(lang.pick("help", "ヒント"), &help, opts);
                text.lines()
                    .map(|l| {
                        if l.contains(HELP_MARK) {
                            line.as_str()
                        } else {
                            l
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            None => text,
        };
        for note in &f.notes {
            let note = for_terminal(note.get(lang), CLIP_TEXT);
            text.push('\n');
            text.push_str(&prefixed(lang.pick("note", "注"), &note, opts));
        }
        writeln!(out, "{text}\n")?;
    }
    Ok(())
}

/// What miette is given as help: its line is replaced by [`prefixed`] help.
const HELP_MARK: &str = "\u{0}help\u{0}";

/// `  help: …` (`  ヒント: …`), wrapped at the output width without breaking code spans.
fn prefixed(word: &str, text: &str, opts: HumanOptions) -> String {
    let plain = format!("  {word}: ");
    let wrapped = wrap(&plain, text, opts.width);
    if opts.color {
        wrapped.replacen(word, &format!("\x1b[36m{word}\x1b[0m"), 1)
    } else {
        wrapped
    }
}

/// How many findings of one code one file shows; the rest are counted in one ALN022 info.
pub const MAX_FINDINGS_PER_CODE: usize = 200;

/// Keeps the first [`MAX_FINDINGS_PER_CODE`] findings of each code in each file (the findings
/// are sorted) and replaces the rest with one ALN022 info per file and code, at the first
/// finding not shown. Syntax errors have their own cap (ALN021). Only human output is capped:
/// machine formats and baselines need every finding, and summaries count every finding.
pub fn cap_per_file<'a>(findings: &'a [Finding], sources: &SourceSet) -> Cow<'a, [Finding]> {
    use std::collections::HashMap;
    let mut seen: HashMap<(FileId, &str), usize> = HashMap::new();
    let mut dropped: Vec<(&Finding, usize)> = Vec::new();
    let mut kept: Vec<&Finding> = Vec::new();
    for f in findings {
        let n = seen.entry((f.span.file, f.code.as_str())).or_insert(0);
        *n += 1;
        if *n <= MAX_FINDINGS_PER_CODE {
            kept.push(f);
            continue;
        }
        match dropped
            .iter_mut()
            .find(|(d, _)| d.span.file == f.span.file && d.code == f.code)
        {
            Some((_, count)) => *count += 1,
            None => dropped.push((f, 1)),
        }
    }
    if dropped.is_empty() {
        return Cow::Borrowed(findings);
    }
    let mut shown: Vec<Finding> = kept.into_iter().cloned().collect();
    for (first, count) in dropped {
        let code = &first.code;
        shown.push(
            Finding::builtin(
                &code::TOO_MANY_FINDINGS,
                first.span,
                Text::new(
                    format!("{count} more {code} findings in this file are not shown"),
                    format!("このファイルの {code} の指摘があと {count} 件あります（表示していません）"),
                ),
            )
            .with_label(Text::new(
                "the first not shown",
                "表示していない最初の指摘",
            ))
            .with_help(Text::new(
                format!("fix the {MAX_FINDINGS_PER_CODE} shown (they often share one cause) and run align again"),
                format!("表示された {MAX_FINDINGS_PER_CODE} 件を修正し（多くは原因が共通です）、もう一度実行してください"),
            )),
        );
    }
    crate::source::sort(&mut shown, sources);
    Cow::Owned(shown)
}

/// Context lines wider than this many columns are clipped to a window around the labels,
/// with `…` where text was cut (miette itself prints whole lines, however long).
pub const CLIP_COLUMNS: usize = 200;
/// Longest message, label, help or note shown, in characters (a title can be any length).
pub const CLIP_TEXT: usize = 300;

/// A file as miette sees it: control characters masked, spans read through a window around
/// the span using the file's line index (miette itself rescans from byte 0 for every span).
struct FileView<'a> {
    file: &'a SourceFile,
    text: Cow<'a, str>,
    name: String,
}

impl<'a> FileView<'a> {
    fn new(file: &'a SourceFile) -> Self {
        FileView {
            file,
            text: mask_controls(&file.text),
            name: line(&file.name).into_owned(),
        }
    }

    /// The line's text without its line ending, and the offset where it starts.
    fn line(&self, line: usize) -> (usize, &str) {
        let start = self.file.line_start(line);
        let end = self.file.line_start(line + 1).min(self.text.len());
        let text = self.text.get(start..end).unwrap_or("");
        let body = text.strip_suffix('\n').unwrap_or(text);
        (start, body.strip_suffix('\r').unwrap_or(body))
    }

    /// The source miette reads for labels at `spans` (byte ranges into this file), and the
    /// spans to give it. When a context line is wider than [`CLIP_COLUMNS`], a clipped copy of
    /// the lines around the labels is made and the spans are shifted into it.
    fn source_for(&'a self, spans: &[(usize, usize)]) -> (Source<'a>, Vec<(usize, usize)>) {
        let len = self.text.len();
        let last_line = self.file.line_count() - 1;
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(s, e)| {
                let (s, e) = (s.min(len), e.min(len));
                let first = self.file.line_of(s).saturating_sub(1);
                let last = (self.file.line_of(e.saturating_sub(1).max(s)) + 1).min(last_line);
                (first, last)
            })
            .collect();
        let long = ranges
            .iter()
            .any(|&(a, b)| (a..=b).any(|l| self.line(l).1.len() > CLIP_COLUMNS));
        if !long {
            return (Source::Whole(self), spans.to_vec());
        }
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let points: Vec<usize> = spans
            .iter()
            .flat_map(|&(s, e)| [s.min(len), e.min(len)])
            .collect();
        let mut snippet = Snippet {
            name: self.name.clone(),
            text: String::new(),
            segments: Vec::new(),
            lines: Vec::new(),
            columns: spans
                .iter()
                .map(|&(s, _)| (s, self.file.line_col(s).1 - 1))
                .collect(),
        };
        for (first, last) in merged {
            let seg_start = snippet.text.len();
            let first_line_ix = snippet.lines.len();
            for l in first..=last {
                let (start, body) = self.line(l);
                let end = start + body.len();
                let anchor = points
                    .iter()
                    .copied()
                    .filter(|&p| p >= start && p <= end)
                    .min()
                    .unwrap_or(start);
                let (ks, ke) = clip_window(body, anchor - start);
                let v = snippet.text.len();
                let prefix = if ks > 0 { "…" } else { "" };
                snippet.text.push_str(prefix);
                snippet.text.push_str(&body[ks..ke]);
                if ke < body.len() {
                    snippet.text.push('…');
                }
                let ending = self.file.line_start(l + 1).min(len);
                snippet
                    .text
                    .push_str(self.text.get(end..ending).unwrap_or(""));
                snippet.lines.push(ClipLine {
                    start,
                    end,
                    keep: (start + ks, start + ke),
                    virt: v,
                    prefix: prefix.len(),
                    virt_end: snippet.text.len(),
                });
            }
            snippet.segments.push(Segment {
                first_line: first,
                start: seg_start,
                end: snippet.text.len(),
                lines: first_line_ix..snippet.lines.len(),
            });
        }
        let mapped = spans
            .iter()
            .map(|&(s, e)| {
                let vs = snippet.map(s.min(len));
                let ve = snippet.map(e.min(len)).max(vs);
                (vs, ve)
            })
            .collect();
        (Source::Clipped(Box::new(snippet)), mapped)
    }
}

/// The byte range of `body` to keep: about a quarter of [`CLIP_COLUMNS`] before `anchor` and
/// the rest after it, on char boundaries (the whole line if it fits).
fn clip_window(body: &str, anchor: usize) -> (usize, usize) {
    use unicode_width::UnicodeWidthChar;
    let width = |c: char| c.width().unwrap_or(1);
    if body.len() <= CLIP_COLUMNS || body.chars().map(width).sum::<usize>() <= CLIP_COLUMNS {
        return (0, body.len());
    }
    let budget = CLIP_COLUMNS - 2;
    let mut start = anchor.min(body.len());
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    let mut used = 0;
    for (i, c) in body[..start].char_indices().rev() {
        if used + width(c) > budget / 4 {
            break;
        }
        used += width(c);
        start = i;
    }
    let mut end = start;
    for (i, c) in body[start..].char_indices() {
        if used + width(c) > budget {
            break;
        }
        used += width(c);
        end = start + i + c.len_utf8();
    }
    (start, end)
}

/// What miette reads a finding's snippet from: the file itself, or a clipped copy.
enum Source<'a> {
    Whole(&'a FileView<'a>),
    Clipped(Box<Snippet>),
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        match self {
            Source::Whole(v) => v.read_span(span, before, after),
            Source::Clipped(s) => s.read_span(span, before, after),
        }
    }
}

/// The lines around one finding's labels with long lines clipped: one segment per group of
/// adjacent lines, each read on its own so line numbers stay those of the file.
struct Snippet {
    name: String,
    text: String,
    segments: Vec<Segment>,
    lines: Vec<ClipLine>,
    /// File offset of each label's start → its 0-based column in characters, for the header.
    columns: Vec<(usize, usize)>,
}

struct Segment {
    /// 0-based line of the file where the segment starts.
    first_line: usize,
    start: usize,
    end: usize,
    lines: std::ops::Range<usize>,
}

/// One line of a snippet: where it is in the file, what was kept, where it is in the copy.
struct ClipLine {
    start: usize,
    end: usize,
    keep: (usize, usize),
    virt: usize,
    prefix: usize,
    virt_end: usize,
}

impl Snippet {
    /// A file offset on one of the snippet's lines → its offset in the copy (an offset cut
    /// away lands on the `…`).
    fn map(&self, offset: usize) -> usize {
        let i = self
            .lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1);
        let Some(l) = self.lines.get(i) else {
            return 0;
        };
        if offset > l.end {
            return l.virt_end;
        }
        if offset < l.keep.0 {
            l.virt
        } else if offset > l.keep.1 {
            l.virt
                + l.prefix
                + (l.keep.1 - l.keep.0)
                + usize::from(l.keep.1 < l.end) * '…'.len_utf8()
        } else {
            l.virt + l.prefix + (offset - l.keep.0)
        }
    }

    /// A copy offset → the file offset, for the column shown in the header.
    fn unmap(&self, virt: usize) -> usize {
        let i = self
            .lines
            .partition_point(|l| l.virt <= virt)
            .saturating_sub(1);
        self.lines.get(i).map_or(0, |l| {
            (l.keep.0 + virt.saturating_sub(l.virt + l.prefix)).clamp(l.start, l.end)
        })
    }

    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        let seg = self
            .segments
            .iter()
            .find(|s| s.start <= start && end <= s.end)
            .ok_or(MietteError::OutOfBounds)?;
        let lines = &self.lines[seg.lines.clone()];
        let line_of = |o: usize| lines.partition_point(|l| l.virt <= o).saturating_sub(1);
        let first = line_of(start).saturating_sub(before);
        let last = (line_of(end.saturating_sub(1).max(start)) + after).min(lines.len() - 1);
        let win_start = lines[first].virt;
        let win_end = lines[last].virt_end;
        let window = self
            .text
            .get(win_start..win_end)
            .ok_or(MietteError::OutOfBounds)?;
        let inner_span = SourceSpan::new((start - win_start).into(), end - start);
        let inner = window.read_span(&inner_span, before, after)?;
        let data: &'b [u8] = inner.data();
        let offset = win_start + inner.span().offset();
        // The column in the header is the file's, in characters, not the copy's.
        let column = if before == 0 {
            let at = self.unmap(start);
            self.columns
                .iter()
                .find(|c| c.0 == at)
                .map_or_else(|| at.saturating_sub(lines[line_of(start)].start), |c| c.1)
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(offset.into(), inner.span().len()),
            seg.first_line + first + inner.line(),
            column,
            inner.line_count(),
        )))
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
            self.name.clone(),
            data,
            SourceSpan::new(offset.into(), inner.span().len()),
            first + inner.line(),
            // miette counts the header's column in bytes; people count characters.
            if before == 0 {
                self.file.line_col(start).1 - 1
            } else {
                inner.column()
            },
            inner.line_count(),
        )))
    }
}

/// One finding as a miette diagnostic: labels in the finding's file; labels in other files
/// become related diagnostics, one per file.
struct Diag<'a> {
    message: String,
    /// `ALN101 item-without-program`: the slug is what a waiver names.
    code: String,
    severity: Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<Source<'a>>,
    related: Vec<Related<'a>>,
}

struct Related<'a> {
    message: String,
    labels: Vec<LabeledSpan>,
    source: Option<Source<'a>>,
}

/// A label before it is placed: its byte range in its file, its text, whether primary.
type Pending = (usize, usize, Option<String>, bool);

/// The source for labels in one file, and the labels with their spans in that source.
fn place<'a>(
    view: Option<&'a FileView<'a>>,
    pending: Vec<Pending>,
) -> (Option<Source<'a>>, Vec<LabeledSpan>) {
    let Some(view) = view else {
        return (None, Vec::new());
    };
    let spans: Vec<(usize, usize)> = pending.iter().map(|p| (p.0, p.1)).collect();
    let (source, mapped) = view.source_for(&spans);
    let labels = pending
        .into_iter()
        .zip(mapped)
        .map(|((_, _, text, primary), (s, e))| {
            let span = SourceSpan::new(s.into(), e - s);
            if primary {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })
        .collect();
    (Some(source), labels)
}

impl<'a> Diag<'a> {
    fn new(f: &'a Finding, lang: Lang, views: &'a [Option<FileView<'a>>]) -> Self {
        let view = |file: FileId| views.get(file.0 as usize).and_then(Option::as_ref);
        let mut own: Vec<Pending> = vec![(
            f.span.start,
            f.span.end,
            f.label
                .as_ref()
                .map(|l| for_terminal(l.get(lang), CLIP_TEXT)),
            true,
        )];
        let mut others: Vec<(FileId, String, Vec<Pending>)> = Vec::new();
        for l in &f.labels {
            let text = for_terminal(l.text.get(lang), CLIP_TEXT);
            let (s, e) = (l.span.start, l.span.end);
            if l.span.file == f.span.file {
                own.push((s, e, Some(text), false));
            } else if let Some((_, _, p)) =
                others.iter_mut().find(|(file, ..)| *file == l.span.file)
            {
                p.push((s, e, Some(text), false));
            } else {
                others.push((l.span.file, text.clone(), vec![(s, e, Some(text), true)]));
            }
        }
        let (source, labels) = place(view(f.span.file), own);
        let related = others
            .into_iter()
            .map(|(file, message, pending)| {
                let (source, labels) = place(view(file), pending);
                Related {
                    message,
                    labels,
                    source,
                }
            })
            .collect();
        Diag {
            message: for_terminal(f.message.get(lang), CLIP_TEXT),
            code: line(&format!("{} {}", f.code, f.slug)).into_owned(),
            severity: f.severity,
            help: f.help.as_ref().map(|_| HELP_MARK.to_owned()),
            labels,
            source,
            related,
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
        Some(Box::new(&self.code))
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
        self.source.as_ref().map(|s| s as &dyn SourceCode)
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
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
