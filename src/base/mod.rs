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

/// The length of the chunks that split `len` items over the cores for rayon: about
/// `per_core` a core, so that uneven chunks even out (more where the items' work varies
/// much), and at least `min`, so that a small input stays in one chunk.
pub fn chunk_len(len: usize, per_core: usize, min: usize) -> usize {
    (len / (rayon::current_num_threads() * per_core).max(1))
        .max(min)
        .max(1)
}

/// `parts` joined in order into one vector, moved on all cores: the result is first filled
/// with `blank()` in parallel (a large result is fresh memory, and the pages were faulted in
/// on one core while the others waited: 10-13 ms for the 168k nodes of the peers' 100k
/// corpus), then each item moved into its place. A small result is joined in one pass.
pub fn join_parts<T: Send>(parts: Vec<Vec<T>>, blank: impl Fn() -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    /// Below this many items, one pass on one core is cheaper than the two passes in parallel.
    const PARALLEL_FROM: usize = 1 << 14;
    let total: usize = parts.iter().map(Vec::len).sum();
    let mut all: Vec<T> = Vec::with_capacity(total);
    if total < PARALLEL_FROM {
        for mut part in parts {
            all.append(&mut part);
        }
        return all;
    }
    all.par_extend((0..total).into_par_iter().map(|_| blank()));
    let mut rest = all.as_mut_slice();
    let mut places = Vec::with_capacity(parts.len());
    for part in &parts {
        let (here, after) = std::mem::take(&mut rest).split_at_mut(part.len());
        places.push(here);
        rest = after;
    }
    places.into_par_iter().zip(parts).for_each(|(here, part)| {
        here.par_iter_mut()
            .zip(part)
            .for_each(|(slot, item)| *slot = item);
    });
    all
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

    /// Joined in parallel or in one pass, the items in order, each once: the same as
    /// concatenating the parts (empty parts, uneven parts, one part).
    #[test]
    fn parts_are_joined_in_order() {
        for sizes in [
            vec![],
            vec![0, 3, 0, 2],
            vec![1 << 15],
            vec![5, 1 << 14, 0, 7, 1 << 13, 1],
        ] {
            let mut next = 0usize;
            let parts: Vec<Vec<String>> = sizes
                .iter()
                .map(|&n| {
                    (0..n)
                        .map(|_| {
                            next += 1;
                            next.to_string()
                        })
                        .collect()
                })
                .collect();
            let expected: Vec<String> = parts.concat();
            assert_eq!(join_parts(parts, String::new), expected, "{sizes:?}");
        }
    }

    #[test]
    fn a_chunk_is_at_least_min_and_splits_a_large_input_over_the_cores() {
        assert_eq!(chunk_len(10, 4, 1024), 1024);
        assert_eq!(chunk_len(0, 4, 0), 1);
        assert_eq!(chunk_len(100, 0, 0), 100, "no chunks a core: one chunk");
        let big = 1 << 24;
        let chunk = chunk_len(big, 4, 1024);
        assert!(
            chunk_len(big, 16, 1024) < chunk,
            "more chunks a core, shorter chunks"
        );
        assert!(chunk < big && chunk >= 1024, "{chunk}");
    }
}
