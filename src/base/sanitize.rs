//! Terminal and CI-log safety: text from a spec, a file name or a rule set is printed through
//! [`line`], the one sanitiser, at the point where it is rendered, in every renderer.
//!
//! What it guards against: a control character (ESC starts a terminal escape sequence, a lone
//! `\r` returns to the start of the line and overwrites it), a bidi control that reorders what
//! is shown (Trojan Source), and a line break. A raw newline followed by `::error …` would be
//! a line of its own in a CI log, which GitHub Actions runs as a workflow command (it trims
//! leading spaces first, so indenting the line is no defence). Source snippets are the one
//! exception: they are multi-line by nature, go through [`mask_controls`], and every line of
//! them starts with a line number and a gutter.

use std::borrow::Cow;
use std::fmt::Write;

/// The sanitiser: `s` made safe to print on one line. Control characters (newline and
/// carriage return included, tab excepted), bidi controls and the Unicode line and paragraph
/// separators are escaped as `\u{1b}`; the output holds none of them, so sanitising twice
/// changes nothing.
pub fn line(s: &str) -> Cow<'_, str> {
    if first_where(s, &SUSPECT, |_, c| breaks_line(c)).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if breaks_line(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Multi-line text (a rule's example), line by line, each through [`line`]. A line that
/// would start with `::` once its leading spaces are trimmed has its first `:` escaped as
/// `\u{3a}`: printed on a line of its own, it would otherwise be a workflow command.
pub fn lines(s: &str) -> impl Iterator<Item = Cow<'_, str>> {
    s.lines().map(|l| {
        let safe = line(l);
        let indent = safe.len() - safe.trim_start().len();
        if safe[indent..].starts_with("::") {
            Cow::Owned(format!(
                "{}\\u{{3a}}{}",
                &safe[..indent],
                &safe[indent + 1..]
            ))
        } else {
            safe
        }
    })
}

/// The same text with each unsafe character replaced by `?` repeated to its UTF-8 length, so
/// byte offsets into it stay valid (for source snippets). The `\r` of a CRLF is kept; a lone
/// `\r` is masked (a terminal would return to the start of the line and overwrite it).
pub fn mask_controls(s: &str) -> Cow<'_, str> {
    let unsafe_at = |i: usize, c: char| {
        if c == '\r' {
            !s[i + 1..].starts_with('\n')
        } else {
            is_unsafe(c)
        }
    };
    if first_where(s, &SUSPECT_MASKED, unsafe_at).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if unsafe_at(i, c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether [`mask_controls`] may change `s`: `false` only when it gives `s` back as it is (a
/// byte scan, no decoding: `s` holds no byte that starts a character it masks).
pub fn may_need_mask(s: &str) -> bool {
    use crate::base::swar::{self, byte, byte_below};
    let suspect = |b: &u8| SUSPECT_MASKED[usize::from(*b)];
    let mut words = s.as_bytes().chunks_exact(8);
    // Eight bytes at a time; a word that holds a control (a line feed, mostly) or a lead byte
    // of the table is looked at byte by byte.
    for w in &mut words {
        let word = swar::load(w);
        let may = byte_below(word, 0x20)
            | byte(word, 0x7f)
            | byte(word, 0xc2)
            | byte(word, 0xd8)
            | byte(word, 0xe2);
        if may != 0 && w.iter().any(suspect) {
            return true;
        }
    }
    words.remainder().iter().any(suspect)
}

/// At most `max` characters of `s`, with `…` at the end when text was cut (a 100 MB title
/// in a message would otherwise be printed whole).
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    // No more characters than bytes: most texts are known short without counting.
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((at, _)) => Cow::Owned(format!("{}…", &s[..at])),
    }
}

/// Text from a spec shown in a terminal: at most `max` chars, through [`line`].
pub fn for_terminal(s: &str, max: usize) -> String {
    line(&clip(s, max)).into_owned()
}

/// Whether a character starting with this byte may be one that [`breaks_line`] or
/// [`is_unsafe`] names: a C0 control (newline and tab included, for `line`), DEL, U+0080 to
/// U+00BF (the C1 controls), U+0600 to U+063F (U+061C) and U+2000 to U+2FFF (the bidi controls
/// and the line and paragraph separators). Text of any other lead byte (ASCII, kana, kanji)
/// needs no decoding to be known safe.
const SUSPECT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7f] = true;
    table[0xc2] = true;
    table[0xd8] = true;
    table[0xe2] = true;
    table
};

/// [`SUSPECT`] without the line feed and the tab, which [`mask_controls`] keeps: a source
/// file is scanned whole for its snippets, and stopping at every line's end to decode it was
/// most of the scan.
const SUSPECT_MASKED: [bool; 256] = {
    let mut table = SUSPECT;
    table[b'\n' as usize] = false;
    table[b'\t' as usize] = false;
    table
};

/// The byte offset of the first character of `s` for which `unsafe_at(offset, char)` holds,
/// decoding only characters whose lead byte `suspect` marks (every character `unsafe_at` may
/// hold for must be marked): byte by byte, not char by char.
fn first_where(
    s: &str,
    suspect: &[bool; 256],
    unsafe_at: impl Fn(usize, char) -> bool,
) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(k) = bytes
        .get(from..)?
        .iter()
        .position(|&b| suspect[usize::from(b)])
    {
        let i = from + k;
        // A suspect byte is ASCII or a lead byte: always the start of a character.
        let c = s.get(i..).and_then(|rest| rest.chars().next())?;
        if unsafe_at(i, c) {
            return Some(i);
        }
        from = i + c.len_utf8();
    }
    None
}

