//! Human output: each finding as a compiler-style diagnostic in the layout of miette's
//! graphical handler (snippet, labels on both ends of a relation, help; written by
//! `graphical`), then notes and a summary line.

mod clip;
mod diag;
mod fill;
mod graphical;

use super::sanitize::for_terminal;
use super::wrap::wrap;
use super::{summary_line, Input};
use crate::diag::{code, Finding, Lang, Text};
use crate::source::{FileId, SourceSet};
use clip::FileView;
use diag::Diag;
use graphical::Theme;
#[cfg(test)]
use miette::{GraphicalReportHandler, GraphicalTheme};
use rayon::prelude::*;
use std::borrow::Cow;
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
    super::buffered(out, |out| render_unbuffered(input, opts, out))
}

fn render_unbuffered(input: &Input<'_>, opts: HumanOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut shown = cap_per_file(input.findings, input.sources);
    if opts.order == Order::Severity {
        // Stable: the place order stays within each severity.
        shown.sort_by_key(|f| std::cmp::Reverse(f.severity));
    }
    render_findings(&shown, input.sources, input.lang, opts, out)?;
    if let Some(line) = super::held_back_line(input.summary, input.lang) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", summary_line(input.summary, input.lang))
}

/// miette's handler for `opts`: graphical, Unicode, one line of context around a snippet. What
/// [`graphical::render`] writes the same bytes as (tests compare the two).
#[cfg(test)]
fn handler(opts: HumanOptions) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_context_lines(1)
        .tab_width(4)
}

/// Renders every finding, each followed by a blank line.
pub fn render_findings<F: std::borrow::Borrow<Finding> + Sync>(
    findings: &[F],
    sources: &SourceSet,
    lang: Lang,
    opts: HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let findings: Vec<&Finding> = findings.iter().map(std::borrow::Borrow::borrow).collect();
    // The files snippets are shown from, each masked whole once: in parallel (a scan of
    // every byte of every such file).
    let mut shown_from = vec![false; sources.len()];
    for f in &findings {
        for span in std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span)) {
            if let Some(shown) = shown_from.get_mut(span.file.0 as usize) {
                *shown = true;
            }
        }
    }
    // Indexed by file ID, as `shown_from` is.
    let files: Vec<_> = sources.files().map(|(_, file)| file).collect();
    let views: Vec<Option<FileView<'_>>> = files
        .par_iter()
        .zip(&shown_from)
        .map(|(&file, &shown)| shown.then(|| FileView::new(file)))
        .collect();
    // A place in another file that earlier findings of the same code already showed (the
    // plan's period under every KPI without values) is shown once: the places' texts are
    // filled on all cores (most are templates), then which to hide is decided in order, and
    // the findings are rendered in parallel, a chunk per task, and written in order. (Filled
    // in that sequential pass, into a set grown by doubling, the texts took 9-13 ms on one
    // core at 100k items; now that pass takes 3 ms, and the texts 3-4 ms on all cores.)
    let places: Vec<Vec<(usize, Cow<'_, str>)>> = findings
        .par_iter()
        .map(|f| {
            f.labels
                .iter()
                .enumerate()
                .filter(|(_, l)| l.span.file != f.span.file)
                .map(|(i, l)| (i, l.text.en()))
                .collect()
        })
        .collect();
    // (Fx: hashed for every related place; nothing depends on the set's order.)
    let mut shown_related: rustc_hash::FxHashSet<(&str, crate::diag::Span, &str)> =
        rustc_hash::FxHashSet::with_capacity_and_hasher(
            places.iter().map(Vec::len).sum(),
            rustc_hash::FxBuildHasher,
        );
    // Each finding with the places it does not show (by index in its labels): most hide
    // none, and an empty list costs no allocation (the findings are not copied to drop them).
    let kept: Vec<(&Finding, Vec<usize>)> = findings
        .iter()
        .zip(&places)
        .map(|(&f, places)| {
            let hidden = places
                .iter()
                .filter(|(i, text)| {
                    f.labels
                        .get(*i)
                        .is_some_and(|l| !shown_related.insert((&f.code, l.span, text.as_ref())))
                })
                .map(|&(i, _)| i)
                .collect();
            (f, hidden)
        })
        .collect();
    let one = |f: &Finding, hidden: &[usize]| -> io::Result<String> {
        let diag = Diag::new(f, hidden, lang, &views);
        // Most findings take one to two kilobytes: no growth from empty.
        let mut text = String::with_capacity(2048);
        // The same bytes as miette's handler, written by align (`graphical`).
        // The help where miette puts it (before related places), in align's own wrapping and
        // the reader's language; related places (other files) without miette's empty
        // "Advice:" header (their own message line says what they are).
        let help = f.help.as_ref().map(|help| {
            let help = for_terminal(&help.get(lang), CLIP_TEXT);
            prefixed(lang.pick("help", "ヒント"), &help, opts)
        });
        let finish = graphical::Finish::Align {
            help: help.as_deref(),
        };
        let rendered = graphical::render(
            &diag,
            Theme { color: opts.color },
            opts.width,
            finish,
            &mut text,
        );
        rendered.map_err(|e| io::Error::other(format!("rendering a finding failed: {e}")))?;
        tidy(&mut text, help.is_some(), !diag.related.is_empty());
        for note in &f.notes {
            let note = for_terminal(&note.get(lang), CLIP_TEXT);
            text.push('\n');
            text.push_str(&prefixed(lang.pick("note", "注"), &note, opts));
        }
        text.push_str("\n\n");
        Ok(text)
    };
    super::write_in_parallel(out, &kept, 256, b"", |_, (f, hidden), part| {
        part.extend_from_slice(one(f, hidden)?.as_bytes());
        Ok(())
    })
}

