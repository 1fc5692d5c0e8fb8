//! Parser: drives the lexer's nom leaf parsers over one file's tokens to build the AST, with
//! every syntax error reported, recovery at the next entry or declaration, a nesting limit
//! (no recursion past it) and a cap on the errors of one file.

use super::ast::{Block, Decl, Entry, File, Ident, Str, Value, ValueKind};
use super::error::{self, describe, quote};
use super::lex::{self, tokenize, TokenKind};
use super::literal;
use crate::diag::{Finding, Severity, Span};
use crate::source::FileId;
use std::borrow::Cow;
use std::cmp::Ordering;

/// How many blocks and lists may nest; the first bracket past it is an error (ALN016).
pub const MAX_NESTING: usize = 64;
/// How many errors one file reports; the rest are counted in one ALN021 info.
pub const MAX_ERRORS_PER_FILE: usize = 50;

/// Parses one file into its AST and every syntax finding (errors capped per file).
/// Never panics, whatever `text` is.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Finding>) {
    let mut parser = Parser::new(file, text);
    let decls = parser.parse_file();
    (File { decls }, cap(parser.out))
}

/// Keeps the first [`MAX_ERRORS_PER_FILE`] errors (by position) and counts the rest.
fn cap(mut out: Vec<Finding>) -> Vec<Finding> {
    out.sort_by_key(|f| (f.span.start, f.span.end));
    let (mut errors, mut dropped, mut first_dropped) = (0, 0, None);
    out.retain(|f| {
        if f.severity != Severity::Error {
            return true;
        }
        errors += 1;
        if errors <= MAX_ERRORS_PER_FILE {
            return true;
        }
        dropped += 1;
        first_dropped.get_or_insert(f.span);
        false
    });
    if let Some(span) = first_dropped {
        out.push(error::too_many(span, dropped));
    }
    out
}

/// A significant token: trivia removed, full-width runs read as their ASCII form, strings
/// with their escapes resolved.
#[derive(Clone, Debug)]
struct Tok<'a> {
    kind: TokenKind,
    start: usize,
    end: usize,
    text: Cow<'a, str>,
    /// The value of a string token.
    value: Option<String>,
    /// First significant token of its line.
    line_start: bool,
}

/// Raised when a token cannot start what was expected; the caller skips to a recovery point.
struct Skip;

type Expected = (&'static str, &'static str);

const VALUE_IN_ENTRY: Expected = ("a value, `{`, `;` or a newline", "値、`{`、`;` または改行");
const VALUE_IN_LIST: Expected = ("a value or `]`", "値または `]`");

struct Parser<'a> {
    file: FileId,
    text: &'a str,
    toks: Vec<Tok<'a>>,
    eof: Tok<'a>,
    pos: usize,
    prev_end: usize,
    out: Vec<Finding>,
    /// Only the innermost unclosed bracket is reported at the end of the file.
    unclosed_reported: bool,
}