/// A character that must not reach a terminal raw, other than a line break.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
        )
}

/// What [`line`] escapes: [`is_unsafe`], a newline, or a Unicode line or paragraph separator.
fn breaks_line(c: char) -> bool {
    is_unsafe(c) || matches!(c, '\n' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte scan finds what a scan of every character finds: every character that
        /// `breaks_line` or `is_unsafe` names starts with a suspect byte.
        #[test]
        fn the_byte_scan_finds_the_first_unsafe_character(
            s in "(\\PC|[\\x00-\\x1f\\x7f-\\u{a0}\\u{61c}\\u{2000}-\\u{206f}\\u{3000}あ漢\r\n])*"
        ) {
            let by_char = |f: &dyn Fn(char) -> bool| s.char_indices().find(|&(_, c)| f(c)).map(|(i, _)| i);
            proptest::prop_assert_eq!(first_where(&s, &SUSPECT, |_, c| breaks_line(c)), by_char(&breaks_line));
            proptest::prop_assert_eq!(first_where(&s, &SUSPECT, |_, c| is_unsafe(c)), by_char(&is_unsafe));
            let masked = |c: char| is_unsafe(c) || c == '\r';
            proptest::prop_assert_eq!(first_where(&s, &SUSPECT_MASKED, |_, c| masked(c)), by_char(&masked));
            if !may_need_mask(&s) {
                proptest::prop_assert_eq!(mask_controls(&s), s.as_str());
            }
            proptest::prop_assert_eq!(
                may_need_mask(&s),
                s.bytes().any(|b| SUSPECT_MASKED[usize::from(b)])
            );
        }
    }

    #[test]
    fn every_unsafe_character_starts_with_a_suspect_byte() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if breaks_line(c) || is_unsafe(c) {
                let mut buf = [0u8; 4];
                let lead = c.encode_utf8(&mut buf).as_bytes()[0];
                assert!(SUSPECT[usize::from(lead)], "{c:?}");
                if is_unsafe(c) {
                    assert!(SUSPECT_MASKED[usize::from(lead)], "{c:?}");
                }
            }
        }
    }

    /// Every character masking changes is seen at every place of a word, among text that
    /// needs none (ASCII, kana, kanji, a line feed and a tab).
    #[test]
    fn a_text_that_may_need_masking_is_seen_at_any_place() {
        for clean in [
            "ab\tあ漢c\nd efgh ijk",
            "abcdefghijklmnopqrstuvwx",
            "あいうえおかきくけこ漢字",
        ] {
            assert!(!may_need_mask(clean));
            seen_at_any_place(clean);
        }
    }

    fn seen_at_any_place(clean: &str) {
        for c in [
            '\u{1b}', '\r', '\u{7f}', '\u{85}', '\u{61c}', '\u{202e}', '\u{2066}',
        ] {
            for at in clean.char_indices().map(|(i, _)| i).chain([clean.len()]) {
                let s = format!("{}{c}{}", &clean[..at], &clean[at..]);
                assert!(may_need_mask(&s), "{s:?}");
                // (A CRLF's carriage return is kept.)
                if !(c == '\r' && clean[at..].starts_with('\n')) {
                    assert_ne!(mask_controls(&s), s.as_str(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(line("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(line("x\u{61c}y\u{2028}z"), "x\\u{61c}y\\u{2028}z");
        assert_eq!(mask_controls("\u{61c}"), "??");
        assert_eq!(line("日本\t語"), "日本\t語");
        assert_eq!(
            mask_controls("a\x1bb\u{202e}c").len(),
            "a\x1bb\u{202e}c".len()
        );
    }

    #[test]
    fn a_line_break_never_starts_a_workflow_command() {
        let title = "G1 \"t\"\n::error file=x::pwned\r\n::warning::y";
        let safe = line(title);
        assert!(!safe.contains('\n') && !safe.contains('\r'), "{safe}");
        assert_eq!(line(&safe), safe, "idempotent");
        assert_eq!(
            lines("a\n\x1bb\n  ::error::x\n:ok").collect::<Vec<_>>(),
            vec!["a", "\\u{1b}b", "  \\u{3a}:error::x", ":ok"]
        );
    }

    #[test]
    fn clip_cuts_on_char_boundaries() {
        assert_eq!(clip("日本語", 2), "日本…");
        assert_eq!(clip("日本語", 3), "日本語");
        assert_eq!(clip("日本語", 9), "日本語");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "abc…");
        assert_eq!(for_terminal("a\x1bb", 10), "a\\u{1b}b");
    }

    #[test]
    fn h3_osc8_and_lone_cr_never_reach_the_terminal() {
        let osc8 = "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\";
        assert!(!line(osc8).contains('\x1b'));
        assert!(!mask_controls(osc8).contains('\x1b'));
        assert_eq!(mask_controls("a\rb\r\nc\r"), "a?b\r\nc?");
        assert_eq!(line("a\rb"), "a\\u{d}b");
        assert_eq!(mask_controls("x\u{85}y").len(), "x\u{85}y".len());
    }
}
