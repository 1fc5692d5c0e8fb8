//! The long-line clipper: a file as miette sees it, with control characters masked and lines
//! wider than `CLIP_COLUMNS` cut to a window around the labels (miette prints whole lines).

use super::CLIP_COLUMNS;
use crate::report::sanitize::{line, mask_controls, may_need_mask};
use crate::source::SourceFile;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::borrow::Cow;
use std::sync::OnceLock;

/// A file as miette sees it: control characters masked, spans read through a window around
/// the span using the file's line index (miette itself rescans from byte 0 for every span).
pub(super) struct FileView<'a> {
    file: &'a SourceFile,
    /// The file with its control characters masked, made the first time a snippet's lines
    /// hold a byte that may start one: most files hold none, and masking every file shown
    /// scanned every byte of the plan (2% of human output's instructions at 100k items).
    /// (`None`: masking changes nothing.)
    masked: OnceLock<Option<String>>,
    name: String,
}

impl<'a> FileView<'a> {
    pub(super) fn new(file: &'a SourceFile) -> Self {
        FileView {
            file,
            masked: OnceLock::new(),
            name: line(&file.name).into_owned(),
        }
    }

    /// The bytes `start..end` of the file as masked: the file's own when they hold nothing
    /// masking would change.
    fn get(&self, start: usize, end: usize) -> Option<&str> {
        let raw = self.file.text.get(start..end);
        if raw.is_some_and(|raw| !may_need_mask(raw)) {
            return raw;
        }
        let masked = self
            .masked
            .get_or_init(|| match mask_controls(&self.file.text) {
                Cow::Owned(masked) => Some(masked),
                Cow::Borrowed(_) => None,
            });
        match masked {
            Some(masked) => masked.get(start..end),
            None => raw,
        }
    }

    /// Where the line starts and ends in the file, its line ending included.
    fn bounds(&self, line: usize) -> (usize, usize) {
        let start = self.file.line_start(line);
        (
            start,
            self.file.line_start(line + 1).min(self.file.text.len()),
        )
    }

    /// The length in bytes of the line's text without its line ending (what [`FileView::line`]
    /// gives, without masking it).
    fn line_len(&self, line: usize) -> usize {
        let (start, end) = self.bounds(line);
        let text = self
            .file
            .text
            .as_bytes()
            .get(start..end)
            .unwrap_or_default();
        // A carriage return is a line ending only before a line feed (a lone one, at the end
        // of the file, is masked as `?` and kept).
        match text.strip_suffix(b"\n") {
            Some(body) => body.strip_suffix(b"\r").unwrap_or(body).len(),
            None => text.len(),
        }
    }

    /// The line's text without its line ending, and the offset where it starts.
    fn line(&self, line: usize) -> (usize, &str) {
        let (start, end) = self.bounds(line);
        let text = self.get(start, end).unwrap_or("");
        let body = text.strip_suffix('\n').unwrap_or(text);
        (start, body.strip_suffix('\r').unwrap_or(body))
    }

