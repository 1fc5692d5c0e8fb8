//! Human output, written by align itself: byte for byte what miette's graphical handler writes
//! with its Unicode themes (with and without colour) for the diagnostics align makes (a code, a
//! message, labels in one source, help, related places in other sources), ported from miette
//! 7.6's `GraphicalReportHandler` (MIT/Apache-2.0) for that case only.
//!
//! miette's general handler cost about 100,000 instructions a finding: every line of every
//! snippet rebuilt as a `String`, every glyph formatted through a style, every span read
//! through a boxed trait object twice, labels cloned per context. This port reads the same
//! spans through the same [`SourceCode`] (so the windows, line numbers and columns are miette's
//! by construction) and lays them out with the same rules, writing into one string; colour is
//! the same escape sequences in the same places (owo-colors' forms of miette's ANSI theme).
//! `tests::the_same_bytes_as_miette` and the proptest next to it compare the two on labels of
//! every shape (several on one line, overlapping, empty, spanning lines, at the end of a file,
//! after tabs and wide characters), in colour and not.

use super::diag::{fits_one_line, Diag};
#[cfg(test)]
use super::HELP_MARK;
use crate::diag::Severity;
use miette::{LabeledSpan, SourceCode, SpanContents};
use std::borrow::Cow;
use std::fmt::{self, Write};

const HBAR: char = '─';
const VBAR: char = '│';
const VBAR_BREAK: char = '·';
const UARROW: char = '▲';
const RARROW: char = '▶';
const LTOP: char = '╭';
const LBOT: char = '╰';
const LCROSS: char = '├';
const RCROSS: char = '┤';
const UNDERBAR: char = '┬';
const UNDERLINE: char = '─';
/// Lines of context above and below a label (`with_context_lines(1)`).
const CONTEXT_LINES: usize = 1;
/// Columns a tab advances to (`tab_width(4)`).
const TAB_WIDTH: usize = 4;

/// A style's escape sequence (`None`: no colour); [`RESET`] ends it.
type Ink = Option<&'static str>;
const RESET: &str = "\x1b[0m";

/// miette's theme: `GraphicalTheme::unicode()` in colour, `unicode_nocolor()` without.
#[derive(Clone, Copy)]
pub(super) struct Theme {
    pub(super) color: bool,
}

impl Theme {
    fn ink(self, sequence: &'static str) -> Ink {
        self.color.then_some(sequence)
    }

    fn severity(self, s: Severity) -> Ink {
        self.ink(match s {
            Severity::Error => "\x1b[31m",
            Severity::Warning => "\x1b[33m",
            Severity::Info => "\x1b[36m",
        })
    }

    fn advice(self) -> Ink {
        self.ink("\x1b[36m")
    }

    #[cfg(test)]
    fn help(self) -> Ink {
        self.ink("\x1b[36m")
    }

    /// Cyan, bold, underlined.
    fn link(self) -> Ink {
        self.ink("\x1b[36;1;4m")
    }

    fn linum(self) -> Ink {
        self.ink("\x1b[2m")
    }

    fn warning(self) -> Ink {
        self.ink("\x1b[33m")
    }

    /// The `i`-th label's colour: magenta, yellow, green, in turn, all bold.
    fn highlight(self, i: usize) -> Ink {
        self.ink(["\x1b[35;1m", "\x1b[33;1m", "\x1b[32;1m"][i % 3])
    }
}

/// Writes what `write` writes in `ink`.
fn paint<R>(f: &mut String, ink: Ink, write: impl FnOnce(&mut String) -> R) -> R {
    match ink {
        Some(sequence) => {
            f.push_str(sequence);
            let r = write(f);
            f.push_str(RESET);
            r
        }
        None => write(f),
    }
}

fn paint_char(f: &mut String, ink: Ink, c: char) {
    paint(f, ink, |f| f.push(c));
}

/// How the help and the related places' headers are written.
#[derive(Debug, Clone, Copy)]
pub(super) enum Finish<'h> {
    /// As miette's handler writes them: the help as a marker line (`"  help: "` then
    /// [`HELP_MARK`]), an empty `Advice: ` header above each related place (what tests
    /// compare with miette).
    #[cfg(test)]
    Miette,
    /// As align shows them: this help line (already laid out, the whole line) where the marker
    /// line would be, a blank line above each related place (the marker and the headers were
    /// searched for and spliced out of every finding's text).
    Align { help: Option<&'h str> },
}

