//! One finding as a miette diagnostic: labels placed in the clipped source, related places in
//! other files as related diagnostics. `graphical::render` lays it out; miette's own handler
//! renders it in the tests, as the reference.

use super::clip::{FileView, Source};
use super::{CLIP_TEXT, HELP_MARK};
use crate::diag::{Finding, Lang, Severity};
use crate::report::sanitize::{for_terminal, line};
use crate::source::FileId;
#[cfg(test)]
use miette::{Diagnostic, SourceCode};
use miette::{LabeledSpan, SourceSpan};
#[cfg(test)]
use std::fmt;

/// One finding as a miette diagnostic: labels in the finding's file; labels in other files
/// become related diagnostics, one per file (a `Diagnostic` for the tests' reference only).
pub(super) struct Diag<'a> {
    pub(super) message: String,
    /// `ALN101 item-without-program`: the slug is what a waiver names.
    pub(super) code: String,
    pub(super) severity: Severity,
    pub(super) help: Option<String>,
    pub(super) labels: Vec<LabeledSpan>,
    pub(super) source: Option<Source<'a>>,
    pub(super) related: Vec<Related<'a>>,
}

pub(super) struct Related<'a> {
    pub(super) message: String,
    pub(super) labels: Vec<LabeledSpan>,
    pub(super) source: Option<Source<'a>>,
}

/// A label before it is placed: its byte range in its file, its text, whether primary.
type Pending = (usize, usize, Option<String>, bool);

/// The source for labels in one file, and the labels with their spans in that source.
pub(super) fn place<'a>(
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
    /// The layout of `f`, without its labels at the indices `hidden` (places another finding
    /// already showed).
    pub(super) fn new(
        f: &'a Finding,
        hidden: &[usize],
        lang: Lang,
        views: &'a [Option<FileView<'a>>],
    ) -> Self {
        let view = |file: FileId| views.get(file.0 as usize).and_then(Option::as_ref);
        let mut own: Vec<Pending> = vec![(
            f.span.start(),
            f.span.end(),
            f.label
                .as_ref()
                .map(|l| for_terminal(&l.get(lang), CLIP_TEXT)),
            true,
        )];
        let mut others: Vec<(FileId, String, Vec<Pending>)> = Vec::new();
        for (_, l) in f
            .labels
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden.contains(i))
        {
            let text = for_terminal(&l.text.get(lang), CLIP_TEXT);
            let (s, e) = (l.span.start(), l.span.end());
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
            message: for_terminal(&f.message.get(lang), CLIP_TEXT),
            code: line(&format!("{} {}", f.code, f.slug)).into_owned(),
            severity: f.severity,
            help: f.help.as_ref().map(|_| HELP_MARK.to_owned()),
            labels,
            source,
            related,
        }
    }
}

impl Diag<'_> {
    /// Whether every text miette would wrap (the message and each related place's message;
    /// the help is a short marker whose line align replaces) fits on its first line at `width`
    /// columns: the tests check that miette then writes the same bytes without wrapping, the
    /// contract `graphical::render` relies on, message by message, to skip textwrap.
    #[cfg(test)]
    pub(super) fn fits(&self, width: usize) -> bool {
        fits_one_line(&self.message, width)
            && self
                .related
                .iter()
                .all(|r| fits_one_line(&r.message, width))
    }
}

/// The widest indent miette puts before a message (`  × `, `  ⚠ `, `  ☞ `: two spaces, the
/// icon and a space), counting the icon as two columns.
const MESSAGE_INDENT: usize = 5;

/// Whether textwrap, as miette calls it for a message (at `width - 2` columns after the
/// severity icon), leaves `text` on one line as it is: one line without control characters,
/// other whitespace than single spaces inside, or spaces at either end, whose width (every
/// character that is not ASCII counted as two columns, the most any has) leaves a column
/// spare. When it holds, textwrap's one line is the indent and the text, which is what
/// `graphical::render` then writes; when in doubt it is false and textwrap wraps.
pub(super) fn fits_one_line(text: &str, width: usize) -> bool {
    let Some(room) = width.checked_sub(2 + MESSAGE_INDENT + 1) else {
        return false;
    };
    if text.is_empty() || text.starts_with(' ') || text.ends_with(' ') {
        return false;
    }
    let mut used = 0usize;
    for c in text.chars() {
        if c.is_control() || (c.is_whitespace() && c != ' ') {
            return false;
        }
        used += if c.is_ascii() { 1 } else { 2 };
        if used > room {
            return false;
        }
    }
    true
}

#[cfg(test)]
impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
impl std::error::Error for Diag<'_> {}

#[cfg(test)]
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

#[cfg(test)]
impl fmt::Debug for Related<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
impl fmt::Display for Related<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
impl std::error::Error for Related<'_> {}

#[cfg(test)]
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
