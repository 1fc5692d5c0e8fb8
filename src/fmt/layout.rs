//! The canonical layout (docs/language.md, "Canonical layout"): prints a file that parsed
//! without errors from its syntax tree, taking every leaf (kind, ID, key, value) verbatim from
//! the source and every comment from the trivia between the nodes.

use super::gap::{self, Gap, Line, Uncovered};
use crate::syntax::ast::{Block, Decl, Entry, File, Value, ValueKind};
use crate::syntax::Token;
use unicode_width::UnicodeWidthStr;

/// The width lists and one-line blocks are fitted to, in terminal columns (a CJK character is
/// two).
pub const WIDTH: usize = 120;
/// One level of indentation.
const INDENT: &str = "  ";
/// What separates a trailing comment from the code before it.
const BEFORE_TRAILING_COMMENT: &str = "   ";

/// Lays out `text` (which parsed as `ast` without errors, tokenized as `tokens`). Line breaks
/// are written as `nl`; the output ends with one line break unless it is empty.
pub(super) fn layout(
    text: &str,
    tokens: &[Token],
    ast: &File,
    nl: &str,
) -> Result<String, Uncovered> {
    let src = Source { text, tokens };
    let mut p = Printer::new(nl);
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if bom > 0 {
        p.out.push('\u{feff}');
    }
    let mut prev_end = bom;
    let mut prev_multiline = false;
    for (i, decl) in ast.decls.iter().enumerate() {
        let gap = src.gap(prev_end, decl.span.start(), i == 0)?;
        let mut sub = Printer::new(nl);
        src.decl(&mut sub, decl)?;
        let multiline = sub.lines > 0;
        let mut lines = gap.lines;
        if i == 0 {
            trim_blanks(&mut lines, true, false);
        } else {
            p.trailing(gap.trailing);
            p.newline();
            if (prev_multiline || multiline) && !lines.contains(&Line::Blank) {
                lines.insert(0, Line::Blank);
            }
        }
        p.lines(&lines, 0);
        p.append(&sub);
        prev_end = decl.span.end();
        prev_multiline = multiline;
    }
    let gap = src.gap(prev_end, text.len(), ast.decls.is_empty())?;
    let mut lines = gap.lines;
    trim_blanks(&mut lines, ast.decls.is_empty(), true);
    if !ast.decls.is_empty() {
        p.trailing(gap.trailing);
        p.newline();
    }
    p.lines(&lines, 0);
    Ok(p.out)
}

/// Drops blank lines at the start and/or the end of `lines`.
fn trim_blanks(lines: &mut Vec<Line<'_>>, start: bool, end: bool) {
    if start && lines.first() == Some(&Line::Blank) {
        lines.remove(0);
    }
    if end && lines.last() == Some(&Line::Blank) {
        lines.pop();
    }
}

/// The output under construction, with the display column of its last line.
struct Printer<'n> {
    out: String,
    col: usize,
    /// Line breaks written.
    lines: usize,
    nl: &'n str,
}

impl<'n> Printer<'n> {
    fn new(nl: &'n str) -> Self {
        Printer {
            out: String::new(),
            col: 0,
            lines: 0,
            nl,
        }
    }

    /// Writes source text verbatim (a multi-line string keeps its own line breaks).
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
        match s.rfind('\n') {
            Some(at) => {
                self.col = s.get(at + 1..).map_or(0, UnicodeWidthStr::width);
                self.lines += s.matches('\n').count();
            }
            None => self.col += s.width(),
        }
    }

    fn newline(&mut self) {
        self.out.push_str(self.nl);
        self.col = 0;
        self.lines += 1;
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.push(INDENT);
        }
    }

    fn trailing(&mut self, comment: Option<&str>) {
        if let Some(c) = comment {
            self.push(BEFORE_TRAILING_COMMENT);
            self.push(c);
        }
    }

    /// Writes own-line comments and blank lines, each ended by a line break.
    fn lines(&mut self, lines: &[Line<'_>], depth: usize) {
        for line in lines {
            if let Line::Comment(c) = line {
                self.indent(depth);
                self.push(c);
            }
            self.newline();
        }
    }

    fn append(&mut self, other: &Printer<'_>) {
        self.out.push_str(&other.out);
        if other.lines > 0 {
            self.col = other.col;
        } else {
            self.col += other.col;
        }
        self.lines += other.lines;
    }
}

struct Source<'a> {
    text: &'a str,
    tokens: &'a [Token],
}