/// Writes `diag` as miette's handler with `theme`, `width` columns, wrapping on, would (with
/// [`Finish::Miette`]; with [`Finish::Align`], the same with the help line and headers
/// align shows in their place).
pub(super) fn render(
    diag: &Diag<'_>,
    theme: Theme,
    width: usize,
    finish: Finish<'_>,
    f: &mut String,
) -> fmt::Result {
    let severity = theme.severity(diag.severity);
    // Header: the code, then a blank line.
    paint(f, severity, |f| f.push_str(&diag.code));
    f.push_str("\n\n");
    let icon = match diag.severity {
        Severity::Error => "×",
        Severity::Warning => "⚠",
        Severity::Info => "☞",
    };
    cause(f, &diag.message, icon, severity, width);
    snippets(
        f,
        theme,
        diag.source.as_ref().map(|s| s as &dyn SourceCode),
        &diag.labels,
    )?;
    if diag.help.is_some() {
        match finish {
            #[cfg(test)]
            Finish::Miette => {
                paint(f, theme.help(), |f| f.push_str("  help: "));
                f.push_str(HELP_MARK);
            }
            Finish::Align { help } => f.push_str(help.unwrap_or_default()),
        }
        f.push('\n');
    }
    for rel in &diag.related {
        // miette writes a blank line, `Advice: ` and a header without a code (a line end).
        f.push_str(match finish {
            #[cfg(test)]
            Finish::Miette => "\nAdvice: \n",
            Finish::Align { .. } => "\n",
        });
        cause(f, &rel.message, "☞", theme.advice(), width);
        let source = rel
            .source
            .as_ref()
            .map(|s| s as &dyn SourceCode)
            .or_else(|| diag.source.as_ref().map(|s| s as &dyn SourceCode));
        snippets(f, theme, source, &rel.labels)?;
    }
    Ok(())
}

/// The message line(s): `  × message`, continued under `  │ `.
fn cause(f: &mut String, message: &str, icon: &str, ink: Ink, width: usize) {
    let mut first = String::from("  ");
    paint(&mut first, ink, |f| f.push_str(icon));
    first.push(' ');
    if fits_one_line(message, width) {
        // What textwrap gives for a text that fits (`fits_one_line`'s contract).
        f.push_str(&first);
        f.push_str(message);
    } else {
        let mut rest = String::from("  ");
        paint_char(&mut rest, ink, VBAR);
        rest.push(' ');
        f.push_str(&super::fill::fill(
            message,
            width.saturating_sub(2),
            &first,
            &rest,
        ));
    }
    f.push('\n');
}

/// A label as miette lays it out: its text split at line ends, its span, its colour.
#[derive(Debug)]
struct Fancy {
    label: Option<Vec<String>>,
    offset: usize,
    len: usize,
    ink: Ink,
}

/// As miette compares labels: by text and span.
impl PartialEq for Fancy {
    fn eq(&self, other: &Fancy) -> bool {
        self.label == other.label && self.offset == other.offset && self.len == other.len
    }
}

impl Fancy {
    fn new(l: &LabeledSpan, ink: Ink) -> Fancy {
        Fancy {
            label: l
                .label()
                .map(|t| t.split('\n').map(str::to_owned).collect()),
            offset: l.offset(),
            len: l.len(),
            ink,
        }
    }
}

/// One line of a context: its number (1-based after the first line's 0-based start), where it
/// starts, its length with its line end, its text without.
struct Line<'t> {
    number: usize,
    offset: usize,
    length: usize,
    text: Cow<'t, str>,
}

/// Where a label is relative to a line (miette's `Line` methods, same conditions).
impl Line<'_> {
    /// The label starts and ends on this line.
    fn span_line_only(&self, s: &Fancy) -> bool {
        s.offset >= self.offset && s.offset + s.len <= self.offset + self.length
    }

    /// The label shows on this line: under its text or in the gutter.
    fn span_applies(&self, s: &Fancy) -> bool {
        let len = if s.len == 0 { 1 } else { s.len };
        let end = self.offset + self.length;
        (s.offset >= self.offset && s.offset < end)
            || (s.offset < self.offset && s.offset + len > end)
            || (s.offset + len > self.offset && s.offset + len <= end)
    }

    /// The label shows in the gutter: it applies but does not start and end here.
    fn span_applies_gutter(&self, s: &Fancy) -> bool {
        let len = if s.len == 0 { 1 } else { s.len };
        let end = self.offset + self.length;
        self.span_applies(s)
            && !((s.offset >= self.offset && s.offset < end)
                && (s.offset + len > self.offset && s.offset + len <= end))
    }

    /// The label spans lines above and below this one.
    fn span_flyby(&self, s: &Fancy) -> bool {
        s.offset < self.offset && s.offset + s.len > self.offset + self.length
    }

    /// The label starts on this line (given that it applies).
    fn span_starts(&self, s: &Fancy) -> bool {
        s.offset >= self.offset
    }

    /// The label ends on this line (given that it applies).
    fn span_ends(&self, s: &Fancy) -> bool {
        s.offset + s.len >= self.offset && s.offset + s.len <= self.offset + self.length
    }
}