impl<'a> Parser<'a> {
    /// Lexes `text`, reporting bad characters and strings, and keeps the significant tokens.
    fn new(file: FileId, text: &'a str) -> Self {
        let mut out = Vec::new();
        let mut toks: Vec<Tok<'a>> = Vec::new();
        for t in tokenize(text) {
            let s = t.text(text);
            let span = Span::new(file, t.start, t.end);
            let mut kind = t.kind;
            let mut shown = Cow::Borrowed(s);
            let mut value = None;
            match t.kind {
                TokenKind::IdeographicSpace => out.push(error::ideographic_space(span)),
                TokenKind::Unexpected => {
                    if let Some(c) = s.chars().next() {
                        let one = Span::new(file, t.start, t.start + c.len_utf8());
                        out.push(error::unexpected_char(one, c));
                    }
                }
                TokenKind::Foreign => out.push(error::foreign(span, s)),
                TokenKind::Comment => check_comment(file, s, t.start, &mut out),
                TokenKind::LoneCr => {
                    out.push(error::lone_cr(span));
                    kind = TokenKind::Newline;
                }
                TokenKind::FullWidth => {
                    let ascii = lex::to_ascii(s);
                    out.push(error::full_width(span, s, &ascii));
                    // Read the run as its ASCII form when that is one token, so the rest of
                    // the declaration parses without a cascade of errors.
                    match tokenize(&ascii).as_slice() {
                        [one]
                            if !one.kind.is_trivia()
                                && !matches!(
                                    one.kind,
                                    TokenKind::Str | TokenKind::UnterminatedStr
                                ) =>
                        {
                            kind = one.kind;
                            shown = Cow::Owned(ascii);
                        }
                        _ => continue,
                    }
                }
                TokenKind::Str | TokenKind::UnterminatedStr => {
                    let terminated = t.kind == TokenKind::Str;
                    let at_eof = t.end == text.len();
                    value = Some(literal::string(
                        file, s, t.start, terminated, at_eof, &mut out,
                    ));
                }
                _ => {}
            }
            if kind.is_trivia() {
                continue;
            }
            let line_start = toks.last().is_none_or(|p| p.kind == TokenKind::Newline);
            toks.push(Tok {
                kind,
                start: t.start,
                end: t.end,
                text: shown,
                value,
                line_start,
            });
        }
        let eof = Tok {
            kind: TokenKind::Punct,
            start: text.len(),
            end: text.len(),
            text: Cow::Borrowed(""),
            value: None,
            line_start: true,
        };
        Parser {
            file,
            text,
            toks,
            eof,
            pos: 0,
            prev_end: 0,
            out,
            unclosed_reported: false,
        }
    }

