//! The ground floor: the vocabulary every layer shares and nothing else. It imports no other
//! module of the crate.
//!
//! Places ([`FileId`], [`Span`]), calendar dates ([`Date`]), text in two languages
//! ([`Text`], [`StaticText`], [`Lang`]), did-you-mean suggestions and the sanitiser that keeps
//! control characters out of every line align prints; line starts of a text, and the chunk
//! length of parallel loops.

pub mod date;
pub mod sanitize;
pub mod span;
pub mod suggest;
pub mod swar;
pub mod text;
pub mod timing;

/// The byte offset of each line's start: 0, then one past each `\n` (found with memchr).
/// The CLI's source files and the language server's line index are both built on it.
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    starts
}

/// The bytes `start..end` of `text` as a view sharing its buffer (no copy); an empty string if
/// the range is not one of `text`'s (out of bounds, or not on character boundaries).
pub fn substr(text: &ArcStr, start: usize, end: usize) -> Substr {
    if text.get(start..end).is_some() {
        text.substr(start..end)
    } else {
        Substr::new()
    }
}

/// The length of the chunks that split `len` items over the cores for rayon: about four per
/// core, so that uneven chunks even out, and at least `min`, so that a small input stays in
/// one chunk.
pub fn chunk_len(len: usize, min: usize) -> usize {
    (len / (rayon::current_num_threads() * 4)).max(min).max(1)
}

pub use arcstr::{ArcStr, Substr};
pub use date::Date;
pub use span::{FileId, Span};
pub use text::{or_list, with_article, Lang, StaticText, Text};

#[cfg(test)]
mod tests {
    use super::*;

    /// A view reads as the bytes it was cut from and shares the text; a range that is not the
    /// text's gives an empty string, never a panic.
    #[test]
    fn substrings_share_their_text_and_never_panic() {
        let text = ArcStr::from("item I1 “治験”");
        let id = substr(&text, 5, 7);
        assert_eq!(id, "I1");
        assert!(std::ptr::eq(id.parent().as_ptr(), text.as_ptr()));
        assert_eq!(substr(&text, 11, 17), "治験");
        assert_eq!(substr(&text, 11, 12), "", "inside a character");
        assert_eq!(substr(&text, 7, 5), "", "backwards");
        assert_eq!(substr(&text, 0, 99), "", "past the end");
        assert_eq!(substr(&text, 0, 0), "");
    }

    #[test]
    fn line_starts_follow_each_newline_whatever_the_characters_before() {
        assert_eq!(line_starts(""), [0]);
        assert_eq!(line_starts("a\nbc\n"), [0, 2, 5]);
        // Multi-byte characters and a CRLF: offsets are bytes, the line starts after `\n`.
        assert_eq!(line_starts("計画\r\nx\n\n"), [0, 8, 10, 11]);
    }

    #[test]
    fn a_chunk_is_at_least_min_and_splits_a_large_input_over_the_cores() {
        assert_eq!(chunk_len(10, 1024), 1024);
        assert_eq!(chunk_len(0, 0), 1);
        let big = 1 << 24;
        let chunk = chunk_len(big, 1024);
        assert!(chunk < big && chunk >= 1024, "{chunk}");
    }
}