/// Which line of a label's text is written: its only one, the first of several, a later one.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    SingleLine,
    MultiLineFirst,
    MultiLineRest,
}

/// The snippets of `labels`: labels whose context lines touch share one snippet.
fn snippets(
    f: &mut String,
    theme: Theme,
    source: Option<&dyn SourceCode>,
    labels: &[LabeledSpan],
) -> fmt::Result {
    let Some(source) = source else {
        return Ok(());
    };
    let mut labels = labels.to_vec();
    // The same (unstable) sort as miette's, on the same keys in the same order: the same order.
    labels.sort_unstable_by_key(|l| l.inner().offset());
    let mut contexts: Vec<(LabeledSpan, Box<dyn SpanContents<'_> + '_>)> =
        Vec::with_capacity(labels.len());
    for right in labels.iter().cloned() {
        let right_conts = match source.read_span(right.inner(), CONTEXT_LINES, CONTEXT_LINES) {
            Ok(c) => c,
            Err(err) => {
                let link = theme.link();
                f.push_str("  [");
                paint(f, theme.severity(Severity::Error), |f| {
                    f.push_str("Failed to read contents for label");
                });
                f.push_str(" `");
                paint(f, link, |f| f.push_str(right.label().unwrap_or("<none>")));
                f.push_str("` (offset: ");
                paint(f, link, |f| f.push_str(&right.offset().to_string()));
                f.push_str(", length: ");
                paint(f, link, |f| f.push_str(&right.len().to_string()));
                f.push_str("): ");
                paint(f, theme.warning(), |f| write!(f, "{err:?}"))?;
                f.push_str("]\n");
                return Ok(());
            }
        };
        if let Some((left, left_conts)) = contexts.last() {
            if left_conts.line() + left_conts.line_count() >= right_conts.line() {
                let new_end = (left.offset() + left.len()).max(right.offset() + right.len());
                let merged = LabeledSpan::new(
                    left.label().map(String::from),
                    left.offset(),
                    new_end - left.offset(),
                );
                if let Ok(conts) = source.read_span(merged.inner(), CONTEXT_LINES, CONTEXT_LINES) {
                    contexts.pop();
                    contexts.push((merged, conts));
                    continue;
                }
            }
        }
        contexts.push((right, right_conts));
    }
    let fancy: Vec<Fancy> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| Fancy::new(l, theme.highlight(i)))
        .collect();
    for (ctx, contents) in contexts {
        context(f, theme, source, &ctx, contents, &labels, &fancy)?;
    }
    Ok(())
}

/// One snippet: a header with the primary label's place, the lines with their labels.
fn context<'s>(
    f: &mut String,
    theme: Theme,
    source: &'s dyn SourceCode,
    ctx: &LabeledSpan,
    // What reading `ctx` with its context lines gave (miette reads it again: the same).
    contents: Box<dyn SpanContents<'s> + 's>,
    labels: &[LabeledSpan],
    fancy: &[Fancy],
) -> fmt::Result {
    // Text cut from a file at line ends: valid UTF-8, checked by simdutf8 (the standard
    // library's check was a third of this function's own cost).
    let context = match simdutf8::basic::from_utf8(contents.data()) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(contents.data()),
    };
    let lines = lines_of(contents.as_ref(), &context);
    let within = |l: &&LabeledSpan| {
        ctx.offset() <= l.offset() && l.offset() + l.len() <= ctx.offset() + ctx.len()
    };
    let primary = labels
        .iter()
        .filter(within)
        .find(|l| l.primary())
        .or_else(|| labels.iter().find(within));
    let max_gutter = lines
        .iter()
        .map(|line| {
            fancy
                .iter()
                .filter(|hl| !line.span_line_only(hl) && line.span_applies_gutter(hl))
                .count()
        })
        .max()
        .unwrap_or(0);
    let linum_width = digits(lines.last().map_or(0, |l| l.number));
    spaces(f, linum_width + 2);
    f.push(LTOP);
    f.push(HBAR);
    let primary_contents = match primary {
        Some(l) => source.read_span(l.inner(), 0, 0).map_err(|_| fmt::Error)?,
        None => contents,
    };
    if let Some(name) = primary_contents.name() {
        f.push('[');
        let (line, column) = (primary_contents.line() + 1, primary_contents.column() + 1);
        paint(f, theme.link(), |f| write!(f, "{name}:{line}:{column}"))?;
        f.push_str("]\n");
    } else if lines.len() > 1 {
        writeln!(
            f,
            "[{}:{}]",
            primary_contents.line() + 1,
            primary_contents.column() + 1
        )?;
    } else {
        writeln!(f, "{HBAR}{HBAR}{HBAR}")?;
    }
    for line in &lines {
        f.push(' ');
        paint(f, theme.linum(), |f| {
            write!(f, "{:>linum_width$}", line.number)
        })?;
        f.push(' ');
        f.push(VBAR);
        f.push(' ');
        line_gutter(f, max_gutter, line, fancy);
        line_text(f, &line.text);
        let (single, multi): (Vec<&Fancy>, Vec<&Fancy>) = fancy
            .iter()
            .filter(|hl| line.span_applies(hl))
            .partition(|hl| line.span_line_only(hl));
        if !single.is_empty() {
            no_linum(f, linum_width);
            highlight_gutter(f, max_gutter, line, fancy, Mode::SingleLine);
            single_line_highlights(f, line, linum_width, max_gutter, &single, fancy);
        }
        for hl in multi {
            if hl.label.is_some() && line.span_ends(hl) && !line.span_starts(hl) {
                multi_line_end(f, fancy, max_gutter, linum_width, line, hl);
            }
        }
    }
    spaces(f, linum_width + 2);
    f.push(LBOT);
    for _ in 0..4 {
        f.push(HBAR);
    }
    f.push('\n');
    Ok(())
}