    /// The source miette reads for labels at `spans` (byte ranges into this file), and the
    /// spans to give it. When a context line is wider than [`CLIP_COLUMNS`], a clipped copy of
    /// the lines around the labels is made and the spans are shifted into it.
    pub(super) fn source_for(
        &'a self,
        spans: &[(usize, usize)],
    ) -> (Source<'a>, Vec<(usize, usize)>) {
        let len = self.file.text.len();
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
        // A line's length is the same masked or not: read from the file's own text.
        let long = ranges
            .iter()
            .any(|&(a, b)| (a..=b).any(|l| self.line_len(l) > CLIP_COLUMNS));
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
                snippet.text.push_str(self.get(end, ending).unwrap_or(""));
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
pub(super) fn clip_window(body: &str, anchor: usize) -> (usize, usize) {
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
pub(super) enum Source<'a> {
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
pub(super) struct Snippet {
    name: String,
    text: String,
    segments: Vec<Segment>,
    lines: Vec<ClipLine>,
    /// File offset of each label's start → its 0-based column in characters, for the header.
    columns: Vec<(usize, usize)>,
}

pub(super) struct Segment {
    /// 0-based line of the file where the segment starts.
    first_line: usize,
    start: usize,
    end: usize,
    lines: std::ops::Range<usize>,
}

/// One line of a snippet: where it is in the file, what was kept, where it is in the copy.
pub(super) struct ClipLine {
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
        let (inner, offset) = Contents::in_window(
            self.text.get(win_start..win_end),
            win_start,
            start,
            end,
            before,
            after,
        )?;
        let data: &'b [u8] = inner.data;
        // The column in the header is the file's, in characters, not the copy's.
        let column = if before == 0 {
            let at = self.unmap(start);
            self.columns
                .iter()
                .find(|c| c.0 == at)
                .map_or_else(|| at.saturating_sub(lines[line_of(start)].start), |c| c.1)
        } else {
            inner.column
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(offset.into(), inner.data.len()),
            seg.first_line + first + inner.line,
            column,
            inner.line_count,
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
        let len = self.file.text.len();
        let start = span.offset().min(len);
        let end = (span.offset() + span.len()).min(len);
        let first = self.file.line_of(start).saturating_sub(before);
        let last = (self.file.line_of(end.saturating_sub(1).max(start)) + after)
            .min(self.file.line_count() - 1);
        let win_start = self.file.line_start(first);
        let win_end = self.file.line_start(last + 1).min(len);
        let (inner, offset) = Contents::in_window(
            self.get(win_start, win_end),
            win_start,
            start,
            end,
            before,
            after,
        )?;
        let data: &'b [u8] = inner.data;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(offset.into(), inner.data.len()),
            first + inner.line,
            // miette counts the header's column in bytes; people count characters.
            if before == 0 {
                self.file.line_col(start).1 - 1
            } else {
                inner.column
            },
            inner.line_count,
        )))
    }
}

/// What miette's `SourceCode` for bytes reads for a span with context lines (its
/// `context_info`, the same fields by the same rules): the lines around the span, the
/// 0-based line and column where they start, and the number of line ends read. miette reads
/// it byte by byte; here the runs between line ends are passed over with `memchr2` (reading
/// spans was a tenth of human output's rendering at 100,000 items).
struct Contents<'a> {
    data: &'a [u8],
    /// Where `data` starts in the input.
    start: usize,
    line: usize,
    column: usize,
    line_count: usize,
}

impl<'a> Contents<'a> {
    /// [`Contents::read`] of the span `start..end` (offsets in the file) in `window`, the
    /// lines from `win_start` that hold it and its context, with where the contents start in
    /// the file.
    fn in_window(
        window: Option<&'a str>,
        win_start: usize,
        start: usize,
        end: usize,
        before: usize,
        after: usize,
    ) -> Result<(Self, usize), MietteError> {
        let window = window.ok_or(MietteError::OutOfBounds)?;
        let at = start
            .checked_sub(win_start)
            .ok_or(MietteError::OutOfBounds)?;
        let inner = Contents::read(
            window.as_bytes(),
            at,
            end.saturating_sub(start),
            before,
            after,
        )
        .ok_or(MietteError::OutOfBounds)?;
        let offset = win_start + inner.start;
        Ok((inner, offset))
    }

