//! Where a span is, for machine-readable renderers: file, 1-based line and column (in
//! characters) of both ends, and byte offsets.

use crate::diag::Span;
use crate::source::SourceSet;

/// One end of a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in Unicode scalar values (characters); a leading BOM is not counted.
    pub column: usize,
    /// Byte offset from the start of the file.
    pub offset: usize,
}

/// A span resolved against its file (whose name it borrows).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Location<'a> {
    /// The path as shown to the user (relative as given on the command line).
    pub file: &'a str,
    pub start: Position,
    /// The position just after the last character (exclusive).
    pub end: Position,
}

impl<'a> Location<'a> {
    pub fn of(span: Span, sources: &'a SourceSet) -> Location<'a> {
        let file = sources.get(span.file);
        let at = |offset: usize, (line, column): (usize, usize)| Position {
            line,
            column,
            offset: offset.min(file.text.len()),
        };
        let (start, end) = (span.start(), span.end().max(span.start()));
        let (a, b) = file.line_cols(start, end);
        Location {
            file: &file.name,
            start: at(start, a),
            end: at(end, b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_ends_are_exclusive() {
        let mut sources = SourceSet::new();
        let id = sources.add_spec("a.align", "goal G1 \"目標\"\nitem I1\n");
        // `"目標"`: bytes 8..16, characters 9..13 on line 1.
        let loc = Location::of(Span::new(id, 8, 16), &sources);
        assert_eq!(
            (loc.start.line, loc.start.column, loc.start.offset),
            (1, 9, 8)
        );
        assert_eq!((loc.end.line, loc.end.column, loc.end.offset), (1, 13, 16));
        let loc = Location::of(Span::new(id, 17, 21), &sources);
        assert_eq!((loc.start.line, loc.start.column), (2, 1));
        assert_eq!((loc.end.line, loc.end.column), (2, 5));
    }
}
