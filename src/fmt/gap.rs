//! The trivia between two nodes of the syntax tree: the comments there, where the line breaks
//! and blank lines fall, and whether a comment ends the line of what precedes it.

use crate::syntax::{Token, TokenKind};

/// What lies between two nodes (or between a bracket and a node).
#[derive(Debug, Default)]
pub(super) struct Gap<'a> {
    /// A comment on the same line as what precedes the gap: it stays on that line.
    pub(super) trailing: Option<&'a str>,
    /// What follows the first line break: comments on their own lines and blank lines (a run
    /// of blank lines is one `Blank`).
    pub(super) lines: Vec<Line<'a>>,
    /// Whether the gap holds a line break.
    pub(super) newline: bool,
}

/// One line of a gap after its first line break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Line<'a> {
    Blank,
    Comment(&'a str),
}

impl Gap<'_> {
    /// Whether the gap holds a comment.
    pub(super) fn has_comment(&self) -> bool {
        self.trailing.is_some() || self.lines.iter().any(|l| matches!(l, Line::Comment(_)))
    }
}

/// A token in a gap that is not trivia, a separator or a comment: the syntax tree does not
/// cover it, so laying the file out would lose it.
#[derive(Debug)]
pub(super) struct Uncovered {
    pub(super) offset: usize,
}

/// Reads the gap `start..end` of `text`. `line_start`: the gap begins a line (the start of
/// the file), so a first comment is on its own line, not trailing.
pub(super) fn read<'a>(
    text: &'a str,
    tokens: &[Token],
    start: usize,
    end: usize,
    line_start: bool,
) -> Result<Gap<'a>, Uncovered> {
    let mut gap = Gap {
        newline: false,
        ..Gap::default()
    };
    let mut seen_break = line_start;
    // Line breaks since the last comment (or since the start of the gap).
    let mut run = usize::from(line_start);
    let first = tokens.partition_point(|t| t.start < start);
    for t in tokens.iter().skip(first).take_while(|t| t.start < end) {
        match t.kind {
            TokenKind::Newline | TokenKind::LoneCr => {
                gap.newline = true;
                seen_break = true;
                run += 1;
            }
            TokenKind::Comment => {
                let comment = t.text(text).trim_end_matches([' ', '\t']);
                if seen_break {
                    if run >= 2 {
                        gap.lines.push(Line::Blank);
                    }
                    gap.lines.push(Line::Comment(comment));
                } else {
                    gap.trailing = Some(comment);
                }
                run = 0;
            }
            TokenKind::Whitespace
            | TokenKind::Bom
            | TokenKind::Semicolon
            | TokenKind::Comma
            | TokenKind::IdeographicSpace => {}
            _ => return Err(Uncovered { offset: t.start }),
        }
    }
    if run >= 2 {
        gap.lines.push(Line::Blank);
    }
    Ok(gap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tokenize;

    fn gap(text: &str) -> Gap<'_> {
        let tokens = tokenize(text);
        read(text, &tokens, 0, text.len(), false).unwrap()
    }

    #[test]
    fn trailing_comment_then_lines() {
        let g = gap(" ;  # a  \n\n\n  # b\n# c\n\n");
        assert_eq!(g.trailing, Some("# a"));
        assert_eq!(
            g.lines,
            [
                Line::Blank,
                Line::Comment("# b"),
                Line::Comment("# c"),
                Line::Blank
            ]
        );
        assert!(g.newline && g.has_comment());
    }

    #[test]
    fn separators_only() {
        let g = gap(" ; , ");
        assert!(!g.newline && !g.has_comment() && g.lines.is_empty());
    }

    #[test]
    fn a_value_in_a_gap_is_uncovered() {
        let text = " x ";
        let tokens = tokenize(text);
        assert_eq!(read(text, &tokens, 0, 3, false).unwrap_err().offset, 1);
    }
}
