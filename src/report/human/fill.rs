//! The lines textwrap's `fill` gives for a message wider than a line, as miette asks for them
//! (break opportunities of the Unicode line breaking algorithm, hyphens, words wider than a
//! line broken between characters, first fit, an indent on every line), worked out without
//! textwrap's per-word iterators and copies: a long message's wrapping was a fifth of human
//! output's rendering at 100,000 items, of which the break opportunities (found by the same
//! segmenter here) are a third.
//!
//! [`fill`] gives textwrap's bytes exactly; a text this module does not lay out itself (a line
//! feed, an escape sequence) is handed to textwrap. Tests compare the two.

use crate::report::wrap::char_columns;
use icu_segmenter::options::LineBreakOptions;
use icu_segmenter::{LineSegmenter, LineSegmenterBorrowed};

/// The segmenter textwrap's `unicode-linebreak` feature builds (without the complex scripts,
/// as align builds textwrap): the same break opportunities.
static SEGMENTER: LineSegmenterBorrowed<'static> =
    LineSegmenter::new_for_non_complex_scripts(LineBreakOptions::default());

/// Soft hyphen: textwrap does not break after it.
const SHY: char = '\u{00ad}';

/// A piece of the line a line may end after: `start..end` is its text, `end..ws_end` the
/// spaces after it.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    ws_end: usize,
    width: usize,
}

/// `textwrap::fill(text, Options::new(width).initial_indent(first).subsequent_indent(rest)
/// .break_words(true))`, with textwrap's default word separator, splitter and algorithm as
/// align builds it (Unicode line breaks, hyphens, first fit). `first` and `rest` must not be
/// empty.
pub(super) fn fill(text: &str, width: usize, first: &str, rest: &str) -> String {
    if first.is_empty() || rest.is_empty() || text.contains(['\n', '\x1b']) {
        return textwrap::fill(text, options(width, first, rest));
    }
    let widths = [
        width.saturating_sub(textwrap::core::display_width(first)),
        width.saturating_sub(textwrap::core::display_width(rest)),
    ];
    // About one word for every three bytes of a Japanese text: room for them at once.
    let mut words = Vec::with_capacity(text.len() / 3 + 2);
    words.push(Word {
        start: 0,
        end: 0,
        ws_end: 0,
        width: 0,
    });
    // The words, split at hyphens, then broken where wider than a continuation line.
    find_words(text, |start, ws_end| {
        let end = start + text[start..ws_end].trim_end_matches(' ').len();
        let mut from = start;
        // (Most words hold no hyphen: a Japanese text's are one character each.)
        if memchr::memchr(b'-', &text.as_bytes()[start..end]).is_some() {
            for cut in hyphen_splits(&text[start..end]) {
                push_broken(&mut words, text, from, start + cut, start + cut, widths[1]);
                from = start + cut;
            }
        }
        push_broken(&mut words, text, from, end, ws_end, widths[1]);
    });
    let mut out = String::with_capacity(text.len() + 2 * first.len() + 8 * rest.len());
    // First fit (textwrap's `wrap_first_fit`, in integers: its sums of widths are exact).
    let mut lines = 0;
    let mut emit = |line: &[Word], out: &mut String| {
        if let (Some(head), Some(last)) = (line.first(), line.last()) {
            if lines > 0 {
                out.push('\n');
            }
            out.push_str(if lines == 0 { first } else { rest });
            // The line's words, without the spaces after its last.
            out.push_str(&text[head.start..last.end]);
            lines += 1;
        }
        lines
    };
    let (mut start, mut used, mut done) = (0, 0, 0);
    for (i, w) in words.iter().enumerate() {
        let room = widths[usize::from(done > 0)];
        if used + w.width > room && i > start {
            done = emit(&words[start..i], &mut out);
            start = i;
            used = 0;
        }
        used += w.width + (w.ws_end - w.end);
    }
    emit(&words[start..], &mut out);
    out
}

/// textwrap's options for [`fill`]'s arguments.
fn options<'a>(width: usize, first: &'a str, rest: &'a str) -> textwrap::Options<'a> {
    textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(true)
}

/// Hands `word(start, end)` each word of `line` with the spaces after it, in order: the line
/// split at its break opportunities but the last (its end), leaving out those after `-` (the
/// hyphen splitter's) and after a soft hyphen, as textwrap's `find_words` does.
fn find_words(line: &str, mut word: impl FnMut(usize, usize)) {
    let breaks = SEGMENTER.segment_str(line).filter(|&at| {
        at > 0
            && !matches!(
                line.get(..at).and_then(|before| before.chars().next_back()),
                Some('-' | SHY)
            )
    });
    // Each break handed on when the next is known: the last is left out.
    let (mut start, mut pending) = (0, None);
    for at in breaks {
        if let Some(cut) = pending.replace(at) {
            word(start, cut);
            start = cut;
        }
    }
    if start < line.len() {
        word(start, line.len());
    }
}