/// The lines of a context (`context`, the contents' text) as miette splits them (`\n` and
/// `\r\n` end a line; a lone `\r` is text).
fn lines_of<'t>(contents: &dyn SpanContents<'_>, context: &'t str) -> Vec<Line<'t>> {
    let (line, offset) = (contents.line(), contents.span().offset());
    if context.contains('\r') {
        lines_by_char(line, contents.column(), offset, context)
    } else {
        lines_by_newline(line, offset, context)
    }
}

/// [`lines_by_char`] for a context without a carriage return: each line a slice up to its
/// `\n` (`tests::lines_are_split_alike_both_ways` compares the two).
fn lines_by_newline(mut number: usize, mut offset: usize, context: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::with_capacity(4);
    let mut rest = context;
    while !rest.is_empty() {
        number += 1;
        let (text, length) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        lines.push(Line {
            number,
            offset,
            length,
            text: Cow::Borrowed(text),
        });
        offset += length;
        rest = &rest[length..];
    }
    lines
}

/// miette's loop (`get_lines`): the context read character by character from its first line
/// `number` (0-based), `column` and byte `offset`.
fn lines_by_char(
    mut number: usize,
    mut column: usize,
    mut offset: usize,
    context: &str,
) -> Vec<Line<'_>> {
    let mut line_offset = offset;
    let mut text = String::new();
    let mut lines = Vec::with_capacity(4);
    let mut iter = context.chars().peekable();
    while let Some(c) = iter.next() {
        offset += c.len_utf8();
        let mut at_end_of_file = false;
        match c {
            '\r' => {
                if iter.next_if_eq(&'\n').is_some() {
                    offset += 1;
                    number += 1;
                    column = 0;
                } else {
                    text.push(c);
                    column += 1;
                }
                at_end_of_file = iter.peek().is_none();
            }
            '\n' => {
                at_end_of_file = iter.peek().is_none();
                number += 1;
                column = 0;
            }
            _ => {
                text.push(c);
                column += 1;
            }
        }
        if iter.peek().is_none() && !at_end_of_file {
            number += 1;
        }
        if column == 0 || iter.peek().is_none() {
            lines.push(Line {
                number,
                offset: line_offset,
                length: offset - line_offset,
                text: Cow::Owned(std::mem::take(&mut text)),
            });
            line_offset = offset;
        }
    }
    lines
}

/// The decimal digits of `n` (the width of the line-number column).
fn digits(n: usize) -> usize {
    let mut d = 1;
    let mut n = n / 10;
    while n > 0 {
        d += 1;
        n /= 10;
    }
    d
}