    fn peek(&self) -> &Tok<'a> {
        self.toks.get(self.pos).unwrap_or(&self.eof)
    }

    /// The next token's kind, `None` at the end of the file.
    fn kind(&self) -> Option<TokenKind> {
        self.toks.get(self.pos).map(|t| t.kind)
    }

    fn bump(&mut self) -> Tok<'a> {
        let tok = self.peek().clone();
        self.pos = (self.pos + 1).min(self.toks.len());
        self.prev_end = tok.end;
        tok
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn tok_span(&self, t: &Tok<'_>) -> Span {
        self.span(t.start, t.end)
    }

    fn ident(&self, t: &Tok<'_>) -> Ident {
        Ident {
            text: t.text.to_string(),
            span: self.tok_span(t),
        }
    }

    /// Reports "expected `what`, found" the next token.
    fn expect_error(&mut self, what: Expected) {
        let t = self.peek();
        let found = describe(t.kind, &t.text);
        let span = self.tok_span(t);
        self.out.push(error::expected(span, what, &found));
    }

    /// After an identifier: a `.` glued to it with no segment after (`G1.`) is reported and
    /// skipped, and the identifier is kept.
    fn expect_no_trailing_dot(&mut self) {
        if self.kind() == Some(TokenKind::Dot) && self.peek().start == self.prev_end {
            let dot = self.bump();
            self.out.push(error::missing_segment(self.tok_span(&dot)));
        }
    }

    fn report_unclosed(&mut self, open: Span, list: bool) {
        if !self.unclosed_reported {
            self.unclosed_reported = true;
            let at = self.span(self.text.len(), self.text.len());
            self.out.push(error::unclosed(at, open, list));
        }
    }

    /// Whether the token starts at column 0 (after a line break, at offset 0, or after the BOM).
    fn at_column_0(&self, t: &Tok<'_>) -> bool {
        self.text.get(..t.start).is_some_and(|s| {
            s.is_empty() || s.ends_with('\n') || s.ends_with('\r') || s == "\u{feff}"
        })
    }

    /// `file = { decl } EOF`
    fn parse_file(&mut self) -> Vec<Decl> {
        let mut decls = Vec::new();
        while let Some(kind) = self.kind() {
            match kind {
                TokenKind::Newline => {
                    self.bump();
                }
                TokenKind::RBrace => {
                    let t = self.bump();
                    self.out.push(error::stray_close(self.tok_span(&t)));
                }
                TokenKind::Ident => decls.extend(self.parse_decl()),
                _ => {
                    self.expect_error((
                        "a declaration kind (an identifier)",
                        "宣言の種類（識別子）",
                    ));
                    self.bump();
                    self.recover_to_decl();
                }
            }
        }
        decls
    }

    /// Skips to the next identifier at column 0 that starts a line: the next declaration.
    fn recover_to_decl(&mut self) {
        while self.kind().is_some() {
            let t = self.peek();
            if t.kind == TokenKind::Ident && t.line_start && self.at_column_0(t) {
                break;
            }
            self.bump();
        }
    }

    /// `decl = KIND ID [ STRING ] [ block ]`
    fn parse_decl(&mut self) -> Option<Decl> {
        let kind_tok = self.bump();
        let kind = self.ident(&kind_tok);
        if kind.text.contains('.') {
            let found = describe(kind_tok.kind, &kind_tok.text);
            self.out.push(error::expected(
                kind.span,
                (
                    "a declaration kind (an identifier without `.`)",
                    "宣言の種類（`.` を含まない識別子）",
                ),
                &found,
            ));
        }
        self.expect_no_trailing_dot();
        if self.kind() != Some(TokenKind::Ident) {
            let what = format!("an ID after {}", quote(&kind.text));
            let what_ja = format!("{} の後に ID", quote(&kind.text));
            let t = self.peek();
            let found = describe(t.kind, &t.text);
            let span = self.tok_span(t);
            self.out
                .push(error::expected(span, (&what, &what_ja), &found));
            self.recover_to_decl();
            return None;
        }
        let id_tok = self.bump();
        let id = self.ident(&id_tok);
        self.expect_no_trailing_dot();
        let mut end = self.prev_end;
        let mut title = None;
        if matches!(
            self.kind(),
            Some(TokenKind::Str | TokenKind::UnterminatedStr)
        ) {
            let t = self.bump();
            end = t.end;
            title = Some(Str {
                value: t.value.clone().unwrap_or_default(),
                span: self.tok_span(&t),
            });
        }
        let mut block = None;
        if self.kind() == Some(TokenKind::LBrace) {
            block = self.parse_block(1);
            end = self.prev_end;
        } else if !matches!(self.kind(), None | Some(TokenKind::Newline)) {
            if title.is_some() {
                self.expect_error(("`{` or a newline", "`{` または改行"));
            } else {
                self.expect_error((
                    "a title string, `{` or a newline",
                    "タイトルの文字列、`{` または改行",
                ));
            }
            self.recover_to_decl();
        }
        let span = self.span(kind.span.start, end);
        Some(Decl {
            kind,
            id,
            title,
            block,
            span,
        })
    }

    /// `block = "{" { entry } "}"` (the next token is `{`). `None` past the nesting limit.
    fn parse_block(&mut self, depth: usize) -> Option<Block> {
        let open = self.bump();
        let open_span = self.tok_span(&open);
        if depth > MAX_NESTING {
            self.out.push(error::too_deep(open_span, MAX_NESTING));
            self.skip_balanced(open_span);
            return None;
        }
        let mut entries = Vec::new();
        loop {
            match self.kind() {
                None => {
                    self.report_unclosed(open_span, false);
                    let span = self.span(open.start, self.text.len());
                    return Some(Block { entries, span });
                }
                Some(TokenKind::RBrace) => {
                    let close = self.bump();
                    return Some(Block {
                        entries,
                        span: self.span(open.start, close.end),
                    });
                }
                Some(TokenKind::Newline | TokenKind::Semicolon) => {
                    self.bump();
                }
                Some(TokenKind::Ident) => entries.push(self.parse_entry(depth)),
                Some(_) => {
                    self.expect_error(("`}` or an entry key", "`}` または項目のキー"));
                    self.recover_in_block();
                }
            }
        }
    }

    /// Skips the bracket just read and everything up to its matching close, by counting.
    fn skip_balanced(&mut self, open: Span) {
        let mut depth = 1usize;
        while let Some(kind) = self.kind() {
            match kind {
                TokenKind::LBrace | TokenKind::LBracket => depth += 1,
                TokenKind::RBrace | TokenKind::RBracket => depth -= 1,
                _ => {}
            }
            self.bump();
            if depth == 0 {
                return;
            }
        }
        self.report_unclosed(open, self.text.get(open.start..open.end) == Some("["));
    }

    /// Skips the rest of a bad entry: to after the next newline or `;`, or to the `}` that
    /// closes the block (brackets opened on the way are balanced).
    fn recover_in_block(&mut self) {
        let mut depth = 0usize;
        while let Some(kind) = self.kind() {
            match kind {
                TokenKind::Newline | TokenKind::Semicolon if depth == 0 => {
                    self.bump();
                    return;
                }
                TokenKind::RBrace if depth == 0 => return,
                TokenKind::LBrace | TokenKind::LBracket => depth += 1,
                TokenKind::RBrace | TokenKind::RBracket => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
    }

    /// Skips a bad list item: to the next `,`, `]`, `}` or `;` outside nested brackets.
    fn recover_in_list(&mut self) {
        let mut depth = 0usize;
        while let Some(kind) = self.kind() {
            match kind {
                TokenKind::Comma
                | TokenKind::RBracket
                | TokenKind::RBrace
                | TokenKind::Semicolon
                    if depth == 0 =>
                {
                    return;
                }
                TokenKind::LBrace | TokenKind::LBracket => depth += 1,
                TokenKind::RBrace | TokenKind::RBracket => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
    }

    /// `entry = KEY { value } [ block ] ( NEWLINE | ";" | before "}" )` (the next token is KEY).
    fn parse_entry(&mut self, depth: usize) -> Entry {
        let key_tok = self.bump();
        let key = self.ident(&key_tok);
        if key.text.contains('.') {
            let found = describe(key_tok.kind, &key_tok.text);
            self.out.push(error::expected(
                key.span,
                (
                    "an entry key (an identifier without `.`)",
                    "項目のキー（`.` を含まない識別子）",
                ),
                &found,
            ));
        }
        self.expect_no_trailing_dot();
        let mut values = Vec::new();
        let mut block = None;
        let mut end = key.span.end;
        loop {
            match self.kind() {
                None | Some(TokenKind::Newline | TokenKind::Semicolon | TokenKind::RBrace) => break,
                Some(TokenKind::LBrace) => {
                    block = self.parse_block(depth + 1);
                    end = self.prev_end;
                    if !matches!(
                        self.kind(),
                        None | Some(TokenKind::Newline | TokenKind::Semicolon | TokenKind::RBrace)
                    ) {
                        self.expect_error((
                            "a newline, `;` or `}` after the block",
                            "ブロックの後に改行、`;` または `}`",
                        ));
                        self.recover_in_block();
                    }
                    break;
                }
                Some(_) => match self.parse_value(depth, VALUE_IN_ENTRY) {
                    Ok(Some(v)) => {
                        end = v.span.end;
                        values.push(v);
                    }
                    Ok(None) => {}
                    Err(Skip) => {
                        self.recover_in_block();
                        break;
                    }
                },
            }
        }
        Entry {
            key,
            values,
            block,
            span: self.span(key_tok.start, end),
        }
    }

    /// `value = STRING | NUMBER | DATE | BOOL | RANGE | IDENT_PATH | list`
    ///
    /// `Ok(None)`: a bad literal, reported and consumed. `Err(Skip)`: nothing consumed.
    fn parse_value(&mut self, depth: usize, what: Expected) -> Result<Option<Value>, Skip> {
        match self.kind() {
            Some(TokenKind::Str | TokenKind::UnterminatedStr) => {
                let t = self.bump();
                let kind = ValueKind::Str(t.value.clone().unwrap_or_default());
                Ok(Some(Value {
                    kind,
                    span: self.tok_span(&t),
                }))
            }
            Some(TokenKind::Numeric | TokenKind::Ident) => Ok(self.parse_scalar_or_range()),
            Some(TokenKind::LBracket) => Ok(self.parse_list(depth + 1)),
            Some(TokenKind::DotDot) => {
                let dd = self.bump();
                let mut end = dd.end;
                if matches!(self.kind(), Some(TokenKind::Numeric | TokenKind::Ident))
                    && self.peek().start == dd.end
                {
                    end = self.bump().end;
                }
                let shown = quote(self.text.get(dd.start..end).unwrap_or(".."));
                self.out.push(error::invalid_range(
                    self.span(dd.start, end),
                    (
                        format!("incomplete range {shown}: no start before `..`"),
                        format!("範囲 {shown} が不完全です（`..` の前に始まりがありません）"),
                    ),
                ));
                Ok(None)
            }
            _ => {
                self.expect_error(what);
                Err(Skip)
            }
        }
    }

    /// `RANGE = A ".." B` with no spaces, or the single `NUMBER`, `DATE`, `BOOL` or `IDENT_PATH` `A`.
    fn parse_scalar_or_range(&mut self) -> Option<Value> {
        let a = self.bump();
        if a.kind == TokenKind::Ident {
            self.expect_no_trailing_dot();
        }
        let glued = |p: &Self, at: usize| p.peek().start == at;
        if !(self.kind() == Some(TokenKind::DotDot) && glued(self, a.end)) {
            let kind = self.scalar(&a, false)?;
            return Some(Value {
                kind,
                span: self.tok_span(&a),
            });
        }
        let dd = self.bump();
        if !(matches!(self.kind(), Some(TokenKind::Numeric | TokenKind::Ident))
            && glued(self, dd.end))
        {
            let shown = quote(self.text.get(a.start..dd.end).unwrap_or(".."));
            self.out.push(error::invalid_range(
                self.span(a.start, dd.end),
                (
                    format!("incomplete range {shown}: no end after `..`"),
                    format!("範囲 {shown} が不完全です（`..` の後に終わりがありません）"),
                ),
            ));
            return None;
        }
        let b = self.bump();
        let span = self.span(a.start, b.end);
        let (av, bv) = (self.scalar(&a, true), self.scalar(&b, true));
        let (av, bv) = (av?, bv?);
        let shown = quote(self.text.get(a.start..b.end).unwrap_or(".."));
        let order = match (&av, &bv) {
            (ValueKind::Number(x), ValueKind::Number(y)) => x.value.partial_cmp(&y.value),
            (ValueKind::Date(x), ValueKind::Date(y)) => Some(x.cmp(y)),
            (ValueKind::Ident(x), ValueKind::Ident(y)) => ident_order(x, y),
            _ => {
                let (da, db) = (av.describe(), bv.describe());
                self.out.push(error::invalid_range(
                    span,
                    (
                        format!("mixed range {shown}: a {da} and a {db}"),
                        format!("範囲 {shown} の両端の種類が違います（{da} と {db}）"),
                    ),
                ));
                return None;
            }
        };
        if order == Some(Ordering::Greater) {
            self.out.push(error::invalid_range(
                span,
                (
                    format!("reversed range {shown}: the start comes after the end"),
                    format!("範囲 {shown} が逆順です（始まりが終わりより後です）"),
                ),
            ));
            return None;
        }
        Some(Value {
            kind: ValueKind::Range(
                Box::new(Value {
                    kind: av,
                    span: self.tok_span(&a),
                }),
                Box::new(Value {
                    kind: bv,
                    span: self.tok_span(&b),
                }),
            ),
            span,
        })
    }

    /// A `NUMBER`, `DATE`, `BOOL` or `IDENT_PATH` token's value; a bad number or date is reported.
    fn scalar(&mut self, t: &Tok<'_>, in_range: bool) -> Option<ValueKind> {
        if t.kind == TokenKind::Numeric {
            return literal::numeric(&t.text, self.tok_span(t))
                .map_err(|f| self.out.push(*f))
                .ok();
        }
        Some(match &*t.text {
            "true" if !in_range => ValueKind::Bool(true),
            "false" if !in_range => ValueKind::Bool(false),
            s => ValueKind::Ident(s.to_owned()),
        })
    }

    /// `list = "[" [ value { "," value } [ "," ] ] "]"` (the next token is `[`), newlines
    /// allowed inside. `None` past the nesting limit.
    fn parse_list(&mut self, depth: usize) -> Option<Value> {
        let open = self.bump();
        let open_span = self.tok_span(&open);
        if depth > MAX_NESTING {
            self.out.push(error::too_deep(open_span, MAX_NESTING));
            self.skip_balanced(open_span);
            return None;
        }
        let mut items = Vec::new();
        let mut need_value = true;
        let mut errored = false;
        loop {
            match self.kind() {
                None => {
                    self.report_unclosed(open_span, true);
                    break;
                }
                Some(TokenKind::RBracket) => {
                    self.bump();
                    break;
                }
                Some(TokenKind::Newline) => {
                    self.bump();
                }
                Some(TokenKind::Comma) => {
                    if need_value {
                        self.expect_error(VALUE_IN_LIST);
                        errored = true;
                    }
                    need_value = true;
                    self.bump();
                }
                Some(TokenKind::RBrace | TokenKind::Semicolon) => {
                    if !errored {
                        let t = self.peek();
                        let found = describe(t.kind, &t.text);
                        let f = error::expected(
                            self.tok_span(t),
                            ("`,` or `]`", "`,` または `]`"),
                            &found,
                        )
                        .with_secondary(
                            open_span,
                            crate::diag::Text::new(
                                "list opened here",
                                "リストはここで開かれています",
                            ),
                        );
                        self.out.push(f);
                    }
                    break;
                }
                Some(_) => {
                    if !need_value && !errored {
                        self.expect_error(("`,` or `]`", "`,` または `]`"));
                        errored = true;
                    }
                    match self.parse_value(depth, VALUE_IN_LIST) {
                        Ok(Some(v)) => items.push(v),
                        Ok(None) => {}
                        Err(Skip) => {
                            errored = true;
                            self.recover_in_list();
                        }
                    }
                    need_value = false;
                }
            }
        }
        Some(Value {
            kind: ValueKind::List(items),
            span: self.span(open.start, self.prev_end.max(open.end)),
        })
    }
}

/// Checks a comment for characters that are errors outside strings (controls, bidi).
fn check_comment(file: FileId, s: &str, start: usize, out: &mut Vec<Finding>) {
    for (at, c) in s.char_indices() {
        if (c.is_control() && c != '\t') || lex::is_bidi(c) {
            let span = Span::new(file, start + at, start + at + c.len_utf8());
            out.push(error::unexpected_char(span, c));
        }
    }
}

/// The order of two identifier bounds when both are one prefix and a number (`FY2022`,
/// `FY2026`); `None` (no judgement) otherwise.
fn ident_order(a: &str, b: &str) -> Option<Ordering> {
    fn split(s: &str) -> (&str, &str, bool) {
        let prefix = s.trim_end_matches(|c: char| c.is_ascii_digit());
        let digits = s.get(prefix.len()..).unwrap_or("");
        (prefix, digits.trim_start_matches('0'), digits.is_empty())
    }
    let (pa, na, ea) = split(a);
    let (pb, nb, eb) = split(b);
    (pa == pb && !ea && !eb).then(|| na.len().cmp(&nb.len()).then(na.cmp(nb)))
}
