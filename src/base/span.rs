//! Places in the sources: a file's number in the run and a byte range in it.

/// A file's number in the run's source set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file. `start <= end`, both on char boundaries.
///
/// Offsets are kept in 32 bits (a span is 12 bytes, not 24: every node, key, value, reference
/// and finding carries one or more): a file is at most [`Span::MAX_OFFSET`] bytes, which the
/// loader enforces (`--max-file-size` is at most `source::MAX_SPEC_FILE_SIZE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    start: u32,
    end: u32,
}

impl Span {
    /// The largest offset a span holds; a larger one is cut to it.
    pub const MAX_OFFSET: usize = u32::MAX as usize;

    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: offset(start),
            end: offset(end),
        }
    }

    pub fn start(&self) -> usize {
        self.start as usize
    }

    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// The byte range, to slice the file's text with.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// An offset in 32 bits, cut to [`Span::MAX_OFFSET`] (no file the loader accepts is longer).
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_is_twelve_bytes_and_keeps_its_offsets() {
        assert_eq!(std::mem::size_of::<Span>(), 12);
        let s = Span::new(FileId(3), 7, 4_000_000_000);
        assert_eq!(
            (s.start(), s.end(), s.len()),
            (7, 4_000_000_000, 3_999_999_993)
        );
        assert_eq!(s.range(), 7..4_000_000_000);
        // Past 32 bits an offset is cut (the loader refuses such files).
        assert_eq!(Span::new(FileId(0), 0, usize::MAX).end(), Span::MAX_OFFSET);
    }
}
