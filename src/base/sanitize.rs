//! Terminal safety: spec text shown in human output never carries raw control characters.

use std::borrow::Cow;
use std::fmt::Write;

/// Control characters (other than newline and tab) escaped as `\u{1b}`.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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
    if !s.char_indices().any(|(i, c)| unsafe_at(i, c)) {
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

/// At most `max` characters of `s`, with `…` at the end when text was cut (a 100 MB title
/// in a message would otherwise be printed whole).
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((at, _)) => Cow::Owned(format!("{}…", &s[..at])),
    }
}

/// Text from a spec shown in a terminal: control characters escaped, at most `max` chars.
pub fn for_terminal(s: &str, max: usize) -> String {
    escape_controls(&clip(s, max)).into_owned()
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(escape_controls("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_controls("日本\t語"), "日本\t語");
        assert_eq!(
            mask_controls("a\x1bb\u{202e}c").len(),
            "a\x1bb\u{202e}c".len()
        );
    }

    #[test]
    fn clip_cuts_on_char_boundaries() {
        assert_eq!(clip("日本語", 2), "日本…");
        assert_eq!(clip("日本語", 3), "日本語");
        assert_eq!(for_terminal("a\x1bb", 10), "a\\u{1b}b");
    }

    #[test]
    fn h3_osc8_and_lone_cr_never_reach_the_terminal() {
        let osc8 = "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\";
        assert!(!escape_controls(osc8).contains('\x1b'));
        assert!(!mask_controls(osc8).contains('\x1b'));
        assert_eq!(mask_controls("a\rb\r\nc\r"), "a?b\r\nc?");
        assert_eq!(escape_controls("a\rb"), "a\\u{d}b");
        assert_eq!(mask_controls("x\u{85}y").len(), "x\u{85}y".len());
    }
}