/// A finding's text as [`graphical::render`] wrote it with [`graphical::Finish::Align`],
/// made what align showed when it spliced its help line and headers into miette's text
/// (`tests` compare the two): the trailing blank space cut (a help line that ends the text was
/// a marker there, with no blank space of its own to lose), and a text with a carriage
/// return split into lines and joined when it has a help line.
fn tidy(text: &mut String, help: bool, related: bool) {
    if help && !related {
        text.truncate(text.len() - usize::from(text.ends_with('\n')));
    } else {
        text.truncate(text.trim_end().len());
    }
    if help && memchr::memchr(b'\r', text.as_bytes()).is_some() {
        *text = text.lines().collect::<Vec<_>>().join("\n");
    }
}

/// The header miette writes above a related place, which align leaves out (the place's own
/// message line says what it is).
#[cfg(test)]
const ADVICE: &str = "\nAdvice: \n";

/// `text` with each [`ADVICE`] header replaced by a line feed: found by `memmem` (SIMD), where
/// `str::replace`'s two-way search took 1% of a 100k run's human output. (What align did to
/// miette's text before [`graphical::Finish::Align`]; tests compare the two.)
#[cfg(test)]
fn without_advice(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for at in memchr::memmem::find_iter(text.as_bytes(), ADVICE.as_bytes()) {
        // `find_iter` gives matches that do not overlap, in order.
        if let Some(before) = text.get(from..at) {
            out.push_str(before);
            out.push('\n');
            from = at + ADVICE.len();
        }
    }
    out.push_str(text.get(from..).unwrap_or(""));
    out
}