/// Where textwrap's hyphen splitter cuts `word`: after each `-` between two alphanumeric
/// characters.
fn hyphen_splits(word: &str) -> impl Iterator<Item = usize> + '_ {
    word.match_indices('-').filter_map(move |(at, _)| {
        let before = word[..at].chars().next_back();
        let after = word[at + 1..].chars().next();
        (before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric))
            .then_some(at + 1)
    })
}

/// The word `start..end` with the spaces up to `ws_end`, broken between characters into
/// pieces no wider than `room` when it is wider (textwrap's `break_words`; only the last piece
/// keeps the spaces).
fn push_broken(
    words: &mut Vec<Word>,
    text: &str,
    start: usize,
    end: usize,
    ws_end: usize,
    room: usize,
) {
    let piece = &text[start..end];
    let width = display_width(piece);
    if width <= room {
        words.push(Word {
            start,
            end,
            ws_end,
            width,
        });
        return;
    }
    let (mut from, mut used) = (start, 0);
    for (at, c) in piece.char_indices() {
        let cw = char_columns(c);
        if used > 0 && used + cw > room {
            words.push(Word {
                start: from,
                end: start + at,
                ws_end: start + at,
                width: used,
            });
            from = start + at;
            used = 0;
        }
        used += cw;
    }
    words.push(Word {
        start: from,
        end,
        ws_end,
        width: used,
    });
}

/// textwrap's `display_width` of a text without escape sequences: the sum of its characters'
/// widths (`unicode-width`'s, a control none).
fn display_width(s: &str) -> usize {
    s.chars().map(char_columns).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(text: &str, width: usize, first: &str, rest: &str) {
        assert_eq!(
            fill(text, width, first, rest),
            textwrap::fill(text, options(width, first, rest)),
            "{text:?} at {width}"
        );
    }

    #[test]
    fn messages_wrap_as_textwrap_wraps_them() {
        let (first, rest) = ("  × ", "  │ ");
        let colored = ("  \x1b[31m×\x1b[0m ", "  \x1b[31m│\x1b[0m ");
        for text in [
            "item I1.1.1 “感染症に向けた認知症を活用した在宅医療機器に向けた基盤構築の普及” is in the scope of no program",
            "項目 I1.1.1「感染症に向けた認知症を活用した在宅医療機器に向けた基盤構築の普及」を対象とする事業がありません",
            "mhlw.p00001 covers I1.1.1, but its `scope` has none of these `topics` (pediatric, rare-disease, start-up)",
            "a-very-long-hyphenated-identifier-that-goes-on-and-on-and-on-well-past-the-end-of-any-line-at-all",
            "averylongwordwithoutanybreakopportunityatallthatiswiderthanthewholelineofthisterminalwindowforsure ok",
            "  leading spaces, trailing spaces   ",
            "double  spaces  and -- dashes --x x-- -y soft\u{00ad}hyphen ends with-",
            "",
            " ",
            "-",
            "emoji 👍🏽 and combining e\u{301} and zero\u{200b}width and tabs\tin text",
            "全角（括弧）と「かぎ括弧」、句読点。長音ー々ゃ",
        ] {
            for width in [0, 1, 5, 10, 20, 38, 60, 98, 200] {
                same(text, width, first, rest);
                same(text, width, colored.0, colored.1);
                same(&text.repeat(3), width, first, rest);
            }
        }
    }

    #[test]
    fn texts_it_does_not_lay_out_go_to_textwrap() {
        same(
            "two\nlines that are long enough to wrap somewhere",
            10,
            "  × ",
            "  │ ",
        );
        same("an \x1b[1mescape\x1b[0m in the text", 10, "  × ", "  │ ");
    }

    proptest::proptest! {
        #[test]
        fn any_text_wraps_as_textwrap_wraps_it(
            text in "([a-z0-9 ._`“”、。（）「」ー-]|漢|字|あ|ア|\u{00ad}|\u{301}|👍|\t){0,120}",
            width in 0usize..60,
        ) {
            proptest::prop_assert_eq!(
                fill(&text, width, "  × ", "  │ "),
                textwrap::fill(&text, options(width, "  × ", "  │ "))
            );
        }
    }
}