    /// The contents of `input` for the span of `len` bytes at `at`, with `before` and `after`
    /// context lines: `None` where miette reads out of bounds (or would cut a range that
    /// does not exist).
    fn read(input: &'a [u8], at: usize, len: usize, before: usize, after: usize) -> Option<Self> {
        // A byte at or past `last` is past the span. (miette asks a line end for one more
        // byte when the span is empty, which can only be `at`: a line end before `at` is
        // read as before the span first.)
        let last = (at + len).saturating_sub(1);
        let (mut line_count, mut start_line, mut column) = (0usize, 0usize, 0usize);
        let mut before_starts: std::collections::VecDeque<usize> =
            std::collections::VecDeque::new();
        let (mut line_start, mut end_lines) = (0usize, 0usize);
        let (mut post_span, mut got_line_end) = (false, false);
        let n = input.len();
        let mut p = 0;
        let offset = loop {
            // The bytes up to the next line end: counted into the column before the span;
            // the first at or past `last` marks the span read.
            let end = memchr::memchr2(b'\r', b'\n', &input[p..]).map_or(n, |k| p + k);
            if p < end {
                if p < at {
                    column += end.min(at) - p;
                }
                let q = p.max(last);
                if q < end {
                    post_span = true;
                    if end_lines >= after {
                        break q + 1;
                    }
                }
                p = end;
            }
            if p >= n {
                break n;
            }
            line_count += 1;
            if input[p] == b'\r' && input.get(p + 1) == Some(&b'\n') {
                p += 1;
            }
            if p < at {
                column = 0;
                before_starts.push_back(line_start);
                if before_starts.len() > before {
                    start_line += 1;
                    before_starts.pop_front();
                }
            } else if p >= last && post_span {
                column = 0;
                if got_line_end {
                    end_lines += 1;
                } else {
                    got_line_end = true;
                }
                if end_lines >= after {
                    break p + 1;
                }
            }
            line_start = p + 1;
            if p >= last {
                post_span = true;
                if end_lines >= after {
                    break p + 1;
                }
            }
            p += 1;
        };
        if offset < last {
            return None;
        }
        let start = before_starts
            .front()
            .copied()
            .unwrap_or(if before == 0 { at } else { 0 });
        Some(Contents {
            data: input.get(start..offset)?,
            start,
            line: start_line,
            column: if before == 0 { column } else { 0 },
            line_count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Contents;
    use miette::{SourceCode, SourceSpan};

    /// A read as (data, start, line, column, line count).
    type Read = Option<(Vec<u8>, usize, usize, usize, usize)>;

    /// Both reads of `input`.
    fn both(input: &[u8], at: usize, len: usize, before: usize, after: usize) -> [Read; 2] {
        let ours = Contents::read(input, at, len, before, after)
            .map(|c| (c.data.to_vec(), c.start, c.line, c.column, c.line_count));
        let theirs = input
            .read_span(&SourceSpan::new(at.into(), len), before, after)
            .ok()
            .map(|c| {
                (
                    c.data().to_vec(),
                    c.span().offset(),
                    c.line(),
                    c.column(),
                    c.line_count(),
                )
            });
        [ours, theirs]
    }

    #[test]
    fn spans_read_as_miette_reads_them() {
        let text = b"a\nbb\r\ncc\rdd\n\nlast line\r\n";
        for at in 0..=text.len() {
            for len in 0..=text.len() - at {
                for before in 0..3 {
                    for after in 0..3 {
                        let [ours, theirs] = both(text, at, len, before, after);
                        assert_eq!(ours, theirs, "{at} {len} {before} {after}");
                    }
                }
            }
        }
    }

    /// A line's length read from the file's text is that of the line as masked and shown.
    #[test]
    fn line_lengths_are_those_of_the_lines_shown() {
        use crate::source::SourceSet;
        for text in [
            "a\nbb\r\nc\x1bc\rd\n\n\u{202e}x\r",
            "only\r",
            "crlf\r\n",
            "",
            "\n",
        ] {
            let mut sources = SourceSet::new();
            let id = sources.add_spec("f.align", text);
            let view = super::FileView::new(sources.get(id));
            for l in 0..sources.get(id).line_count() {
                assert_eq!(view.line_len(l), view.line(l).1.len(), "{text:?} line {l}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_span_reads_as_miette_reads_it(
            text in "([ab]|\n|\r|\r\n|漢){0,40}",
            at in 0usize..48,
            len in 0usize..48,
            before in 0usize..3,
            after in 0usize..3,
        ) {
            let bytes = text.as_bytes();
            let at = at.min(bytes.len());
            let len = len.min(bytes.len() - at);
            let [ours, theirs] = both(bytes, at, len, before, after);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }
}