/// `text` with each line that holds [`HELP_MARK`] replaced by `line`: spliced in place,
/// where splitting into lines and joining them again copied every finding's text. A text
/// with a carriage return goes the long way, whose `lines` drops it before a line end.
#[cfg(test)]
fn with_help_line(mut text: String, line: &str) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        return text
            .lines()
            .map(|l| if l.contains(HELP_MARK) { line } else { l })
            .collect::<Vec<_>>()
            .join("\n");
    }
    let mut from = 0;
    while let Some(k) = memchr::memmem::find(&text.as_bytes()[from..], HELP_MARK.as_bytes()) {
        let at = from + k;
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        text.replace_range(start..end, line);
        from = start + line.len();
    }
    text
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
pub fn cap_per_file<'a>(findings: &'a [Finding], sources: &SourceSet) -> Vec<Shown<'a>> {
    // Fx: a count per finding, read in no order.
    let mut seen: rustc_hash::FxHashMap<(FileId, &str), usize> = rustc_hash::FxHashMap::default();
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
    // The findings shown are borrowed, not copied: only the notes of those not shown are new.
    let mut shown: Vec<Shown<'a>> = kept.into_iter().map(Shown::Found).collect();
    if dropped.is_empty() {
        return shown;
    }
    for (first, count) in dropped {
        let code = &first.code;
        shown.push(Shown::Note(Box::new(
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
        )));
    }
    crate::source::sort(&mut shown, sources);
    shown
}

/// A finding the human output shows: one of the run's (borrowed), or the note that stands for
/// those of a file and code not shown.
#[derive(Debug)]
pub enum Shown<'a> {
    Found(&'a Finding),
    Note(Box<Finding>),
}

impl std::borrow::Borrow<Finding> for Shown<'_> {
    fn borrow(&self) -> &Finding {
        match self {
            Shown::Found(f) => f,
            Shown::Note(f) => f,
        }
    }
}

impl std::ops::Deref for Shown<'_> {
    type Target = Finding;
    fn deref(&self) -> &Finding {
        std::borrow::Borrow::borrow(self)
    }
}

/// Context lines wider than this many columns are clipped to a window around the labels,
/// with `…` where text was cut (miette itself prints whole lines, however long).
pub const CLIP_COLUMNS: usize = 200;
/// Longest message, label, help or note shown, in characters (a title can be any length).
pub const CLIP_TEXT: usize = 300;

#[cfg(test)]
mod tests {
    use super::*;

    /// A text with a carriage return is split into lines and joined by `tidy` as by the splice
    /// of the help line it replaces, with and without related places after the help.
    #[test]
    fn tidy_joins_a_text_with_a_carriage_return_as_the_splice_did() {
        for (marked, related) in [
            (
                format!("  × m\r\n  help: {HELP_MARK}\n\n  ☞ rel\r\n x \n"),
                true,
            ),
            (format!("  × m\r\n  help: {HELP_MARK}\n"), false),
        ] {
            let mut spliced = marked.clone();
            spliced.truncate(spliced.trim_end().len());
            let spliced = with_help_line(spliced, "  help: h ");
            let mut direct = marked.replace(&format!("  help: {HELP_MARK}"), "  help: h ");
            tidy(&mut direct, true, related);
            assert_eq!(direct, spliced, "{marked:?}");
        }
    }
    use crate::diag::{Severity, Span};

    /// The headers go as `str::replace` takes them out: each, left to right, back to back
    /// (sharing a line feed) and at either end, and text without one is left as it is.
    #[test]
    fn advice_headers_go_as_str_replace_takes_them_out() {
        for text in [
            "",
            "no header",
            ADVICE,
            "a\nAdvice: \nb",
            "\nAdvice: \nAdvice: \nc",
            "x\nAdvice: \n\nAdvice: \ny\nAdvice: \n",
            "日本語\nAdvice: \n語\nAdvice:\n",
        ] {
            assert_eq!(without_advice(text), text.replace(ADVICE, "\n"), "{text:?}");
        }
    }