fn spaces(f: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        f.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// `c` `n` times, encoded once (pushed as a `char` each time, it was encoded again for every
/// column of every underline).
fn repeat(f: &mut String, c: char, n: usize) {
    let mut buf = [0; 4];
    let c = c.encode_utf8(&mut buf);
    f.reserve(c.len() * n);
    for _ in 0..n {
        f.push_str(c);
    }
}

/// The line-number column of a line that is not a source line: ` ` then `·`.
fn no_linum(f: &mut String, width: usize) {
    spaces(f, width + 2);
    f.push(VBAR_BREAK);
    f.push(' ');
}

/// Each character's width in columns as miette counts it: tabs to the next multiple of
/// [`TAB_WIDTH`], an escape sequence up to its `m` none, others their Unicode width.
fn visual_widths(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut column = 0;
    let mut escaped = false;
    text.chars().map(move |c| {
        let width = match (escaped, c) {
            (false, '\t') => TAB_WIDTH - column % TAB_WIDTH,
            (false, '\x1b') => {
                escaped = true;
                0
            }
            (false, c) => char_width(c),
            (true, 'm') => {
                escaped = false;
                0
            }
            (true, _) => 0,
        };
        column += width;
        width
    })
}

/// A character's width as miette's `unicode-width` (0.1) counts it, with printable ASCII, kanji
/// and kana (most of a plan) answered without its tables.
#[inline]
fn char_width(c: char) -> usize {
    match c {
        ' '..='~' => 1,
        '\u{4E00}'..='\u{9FFF}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' => 2,
        _ => unicode_width_miette::UnicodeWidthChar::width(c).unwrap_or(0),
    }
}

/// The column of a byte offset on `line` (the first column of the character it falls in when
/// `start`, past it otherwise; one past the text for an offset past it).
fn visual_offset(line: &Line, offset: usize, start: bool) -> usize {
    let mut i = offset.saturating_sub(line.offset);
    while i <= line.text.len() && !line.text.is_char_boundary(i) {
        if start {
            i -= 1;
        } else {
            i += 1;
        }
    }
    let before = &line.text[..i.min(line.text.len())];
    // Printable ASCII alone is one column a byte (no tab, no escape sequence).
    let width: usize = if before.bytes().all(|b| matches!(b, b' '..=b'~')) {
        before.len()
    } else {
        visual_widths(before).sum()
    };
    if i > line.text.len() {
        width + 1
    } else {
        width
    }
}

/// The line's text with tabs expanded.
fn line_text(f: &mut String, text: &str) {
    if !text.contains('\t') {
        f.push_str(text);
        f.push('\n');
        return;
    }
    for (c, width) in text.chars().zip(visual_widths(text)) {
        if c == '\t' {
            spaces(f, width);
        } else {
            f.push(c);
        }
    }
    f.push('\n');
}

/// The gutter on a source line: `╭─▶` where a multi-line label starts, `├─▶` (`╰─▶`) where one
/// ends, `│` where one passes.
fn line_gutter(f: &mut String, max_gutter: usize, line: &Line, labels: &[Fancy]) {
    if max_gutter == 0 {
        return;
    }
    // Built apart: miette pads it by its length in characters, escape sequences included.
    let mut gutter = String::new();
    let mut arrow = false;
    for (i, hl) in labels
        .iter()
        .filter(|hl| line.span_applies_gutter(hl))
        .enumerate()
    {
        let starts = line.span_starts(hl);
        if starts || line.span_ends(hl) {
            let corner = if starts {
                LTOP
            } else if hl.label.is_some() {
                LCROSS
            } else {
                LBOT
            };
            paint_char(&mut gutter, hl.ink, corner);
            paint(&mut gutter, hl.ink, |g| {
                repeat(g, HBAR, max_gutter.saturating_sub(i));
            });
            paint_char(&mut gutter, hl.ink, RARROW);
            arrow = true;
            break;
        } else if line.span_flyby(hl) {
            paint_char(&mut gutter, hl.ink, VBAR);
        } else {
            gutter.push(' ');
        }
    }
    f.push_str(&gutter);
    spaces(
        f,
        if arrow { 1 } else { 3 } + max_gutter.saturating_sub(gutter.chars().count()),
    );
}

/// The gutter on a line under the source: `│` for labels passing, `╰──` where one ends.
fn highlight_gutter(f: &mut String, max_gutter: usize, line: &Line, labels: &[Fancy], mode: Mode) {
    if max_gutter == 0 {
        return;
    }
    let mut cols = 0;
    for (i, hl) in labels
        .iter()
        .filter(|hl| line.span_applies_gutter(hl))
        .enumerate()
    {
        if !line.span_line_only(hl) && line.span_ends(hl) {
            if mode == Mode::MultiLineRest {
                let space = max_gutter.saturating_sub(i) + 2;
                spaces(f, space);
                cols += space + 1;
            } else {
                let n = max_gutter.saturating_sub(i) + 2;
                paint_char(f, hl.ink, LBOT);
                paint(f, hl.ink, |f| {
                    repeat(f, HBAR, n - usize::from(mode == Mode::MultiLineFirst));
                });
                cols += n + 1;
            }
            break;
        }
        paint_char(f, hl.ink, VBAR);
        cols += 1;
    }
    spaces(f, (max_gutter + 3).saturating_sub(cols));
}

/// The underlines of the labels on one line (`───┬───`, `▲` for an empty span), then each
/// label's text on a line of its own, the last label's first.
fn single_line_highlights(
    f: &mut String,
    line: &Line,
    linum_width: usize,
    max_gutter: usize,
    single: &[&Fancy],
    all: &[Fancy],
) {
    let mut highest = 0;
    let mut vbars: Vec<(&Fancy, usize)> = Vec::with_capacity(single.len());
    for &hl in single {
        let start = visual_offset(line, hl.offset, true).max(highest);
        let end = if hl.len == 0 {
            start + 1
        } else {
            visual_offset(line, hl.offset + hl.len, false).max(start + 1)
        };
        let vbar = usize::midpoint(start, end);
        paint(f, hl.ink, |f| {
            spaces(f, start.saturating_sub(highest));
            repeat(f, UNDERLINE, vbar - start);
            f.push(if hl.len == 0 {
                UARROW
            } else if hl.label.is_some() {
                UNDERBAR
            } else {
                UNDERLINE
            });
            repeat(f, UNDERLINE, end - vbar - 1);
        });
        highest = highest.max(end);
        vbars.push((hl, vbar));
    }
    f.push('\n');
    for hl in single.iter().rev() {
        let Some(parts) = &hl.label else { continue };
        if parts.len() == 1 {
            label_text(
                f,
                line,
                linum_width,
                max_gutter,
                all,
                &vbars,
                hl,
                &parts[0],
                Mode::SingleLine,
            );
        } else {
            for (k, part) in parts.iter().enumerate() {
                let mode = if k == 0 {
                    Mode::MultiLineFirst
                } else {
                    Mode::MultiLineRest
                };
                label_text(
                    f,
                    line,
                    linum_width,
                    max_gutter,
                    all,
                    &vbars,
                    hl,
                    part,
                    mode,
                );
            }
        }
    }
}

/// One line of a label's text: bars down to the labels left of it, then `╰── text`.
#[allow(clippy::too_many_arguments)]
fn label_text(
    f: &mut String,
    line: &Line,
    linum_width: usize,
    max_gutter: usize,
    all: &[Fancy],
    vbars: &[(&Fancy, usize)],
    hl: &Fancy,
    label: &str,
    mode: Mode,
) {
    no_linum(f, linum_width);
    highlight_gutter(f, max_gutter, line, all, Mode::SingleLine);
    let mut at = 1usize;
    for &(other, vbar) in vbars {
        while at < vbar + 1 {
            f.push(' ');
            at += 1;
        }
        if other == hl {
            // The label's text is painted, and then the whole line with it.
            paint(f, hl.ink, |f| {
                match mode {
                    Mode::SingleLine => {
                        f.push(LBOT);
                        f.push(HBAR);
                        f.push(HBAR);
                    }
                    Mode::MultiLineFirst => {
                        f.push(LBOT);
                        f.push(HBAR);
                        f.push(RCROSS);
                    }
                    Mode::MultiLineRest => {
                        f.push_str("  ");
                        f.push(VBAR);
                    }
                }
                f.push(' ');
                paint(f, hl.ink, |f| f.push_str(label));
            });
            f.push('\n');
            break;
        }
        paint_char(f, other.ink, VBAR);
        at += 1;
    }
}

/// The text of a multi-line label, under the line where it ends.
fn multi_line_end(
    f: &mut String,
    labels: &[Fancy],
    max_gutter: usize,
    linum_width: usize,
    line: &Line,
    hl: &Fancy,
) {
    no_linum(f, linum_width);
    match hl.label.as_deref() {
        Some([first]) => {
            highlight_gutter(f, max_gutter, line, labels, Mode::SingleLine);
            end_single(f, hl.ink, first, Mode::SingleLine);
        }
        Some([first, rest @ ..]) => {
            highlight_gutter(f, max_gutter, line, labels, Mode::MultiLineFirst);
            end_single(f, hl.ink, first, Mode::MultiLineFirst);
            for part in rest {
                no_linum(f, linum_width);
                highlight_gutter(f, max_gutter, line, labels, Mode::MultiLineRest);
                end_single(f, hl.ink, part, Mode::MultiLineRest);
            }
        }
        // A label is at least one part (`split` yields one); none has no text.
        Some([]) | None => {
            highlight_gutter(f, max_gutter, line, labels, Mode::SingleLine);
            paint_char(f, hl.ink, HBAR);
            f.push('\n');
        }
    }
}

/// One line of a multi-line label's text, after its gutter.
fn end_single(f: &mut String, ink: Ink, label: &str, mode: Mode) {
    let glyph = match mode {
        Mode::SingleLine => HBAR,
        Mode::MultiLineFirst => RCROSS,
        Mode::MultiLineRest => VBAR,
    };
    paint_char(f, ink, glyph);
    f.push(' ');
    paint(f, ink, |f| f.push_str(label));
    f.push('\n');
}

#[cfg(test)]
mod tests {
    use super::super::clip::FileView;
    use super::super::{handler, HumanOptions};
    use super::*;
    use crate::diag::{Finding, Lang, Span, Text};
    use crate::source::SourceSet;

    /// A label: its file (0 is the finding's), start and end (byte offsets, moved back to a
    /// character boundary), text.
    type Place<'a> = (usize, usize, usize, Option<&'a str>);

    /// What miette's handler writes for a finding with `places` in `files` (the first place is
    /// the primary span), and what [`render`] writes.
    fn both(
        files: &[&str],
        places: &[Place],
        message: &str,
        severity: Severity,
        width: usize,
        color: bool,
    ) -> (String, String) {
        let mut sources = SourceSet::new();
        let ids: Vec<_> = files
            .iter()
            .enumerate()
            .map(|(i, text)| sources.add_spec(&format!("f{i}.align"), text))
            .collect();
        let span = |&(file, s, e, _): &Place<'_>| {
            let text = files[file];
            let fix = |mut o: usize| {
                o = o.min(text.len());
                while !text.is_char_boundary(o) {
                    o -= 1;
                }
                o
            };
            let (s, e) = (fix(s), fix(e));
            Span::new(ids[file], s.min(e), e.max(s))
        };
        let (first, rest) = places.split_first().expect("a primary place");
        let mut f = Finding::new(
            "ALN101",
            "item-without-program",
            severity,
            span(first),
            Text::same(message),
        )
        .with_help(Text::same("add a program"));
        if let Some(label) = first.3 {
            f = f.with_label(Text::same(label));
        }
        for p in rest {
            f = f.with_secondary(span(p), Text::same(p.3.unwrap_or("also")));
        }
        let views: Vec<Option<FileView<'_>>> = ids
            .iter()
            .map(|&id| Some(FileView::new(sources.get(id))))
            .collect();
        let diag = Diag::new(&f, &[], Lang::En, &views);
        let opts = HumanOptions {
            color,
            width,
            ..HumanOptions::default()
        };
        let mut theirs = String::new();
        let mut ours = String::new();
        let a = handler(opts).render_report(&mut theirs, &diag);
        let b = render(&diag, Theme { color }, width, Finish::Miette, &mut ours);
        assert_eq!(a.is_ok(), b.is_ok(), "{a:?} {b:?}");
        aligns_finish_is_the_splice(diag, &ours, Theme { color }, width);
        (theirs, ours)
    }

    /// What [`Finish::Align`] writes (then tidied) is what align made of miette's text (`ours`,
    /// written with [`Finish::Miette`]) by splicing: the trailing blank space cut, the
    /// `Advice:` headers taken out, the help marker's line replaced by the help line. With and
    /// without a help, and with a help line that ends in blank space of its own.
    fn aligns_finish_is_the_splice(mut diag: Diag<'_>, ours: &str, theme: Theme, width: usize) {
        use super::super::{tidy, with_help_line, without_advice, ADVICE};
        let related = !diag.related.is_empty();
        for help in [
            Some("  help: add a program"),
            Some("  help: wide\u{3000}"),
            None,
        ] {
            if help.is_none() {
                diag.help = None;
            }
            let mut spliced = String::new();
            let _ = render(&diag, theme, width, Finish::Miette, &mut spliced);
            assert!(help.is_none() || spliced == ours);
            spliced.truncate(spliced.trim_end().len());
            if spliced.contains(ADVICE) {
                spliced = without_advice(&spliced);
            }
            if let Some(line) = help {
                spliced = with_help_line(spliced, line);
            }
            let mut direct = String::new();
            let _ = render(&diag, theme, width, Finish::Align { help }, &mut direct);
            tidy(&mut direct, help.is_some(), related);
            assert_eq!(direct, spliced, "{help:?}");
        }
    }

    const PLAN: &str = "# the plan\nitem I1 \"医療機器の研究開発\" {\n\tgoal G1\n  topics [a, b]\n}\n\ngoal G1 \"x\"\n";

    #[test]
    fn the_same_bytes_as_miette() {
        let other = "program P {\r\n  covers [I1]\r\n  scope [c]\r\n}\r\n";
        let cases: Vec<(Vec<Place<'_>>, &str)> = vec![
            // One label on the header line.
            (
                vec![(0, 11, 17, Some("no program covers this item"))],
                "short",
            ),
            // Several labels on one line, one empty, one without text.
            (
                vec![
                    (0, 11, 15, Some("kind")),
                    (0, 16, 18, Some("id")),
                    (0, 19, 19, Some("here")),
                    (0, 20, 23, None),
                ],
                "several on one line",
            ),
            // Overlapping labels.
            (
                vec![(0, 11, 30, Some("whole")), (0, 16, 25, Some("part"))],
                "overlap",
            ),
            // A label over several lines, and one inside it.
            (
                vec![
                    (0, 11, 62, Some("the declaration")),
                    (0, 48, 60, Some("topics")),
                ],
                "multi-line",
            ),
            // Two multi-line labels.
            (
                vec![(0, 11, 62, Some("one")), (0, 30, 70, Some("two"))],
                "nested gutters",
            ),
            // After a tab, with wide characters.
            (
                vec![(0, 51, 58, Some("goal")), (0, 21, 45, Some("title"))],
                "tab and kanji",
            ),
            // At the end of the file, empty and not.
            (
                vec![
                    (0, PLAN.len(), PLAN.len(), Some("end")),
                    (0, PLAN.len() - 4, PLAN.len(), Some("x")),
                ],
                "end",
            ),
            // Related places in a file with CRLF line ends, two of them.
            (
                vec![
                    (0, 11, 17, Some("item")),
                    (1, 20, 27, Some("covers")),
                    (1, 34, 43, Some("scope")),
                ],
                "related",
            ),
            // A multi-line related place.
            (
                vec![(0, 11, 17, Some("item")), (1, 0, 30, Some("program"))],
                "related, multi-line",
            ),
            // Labels far apart: two snippets.
            (
                vec![(0, 0, 10, Some("comment")), (0, 70, 78, Some("goal"))],
                "apart",
            ),
        ];
        for (places, what) in &cases {
            for (message, width) in [
                ("item I1 is in the scope of no program", 100),
                ("item I1 “医療機器の研究開発の中心地としての我が国の地位の確立に資する取組” is in the scope of no program whose topics include a or b", 60),
            ] {
                for severity in [Severity::Error, Severity::Warning, Severity::Info] {
                    for color in [false, true] {
                        let (theirs, ours) =
                            both(&[PLAN, other], places, message, severity, width, color);
                        assert_eq!(ours, theirs, "{what}, colour {color}");
                    }
                }
            }
        }
    }

    #[test]
    fn widths_are_those_of_the_unicode_width_miette_uses() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(
                char_width(c),
                unicode_width_miette::UnicodeWidthChar::width(c).unwrap_or(0),
                "{c:?}"
            );
        }
    }

    fn fields(lines: Vec<Line<'_>>) -> Vec<(usize, usize, usize, String)> {
        lines
            .into_iter()
            .map(|l| (l.number, l.offset, l.length, l.text.into_owned()))
            .collect()
    }

    proptest::proptest! {
        /// Without a carriage return, splitting at each `\n` gives miette's lines.
        #[test]
        fn lines_are_split_alike_both_ways(
            context in "([a-z]{0,5}|\n|\n\n|医療|\t){0,12}",
            line in 0usize..5,
            column in 0usize..3,
            offset in 0usize..50,
        ) {
            proptest::prop_assert_eq!(
                fields(lines_by_newline(line, offset, &context)),
                fields(lines_by_char(line, column, offset, &context))
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// Any text (ASCII, tabs, kanji, CR, CRLF, empty lines), any labels on it (spanning
        /// lines or not, empty, overlapping, at the end), any width, in colour or not: the same
        /// bytes as miette.
        #[test]
        fn any_labels_render_as_miette_renders_them(
            text in "([a-z ]{0,12}|\t|医療|\r\n|\n|\n\n|\r|“x”|[\u{300}-\u{36F}\u{1100}-\u{115F}\u{1F300}-\u{1F64F}\u{FE0F}\u{200B}\u{AD}ｱ]){0,30}",
            other in "([a-z]{0,8}|\n|\r\n|機器){0,12}",
            places in proptest::collection::vec((0usize..2, 0usize..160, 0usize..40, proptest::option::of("[a-z ]{1,12}")), 1..5),
            message in "[a-z医療 ]{1,90}",
            width in 30usize..120,
            color in proptest::bool::ANY,
            severity in proptest::sample::select(vec![Severity::Error, Severity::Warning, Severity::Info]),
        ) {
            let places: Vec<Place<'_>> = places
                .iter()
                .map(|(file, s, len, label)| (*file, *s, s + len, label.as_deref()))
                .collect();
            let (theirs, ours) = both(&[&text, &other], &places, &message, severity, width, color);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }
}