impl<'a> Source<'a> {
    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    fn gap(&self, start: usize, end: usize, line_start: bool) -> Result<Gap<'a>, Uncovered> {
        gap::read(self.text, self.tokens, start, end, line_start)
    }

    /// `KIND ID ["title"] [block]` on one line (the block may open lines below).
    fn decl(&self, p: &mut Printer<'_>, decl: &Decl) -> Result<(), Uncovered> {
        p.push(self.slice(decl.kind.span.start(), decl.kind.span.end()));
        p.push(" ");
        p.push(self.slice(decl.id.span.start(), decl.id.span.end()));
        if let Some(title) = &decl.title {
            p.push(" ");
            p.push(self.slice(title.span.start(), title.span.end()));
        }
        if let Some(block) = &decl.block {
            p.push(" ");
            self.block(p, block, 0)?;
        }
        Ok(())
    }

    /// The gaps of a block: after `{`, between entries, before `}`.
    fn block_gaps(&self, block: &Block) -> Result<Vec<Gap<'a>>, Uncovered> {
        let close = block.span.end().saturating_sub(1);
        let mut gaps = Vec::with_capacity(block.entries.len() + 1);
        let mut prev = block.span.start() + 1;
        for e in &block.entries {
            gaps.push(self.gap(prev, e.span.start(), false)?);
            prev = e.span.end();
        }
        gaps.push(self.gap(prev, close, false)?);
        Ok(gaps)
    }

    /// A block opened at the printer's column, on a line indented `depth` levels: on one line
    /// when it was written on one line (and holds no comment or multi-line value), otherwise
    /// one row of entries per line.
    fn block(&self, p: &mut Printer<'_>, block: &Block, depth: usize) -> Result<(), Uncovered> {
        let gaps = self.block_gaps(block)?;
        if let Some(flat) = self.flat_block(block)? {
            p.push(&flat);
            return Ok(());
        }
        p.push("{");
        let (first, rest) = gaps.split_first().unwrap_or((&EMPTY_GAP, &[]));
        p.trailing(first.trailing);
        p.newline();
        let mut before = first.lines.clone();
        trim_blanks(&mut before, true, false);
        // Rows: entries written on one line, separated by `;`.
        let mut i = 0;
        while i < block.entries.len() {
            let mut j = i + 1;
            while j < block.entries.len() && !rest.get(j - 1).is_some_and(|g| g.newline) {
                j += 1;
            }
            let row = block.entries.get(i..j).unwrap_or(&[]);
            p.lines(&before, depth + 1);
            p.indent(depth + 1);
            self.row(p, row, depth + 1)?;
            let after = rest.get(j - 1).unwrap_or(&EMPTY_GAP);
            p.trailing(after.trailing);
            p.newline();
            before.clone_from(&after.lines);
            i = j;
        }
        trim_blanks(&mut before, block.entries.is_empty(), true);
        p.lines(&before, depth + 1);
        p.indent(depth);
        p.push("}");
        Ok(())
    }

    /// Entries written on one line: kept on one line, joined by `; `, when each can be flat;
    /// otherwise one entry per line.
    fn row(&self, p: &mut Printer<'_>, row: &[Entry], depth: usize) -> Result<(), Uncovered> {
        if row.len() > 1 {
            let mut flats = Vec::with_capacity(row.len());
            for e in row {
                flats.push(self.flat_entry(e)?);
            }
            let flats: Option<Vec<String>> = flats.into_iter().collect();
            if let Some(flats) = flats {
                p.push(&flats.join("; "));
                return Ok(());
            }
        }
        for (k, e) in row.iter().enumerate() {
            if k > 0 {
                p.newline();
                p.indent(depth);
            }
            self.entry(p, e, depth)?;
        }
        Ok(())
    }

    /// `KEY value… [block]`, at the printer's column on a line indented `depth` levels.
    fn entry(&self, p: &mut Printer<'_>, e: &Entry, depth: usize) -> Result<(), Uncovered> {
        p.push(self.slice(e.key.span.start(), e.key.span.end()));
        for v in &e.values {
            p.push(" ");
            self.value(p, v, depth)?;
        }
        if let Some(b) = &e.block {
            p.push(" ");
            self.block(p, b, depth)?;
        }
        Ok(())
    }

    fn value(&self, p: &mut Printer<'_>, v: &Value, depth: usize) -> Result<(), Uncovered> {
        if let ValueKind::List(items) = &v.kind {
            self.list(p, v, items, depth)
        } else {
            p.push(self.slice(v.span.start(), v.span.end()));
            Ok(())
        }
    }

    /// The gaps of a list: after `[`, between items, before `]`.
    fn list_gaps(&self, list: &Value, items: &[Value]) -> Result<Vec<Gap<'a>>, Uncovered> {
        let close = list.span.end().saturating_sub(1);
        let mut gaps = Vec::with_capacity(items.len() + 1);
        let mut prev = list.span.start() + 1;
        for v in items {
            gaps.push(self.gap(prev, v.span.start(), false)?);
            prev = v.span.end();
        }
        gaps.push(self.gap(prev, close, false)?);
        Ok(gaps)
    }

    /// A list: on one line when it fits; filled up to the width, one level deeper, when it
    /// does not; one item per line when it holds a comment.
    fn list(
        &self,
        p: &mut Printer<'_>,
        list: &Value,
        items: &[Value],
        depth: usize,
    ) -> Result<(), Uncovered> {
        let gaps = self.list_gaps(list, items)?;
        let commented = gaps.iter().any(Gap::has_comment);
        let mut flats = Vec::with_capacity(items.len());
        for v in items {
            flats.push(self.flat_value(v)?);
        }
        let flats: Option<Vec<String>> = if commented {
            None
        } else {
            flats.into_iter().collect()
        };
        if let Some(flats) = flats {
            let one_line = format!("[{}]", flats.join(", "));
            if p.col + one_line.width() <= WIDTH || items.is_empty() {
                p.push(&one_line);
                return Ok(());
            }
            p.push("[");
            p.newline();
            p.indent(depth + 1);
            let start = p.col;
            for (k, s) in flats.iter().enumerate() {
                let w = s.width() + 1;
                if k > 0 {
                    if p.col + 1 + w > WIDTH {
                        p.newline();
                        p.indent(depth + 1);
                    } else {
                        p.push(" ");
                    }
                }
                debug_assert!(p.col >= start);
                p.push(s);
                p.push(",");
            }
            p.newline();
            p.indent(depth);
            p.push("]");
            return Ok(());
        }
        // One item per line, each comment where it was.
        p.push("[");
        let (first, rest) = gaps.split_first().unwrap_or((&EMPTY_GAP, &[]));
        p.trailing(first.trailing);
        p.newline();
        let mut before = first.lines.clone();
        trim_blanks(&mut before, true, false);
        for (k, v) in items.iter().enumerate() {
            p.lines(&before, depth + 1);
            p.indent(depth + 1);
            self.value(p, v, depth + 1)?;
            p.push(",");
            let after = rest.get(k).unwrap_or(&EMPTY_GAP);
            p.trailing(after.trailing);
            p.newline();
            before.clone_from(&after.lines);
        }
        trim_blanks(&mut before, items.is_empty(), true);
        p.lines(&before, depth + 1);
        p.indent(depth);
        p.push("]");
        Ok(())
    }

    /// A value on one line, or `None` when it cannot be (a multi-line string, a list with a
    /// comment).
    fn flat_value(&self, v: &Value) -> Result<Option<String>, Uncovered> {
        let ValueKind::List(items) = &v.kind else {
            let s = self.slice(v.span.start(), v.span.end());
            return Ok((!s.contains(['\n', '\r'])).then(|| s.to_owned()));
        };
        let gaps = self.list_gaps(v, items)?;
        if gaps.iter().any(Gap::has_comment) {
            return Ok(None);
        }
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            match self.flat_value(item)? {
                Some(s) => parts.push(s),
                None => return Ok(None),
            }
        }
        Ok(Some(format!("[{}]", parts.join(", "))))
    }

    /// An entry on one line, or `None`.
    fn flat_entry(&self, e: &Entry) -> Result<Option<String>, Uncovered> {
        let mut s = self.slice(e.key.span.start(), e.key.span.end()).to_owned();
        for v in &e.values {
            match self.flat_value(v)? {
                Some(f) => {
                    s.push(' ');
                    s.push_str(&f);
                }
                None => return Ok(None),
            }
        }
        if let Some(b) = &e.block {
            match self.flat_block(b)? {
                Some(f) => {
                    s.push(' ');
                    s.push_str(&f);
                }
                None => return Ok(None),
            }
        }
        Ok(Some(s))
    }

    /// A block on one line (`{ a 1; b 2 }`, `{}`), or `None` when it was not written on one
    /// line, holds a comment or cannot be flat.
    fn flat_block(&self, b: &Block) -> Result<Option<String>, Uncovered> {
        let gaps = self.block_gaps(b)?;
        if gaps.iter().any(|g| g.newline || g.has_comment()) {
            return Ok(None);
        }
        if b.entries.is_empty() {
            return Ok(Some("{}".to_owned()));
        }
        let mut parts = Vec::with_capacity(b.entries.len());
        for e in &b.entries {
            match self.flat_entry(e)? {
                Some(s) => parts.push(s),
                None => return Ok(None),
            }
        }
        Ok(Some(format!("{{ {} }}", parts.join("; "))))
    }
}

static EMPTY_GAP: Gap<'static> = Gap {
    trailing: None,
    lines: Vec::new(),
    newline: false,
};