    /// A finding with `message`, a label, help and a related place in another file whose
    /// message is `related`, rendered by miette with and without wrapping; and whether
    /// [`Diag::fits`] says the two are the same.
    fn both_ways(
        message: &str,
        related: &str,
        width: usize,
        color: bool,
    ) -> (String, String, bool) {
        let mut sources = SourceSet::new();
        let here = sources.add_spec("a.align", "item I1 \"x\" {\n  goal G1\n}\n");
        let there = sources.add_spec("b.align", "goal G1 \"y\"\n");
        let f = Finding::new(
            "ALN101",
            "item-without-program",
            Severity::Error,
            Span::new(here, 0, 7),
            Text::same(message),
        )
        .with_label(Text::same("here"))
        .with_secondary(Span::new(there, 0, 7), Text::same(related))
        .with_help(Text::same("add a program"));
        let views = vec![
            Some(FileView::new(sources.get(here))),
            Some(FileView::new(sources.get(there))),
        ];
        let diag = Diag::new(&f, &[], Lang::En, &views);
        let opts = HumanOptions {
            color,
            width,
            ..HumanOptions::default()
        };
        let render = |h: &GraphicalReportHandler| {
            let mut text = String::new();
            h.render_report(&mut text, &diag).map(|()| text)
        };
        let wrapping = handler(opts);
        let plain = wrapping.clone().with_wrap_lines(false);
        match (render(&wrapping), render(&plain)) {
            (Ok(wrapped), Ok(unwrapped)) => (wrapped, unwrapped, diag.fits(width)),
            (wrapped, unwrapped) => panic!("rendering failed: {wrapped:?} {unwrapped:?}"),
        }
    }

    #[test]
    fn a_message_that_fits_renders_the_same_without_wrapping_and_one_that_does_not_is_wrapped() {
        let (w, p, fits) = both_ways("この項目を対象とする施策がない", "G1 の期間", 100, false);
        assert!(fits);
        assert_eq!(w, p);
        // Too wide for 60 columns: miette wraps it, so rendering it unwrapped would differ.
        let long = "no program covers this item whose topics include one of ip, sme or ai";
        let (w, p, fits) = both_ways(long, "G1", 60, false);
        assert!(!fits);
        assert_ne!(w, p);
        // A related place's message counts too.
        let (w, p, fits) = both_ways("short", long, 60, true);
        assert!(!fits);
        assert_ne!(w, p);
        for odd in [
            " leading",
            "trailing ",
            "tab\there",
            "two\nlines",
            "",
            "nbsp\u{a0}x",
        ] {
            assert!(!super::diag::fits_one_line(odd, 100), "{odd:?}");
        }
    }

    proptest::proptest! {
        /// Whenever [`Diag::fits`] holds, miette's output without wrapping is byte for byte
        /// what it writes with wrapping, for any mix of ASCII words, hyphens, code spans and
        /// Japanese, at any width, in colour or not.
        #[test]
        fn rendering_unwrapped_is_the_same_whenever_the_texts_fit(
            message in "[a-z`\\- 、。（）医療機器項目]{1,70}",
            related in "[A-Z0-9a-z. の期間]{1,40}",
            width in 20usize..120,
            color in proptest::bool::ANY,
        ) {
            let (w, p, fits) = both_ways(&message, &related, width, color);
            if fits {
                proptest::prop_assert_eq!(w, p);
            }
        }
    }

    /// The help marker's line is replaced in place by align's help line, as splitting the
    /// text into lines and joining them did: wherever the marker is, however many times, and
    /// the same way when a carriage return is in the text.
    #[test]
    fn the_help_line_replaces_the_markers_line_as_splitting_and_joining_did() {
        let by_lines = |text: &str, line: &str| {
            text.lines()
                .map(|l| if l.contains(HELP_MARK) { line } else { l })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let help = "  help: add a program";
        let texts = [
            format!("  × msg\n   ╭─\n  help: {HELP_MARK}\n\n  ☞ related"),
            format!("  × msg\n  help: {HELP_MARK}"),
            format!("  help: {HELP_MARK}\nafter"),
            format!("a {HELP_MARK}\nb\nc {HELP_MARK} d\ne"),
            "no marker\nat all".to_owned(),
            format!("with\r\ncarriage returns\r\n  help: {HELP_MARK}\r\nend"),
            String::new(),
        ];
        for text in texts {
            assert_eq!(
                with_help_line(text.clone(), help),
                by_lines(&text, help),
                "{text:?}"
            );
        }
        assert_eq!(
            with_help_line(format!("x\n  help: {HELP_MARK}\ny"), help),
            "x\n  help: add a program\ny"
        );
    }
}
