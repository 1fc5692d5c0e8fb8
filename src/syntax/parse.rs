//! Parser: drives the lexer's nom leaf parsers over one file's tokens to build the AST, with
//! every syntax error reported, recovery at the next entry or declaration, a nesting limit
//! (no recursion past it) and a cap on the errors of one file.

use super::ast::{Block, Decl, Entry, File, Ident, Str, Value, ValueKind};
use super::error::{self, describe, quote};
use super::lex::{self, tokenize, Lookahead, TokenKind};
use super::literal;
use super::notation;
use crate::base::{substr, ArcStr, Substr};
use crate::diag::{code, Finding, Severity, Span};
use crate::source::FileId;
use std::cmp::Ordering;

/// How many blocks and lists may nest; the first bracket past it is an error (ALN016).
pub const MAX_NESTING: usize = 64;
/// How many errors one file reports; the rest are counted in one ALN021 info.
pub const MAX_ERRORS_PER_FILE: usize = 50;

/// Parses one file into its AST and every syntax finding (errors capped per file).
/// Never panics, whatever `text` is.
pub fn parse(file: FileId, text: &str) -> (File, Vec<Finding>) {
    parse_shared(file, &ArcStr::from(text))
}

/// [`parse`] of a file whose text is shared: the tree's identifiers and the strings that read
/// as written are views into `text`, not copies.
pub fn parse_shared(file: FileId, text: &ArcStr) -> (File, Vec<Finding>) {
    let mut parser = Parser::new(file, text);
    let mut decls = parser.parse_file();
    let findings = parser.findings();
    mark_recovered(&mut decls, &findings, text.len());
    (File { decls }, cap(findings))
}

/// Marks the declarations and entries that contain a syntax error (from their start to the
/// start of the next one), so later stages do not report consequences of the error.
fn mark_recovered(decls: &mut [Decl], findings: &[Finding], len: usize) {
    // A notation read as what was meant (ALN023) leaves the declaration whole.
    let mut errors: Vec<usize> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.code != code::NOTATION.code)
        .map(|f| f.span.start())
        .collect();
    if errors.is_empty() {
        return;
    }
    errors.sort_unstable();
    let any_in = |start: usize, end: usize| {
        let i = errors.partition_point(|&o| o < start);
        errors.get(i).is_some_and(|&o| o < end)
    };
    let starts: Vec<usize> = decls.iter().map(|d| d.span.start()).collect();
    for (i, decl) in decls.iter_mut().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(len + 1);
        decl.recovered = any_in(decl.span.start(), end);
        if decl.recovered {
            if let Some(block) = &mut decl.block {
                mark_entries(block, &any_in);
            }
        }
    }
}

fn mark_entries(block: &mut Block, any_in: &dyn Fn(usize, usize) -> bool) {
    let starts: Vec<usize> = block.entries.iter().map(|e| e.span.start()).collect();
    let block_end = block.span.end();
    for (i, entry) in block.entries.iter_mut().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(block_end);
        entry.recovered = any_in(entry.span.start(), end);
        if entry.recovered {
            if let Some(inner) = &mut entry.block {
                mark_entries(inner, any_in);
            }
        }
    }
}

/// Keeps the first [`MAX_ERRORS_PER_FILE`] errors (by position) and counts the rest.
fn cap(mut out: Vec<Finding>) -> Vec<Finding> {
    out.sort_by_key(|f| (f.span.start(), f.span.end()));
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
/// with their escapes resolved. The parser holds only the few it looks ahead at: tokens are
/// lexed as the parser reads them, never stored for the whole file (a file of 64 MiB of `[` is
/// 64 million tokens).
#[derive(Debug)]
struct Tok {
    kind: TokenKind,
    /// First significant token of its line.
    line_start: bool,
    start: usize,
    end: usize,
    /// For a string token, its value; for any other, the text it is read as when that is not
    /// its text in the file (a full-width run read as ASCII, a recognised notation). One field
    /// for both (a string is never read as another text): the parser moves every token a few
    /// times, and a token of two such fields took 64 bytes where it now takes 48.
    extra: Option<Substr>,
}

impl Tok {
    fn is_str(&self) -> bool {
        matches!(self.kind, TokenKind::Str | TokenKind::UnterminatedStr)
    }

    /// The text it is read as when that is not its text in the file.
    fn shown(&self) -> Option<&Substr> {
        self.extra.as_ref().filter(|_| !self.is_str())
    }
}

/// The most significant tokens the parser looks ahead at (a declaration header: kind, ID,
/// title and what follows it).
const AHEAD: usize = 4;

/// The significant tokens read ahead, in a ring of [`AHEAD`] places: a token is written once,
/// into its place, and moved out when read (a `VecDeque` took each token by value through a
/// call, and copying it from there was a tenth of parsing).
#[derive(Debug, Default)]
struct Ahead {
    slots: [Option<Tok>; AHEAD],
    /// Place of the first token.
    head: usize,
    len: usize,
}

impl Ahead {
    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, i: usize) -> Option<&Tok> {
        if i >= self.len {
            return None;
        }
        self.slots[(self.head + i) % AHEAD].as_ref()
    }

    fn front(&self) -> Option<&Tok> {
        self.get(0)
    }

    /// Adds a token after the last; the caller holds at most [`AHEAD`] (`Parser::fill`).
    #[inline]
    fn push_back(&mut self, tok: Tok) {
        debug_assert!(self.len < AHEAD);
        self.slots[(self.head + self.len) % AHEAD] = Some(tok);
        self.len = (self.len + 1).min(AHEAD);
    }

    #[inline]
    fn pop_front(&mut self) -> Option<Tok> {
        if self.len == 0 {
            return None;
        }
        let tok = self.slots[self.head].take();
        self.head = (self.head + 1) % AHEAD;
        self.len -= 1;
        tok
    }

    fn clear(&mut self) {
        while self.pop_front().is_some() {}
    }
}

/// Whether a token of this kind may start a notation (see `notation::recognize`, which looks
/// at it and the tokens after it again).
fn starts_notation(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Foreign | TokenKind::Numeric | TokenKind::Punct
    )
}

/// Raised when a token cannot start what was expected; the caller skips to a recovery point.
struct Skip;

type Expected = (&'static str, &'static str);

const VALUE_IN_ENTRY: Expected = ("a value, `{`, `;` or a newline", "値、`{`、`;` または改行");
const VALUE_IN_LIST: Expected = ("a value or `]`", "値または `]`");

struct Parser<'a> {
    file: FileId,
    text: &'a str,
    /// The same text, shared with the tree's identifiers and strings.
    shared: &'a ArcStr,
    /// The raw tokens, lexed on demand.
    raw: Lookahead<'a>,
    /// Index of the next raw token to read.
    raw_at: usize,
    /// The significant tokens read ahead; the first is the next token (none at the end).
    ahead: Ahead,
    /// Kind of the last significant token read.
    last: Option<TokenKind>,
    cx: notation::Context<'a>,
    eof: Tok,
    prev_end: usize,
    /// Findings of the lexing step (characters, strings, notations), in file order.
    lexed: Vec<Finding>,
    /// Findings of the parser.
    out: Vec<Finding>,
    /// Only the innermost unclosed bracket is reported at the end of the file.
    unclosed_reported: bool,
    /// The entries of the blocks being read, innermost last: a block's are moved out into a
    /// list of their exact number when it ends (a list of its own grown entry by entry was
    /// reallocated and copied for most declarations, with room left over).
    entries: Vec<Entry>,
    /// The same for the items of the lists being read.
    items: Vec<Value>,
    /// The most tokens `ahead` held at once.
    #[cfg(test)]
    most_ahead: usize,
}

impl<'a> Parser<'a> {
    fn new(file: FileId, shared: &'a ArcStr) -> Self {
        let text = shared.as_str();
        let mut parser = Parser {
            file,
            text,
            shared,
            raw: Lookahead::new(text),
            raw_at: 0,
            ahead: Ahead::default(),
            last: None,
            cx: notation::Context {
                text,
                ..notation::Context::default()
            },
            eof: Tok {
                kind: TokenKind::Punct,
                line_start: true,
                start: text.len(),
                end: text.len(),
                extra: None,
            },
            prev_end: 0,
            lexed: Vec::new(),
            out: Vec::new(),
            unclosed_reported: false,
            entries: Vec::new(),
            items: Vec::new(),
            #[cfg(test)]
            most_ahead: 0,
        };
        parser.fill(1);
        parser
    }

    /// Every finding: the lexing step's, then the parser's (the order the stable sort by
    /// position in [`cap`] keeps for findings at one span). Lexes what the parser left unread.
    fn findings(mut self) -> Vec<Finding> {
        while self.pump() {
            self.ahead.clear();
        }
        let mut all = self.lexed;
        all.append(&mut self.out);
        all
    }

    /// Reads ahead until `n` significant tokens are held; `false` if the file ends first.
    fn fill(&mut self, n: usize) -> bool {
        while self.ahead.len() < n.min(AHEAD) {
            if !self.pump() {
                return false;
            }
        }
        true
    }

    fn push(&mut self, tok: Tok) {
        self.last = Some(tok.kind);
        self.ahead.push_back(tok);
        #[cfg(test)]
        {
            self.most_ahead = self.most_ahead.max(self.ahead.len());
        }
    }

    /// Lexes raw tokens up to the next significant one, reporting bad characters, strings and
    /// notations, and appends it to `ahead`; `false` at the end of the file.
    ///
    /// The common case, blanks then a plain token, is read here, inlined where tokens are
    /// asked for; every other token in [`Parser::pump_rest`] (its frame, which the notations
    /// and bad characters need, cost a tenth of parsing when set up for every token).
    #[inline]
    fn pump(&mut self) -> bool {
        self.pump_plain() || self.pump_rest()
    }

    /// Blanks, then a plain token, appended to `ahead`: `true` if there was one (`false`, and
    /// at most the blanks passed over, otherwise).
    #[expect(
        clippy::inline_always,
        reason = "measured: with a plain `inline` it stayed a call in `pump`, parsing the 100k corpus 101.6 -> 109 ms"
    )]
    #[inline(always)]
    fn pump_plain(&mut self) -> bool {
        // Blanks change nothing the loop below keeps (they are trivia, and the start of a
        // line is worked out again at the next token from the same last token); a run of
        // them is one token, so a token after it is not a blank.
        if self.raw.skip_blank(self.raw_at) {
            self.raw_at += 1;
        }
        // Most tokens: read without the window, reporting nothing but a string's escapes.
        let Some(t) = self.raw.take_plain(self.raw_at) else {
            return false;
        };
        self.raw_at += 1;
        self.cx.line_start = self.last.is_none_or(|k| k == TokenKind::Newline);
        let value = matches!(t.kind, TokenKind::Str | TokenKind::UnterminatedStr)
            .then(|| literal::string(self.file, self.shared, t, &mut self.lexed));
        self.emit(t.kind, t.kind, t.start, t.end, value);
        true
    }

    /// [`Parser::pump`] from a token that is not plain, on to the next significant token
    /// (plain ones again through [`Parser::pump_plain`], after trivia).
    #[inline(never)]
    fn pump_rest(&mut self) -> bool {
        let (file, text) = (self.file, self.text);
        loop {
            // (At the first turn this finds nothing again: `pump` just tried.)
            if self.pump_plain() {
                return true;
            }
            let i = self.raw_at;
            let Some(t) = self
                .raw
                .take(i, starts_notation)
                .or_else(|| self.raw.get(i))
            else {
                break;
            };
            self.raw_at += 1;
            self.cx.line_start = self.last.is_none_or(|k| k == TokenKind::Newline);
            let candidate = starts_notation(t.kind);
            if let Some(rw) = candidate
                .then(|| notation::recognize(file, &self.raw, i, &self.cx))
                .flatten()
            {
                let last = i + rw.consumed.max(1) - 1;
                let end = self.raw.get(last).map_or(t.end, |e| e.end);
                self.raw_at = last + 1;
                self.raw.release(self.raw_at);
                self.lexed.push(rw.finding);
                if let Some((kind, shown)) = rw.replacement {
                    let line_start = self.cx.line_start;
                    self.cx.prev = Some((
                        lex::Token {
                            kind,
                            start: t.start,
                            end,
                        },
                        line_start,
                    ));
                    self.push(Tok {
                        kind,
                        line_start,
                        start: t.start,
                        end,
                        extra: Some(Substr::from(shown.as_str())),
                    });
                    return true;
                }
                continue;
            }
            self.raw.release(self.raw_at);
            // The token's text and span are worked out only where a finding needs them: most
            // tokens are identifiers, strings and brackets, which report nothing here.
            let s = || t.text(text);
            let span = || Span::new(file, t.start, t.end);
            let mut kind = t.kind;
            let mut shown = None;
            let mut value = None;
            let out = &mut self.lexed;
            match t.kind {
                TokenKind::IdeographicSpace => out.push(error::ideographic_space(span())),
                TokenKind::Unexpected => {
                    if let Some(c) = s().chars().next() {
                        let one = Span::new(file, t.start, t.start + c.len_utf8());
                        out.push(error::unexpected_char(one, c));
                    }
                }
                TokenKind::Foreign => out.push(error::foreign(span(), s())),
                TokenKind::Comment => check_comment(file, s(), t.start, out),
                TokenKind::LoneCr => {
                    out.push(error::lone_cr(span()));
                    kind = TokenKind::Newline;
                }
                TokenKind::FullWidth => {
                    let s = s();
                    let ascii = lex::to_ascii(s);
                    out.push(error::full_width(span(), s, &ascii));
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
                            shown = Some(Substr::from(ascii.as_str()));
                        }
                        _ => continue,
                    }
                }
                TokenKind::Str | TokenKind::UnterminatedStr => {
                    value = Some(literal::string(file, self.shared, t, out));
                }
                _ => {}
            }
            if kind.is_trivia() {
                continue;
            }
            self.emit(t.kind, kind, t.start, t.end, shown.or(value));
            return true;
        }
        false
    }

    /// Appends the raw token of kind `raw` at `start..end` to `ahead` as a significant token
    /// of `kind`, and keeps the context the notations are recognised in.
    ///
    /// The token comes in as its fields, in registers: a token passed in memory, just written
    /// field by field, was read back as wider words, which the processor cannot forward from
    /// the narrower stores (the stall was 5% of a run's samples at 100k items). Inlined into
    /// both callers: set up as a call for every token, its frame was a sixth of its cost.
    #[expect(
        clippy::inline_always,
        reason = "measured: parsing the 100k corpus 117-121 -> 113-114 ms, best of 12 (a plain `inline` left it a call)"
    )]
    #[inline(always)]
    fn emit(
        &mut self,
        raw: TokenKind,
        kind: TokenKind,
        start: usize,
        end: usize,
        extra: Option<Substr>,
    ) {
        let t = lex::Token {
            kind: raw,
            start,
            end,
        };
        let line_start = self.cx.line_start;
        match kind {
            TokenKind::LBrace => self.cx.braces += 1,
            TokenKind::RBrace => self.cx.braces = self.cx.braces.saturating_sub(1),
            TokenKind::LBracket => self.cx.brackets += 1,
            TokenKind::RBracket => self.cx.brackets = self.cx.brackets.saturating_sub(1),
            _ => {}
        }
        if kind != TokenKind::Newline {
            self.cx.prev = Some((t, line_start));
        }
        self.push(Tok {
            kind,
            line_start,
            start: t.start,
            end: t.end,
            extra,
        });
    }

    fn peek(&self) -> &Tok {
        self.ahead.front().unwrap_or(&self.eof)
    }

    /// The next token's kind, `None` at the end of the file.
    fn kind(&self) -> Option<TokenKind> {
        self.ahead.front().map(|t| t.kind)
    }

    #[inline]
    fn bump(&mut self) -> Tok {
        // Built only at the end of the file (`unwrap_or` would build it for every token).
        let tok = self.ahead.pop_front().unwrap_or_else(|| Tok {
            kind: self.eof.kind,
            line_start: true,
            start: self.eof.start,
            end: self.eof.end,
            extra: None,
        });
        self.fill(1);
        self.prev_end = tok.end;
        tok
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn tok_span(&self, t: &Tok) -> Span {
        self.span(t.start, t.end)
    }

    /// What the token reads as: its text in the file, or the form it was read as.
    fn text_of<'s>(&'s self, t: &'s Tok) -> &'s str {
        match t.shown() {
            Some(shown) => shown.as_str(),
            None => self.text.get(t.start..t.end).unwrap_or(""),
        }
    }

    /// The value of a string token (empty for any other), moved out of it.
    fn value_of(t: &mut Tok) -> Substr {
        if t.is_str() {
            t.extra.take().unwrap_or_default()
        } else {
            Substr::default()
        }
    }

    /// What the token reads as, shared: a view into the file's text, or a copy of the form it
    /// was read as.
    fn shared_text_of(&self, t: &Tok) -> Substr {
        match t.shown() {
            Some(shown) => shown.clone(),
            None => substr(self.shared, t.start, t.end),
        }
    }

    fn ident(&self, t: &Tok) -> Ident {
        Ident {
            text: self.shared_text_of(t),
            span: self.tok_span(t),
        }
    }

    /// Reports "expected `what`, found" the next token.
    fn expect_error(&mut self, what: Expected) {
        let t = self.peek();
        let found = describe(t.kind, self.text_of(t));
        let span = self.tok_span(t);
        self.out.push(error::expected(span, what, &found));
    }

    /// After an identifier: a `.` glued to it with no segment after (`G1.`) is reported and
    /// skipped, and the identifier is kept.
    #[inline]
    fn expect_no_trailing_dot(&mut self) {
        if self.kind() == Some(TokenKind::Dot) && self.peek().start == self.prev_end {
            self.trailing_dot();
        }
    }

    /// [`Parser::expect_no_trailing_dot`] when there is one (out of line: after every
    /// identifier, the test is all that runs).
    #[cold]
    fn trailing_dot(&mut self) {
        let dot = self.bump();
        self.out.push(error::missing_segment(self.tok_span(&dot)));
    }

    fn report_unclosed(&mut self, open: Span, list: bool) {
        if !self.unclosed_reported {
            self.unclosed_reported = true;
            let at = self.span(self.text.len(), self.text.len());
            self.out.push(error::unclosed(at, open, list));
        }
    }

    /// Whether the token starts at column 0 (after a line break, at offset 0, or after the BOM).
    fn at_column_0(&self, t: &Tok) -> bool {
        self.text.get(..t.start).is_some_and(|s| {
            s.is_empty() || s.ends_with('\n') || s.ends_with('\r') || s == "\u{feff}"
        })
    }

    /// Whether the next tokens read as a declaration header at column 0: `KIND ID "title" {`,
    /// `KIND ID "title"` at the end of a line, or `KIND ID {`. An entry never has this shape
    /// (`goal G1` has no title or block; `en "…"` has no ID).
    fn starts_declaration(&mut self) -> bool {
        // An entry is most often indented: no need to read the tokens after it.
        if !self
            .ahead
            .front()
            .is_some_and(|first| self.at_column_0(first))
        {
            return false;
        }
        self.fill(4);
        let kind_at = |i: usize| self.ahead.get(i).map(|t| t.kind);
        if kind_at(1) != Some(TokenKind::Ident) {
            return false;
        }
        match kind_at(2) {
            Some(TokenKind::LBrace) => true,
            Some(TokenKind::Str) => {
                matches!(
                    kind_at(3),
                    None | Some(TokenKind::LBrace | TokenKind::Newline)
                )
            }
            _ => false,
        }
    }

    /// `file = { decl } EOF`
    fn parse_file(&mut self) -> Vec<Decl> {
        // Room for a declaration per `DECL_BYTES` of text, so that a file of the usual shape
        // is read without growing the list (each doubling copied every declaration read so
        // far: 1% of a check of the peers' 100k corpus). A file of longer declarations leaves
        // room unused, which is never touched (not resident); a denser one grows as before.
        const DECL_BYTES: usize = 128;
        let mut decls = Vec::with_capacity((self.text.len() / DECL_BYTES).min(1 << 16));
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
            let found = describe(kind_tok.kind, self.text_of(&kind_tok));
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
            let found = describe(t.kind, self.text_of(t));
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
            let mut t = self.bump();
            end = t.end;
            title = Some(Str {
                value: Self::value_of(&mut t),
                span: self.tok_span(&t),
            });
            if t.kind == TokenKind::UnterminatedStr {
                // The string swallowed the rest of the line, likely a `{`: skip the block
                // silently (the string is reported) rather than cascade.
                self.recover_to_decl();
                let span = self.span(kind.span.start(), end);
                return Some(Decl {
                    kind,
                    id,
                    title,
                    block: None,
                    span,
                    recovered: false,
                });
            }
        }
        let mut block = None;
        if self.kind() == Some(TokenKind::LBrace) {
            block = self.parse_block(1);
            // An unclosed block runs to the end of input, past trailing trivia.
            end = block
                .as_ref()
                .map_or(self.prev_end, |b| b.span.end().max(self.prev_end));
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
        let span = self.span(kind.span.start(), end);
        Some(Decl {
            kind,
            id,
            title,
            block,
            span,
            recovered: false,
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
        let base = self.entries.len();
        loop {
            match self.kind() {
                None => {
                    self.report_unclosed(open_span, false);
                    let span = self.span(open.start, self.text.len());
                    return Some(Block {
                        entries: self.entries.split_off(base),
                        span,
                    });
                }
                Some(TokenKind::RBrace) => {
                    let close = self.bump();
                    return Some(Block {
                        entries: self.entries.split_off(base),
                        span: self.span(open.start, close.end),
                    });
                }
                Some(TokenKind::Newline | TokenKind::Semicolon) => {
                    self.bump();
                }
                Some(TokenKind::Ident) if depth == 1 && self.starts_declaration() => {
                    // A declaration's block was never closed: end it here rather than read the
                    // next declarations as its entries.
                    let next = self.tok_span(self.peek());
                    self.out.push(error::unclosed_before_decl(open_span, next));
                    let span = self.span(open.start, self.prev_end);
                    return Some(Block {
                        entries: self.entries.split_off(base),
                        span,
                    });
                }
                Some(TokenKind::Ident) => {
                    let entry = self.parse_entry(depth);
                    self.entries.push(entry);
                }
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
        self.report_unclosed(open, self.text.get(open.range()) == Some("["));
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
            let found = describe(key_tok.kind, self.text_of(&key_tok));
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
        // Nearly every entry has one value: kept inline, with no allocation.
        let mut values = smallvec::SmallVec::new();
        let mut block = None;
        let mut end = key.span.end();
        loop {
            match self.kind() {
                None | Some(TokenKind::Newline | TokenKind::Semicolon | TokenKind::RBrace) => break,
                Some(TokenKind::LBrace) => {
                    block = self.parse_block(depth + 1);
                    // An unclosed block runs to the end of input, past trailing trivia.
                    end = block
                        .as_ref()
                        .map_or(self.prev_end, |b| b.span.end().max(self.prev_end));
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
                        end = v.span.end();
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
            block: block.map(Box::new),
            span: self.span(key_tok.start, end),
            recovered: false,
        }
    }

    /// `value = STRING | NUMBER | DATE | BOOL | RANGE | IDENT_PATH | list`
    ///
    /// `Ok(None)`: a bad literal, reported and consumed. `Err(Skip)`: nothing consumed.
    fn parse_value(&mut self, depth: usize, what: Expected) -> Result<Option<Value>, Skip> {
        match self.kind() {
            Some(TokenKind::Str | TokenKind::UnterminatedStr) => {
                let mut t = self.bump();
                let kind = ValueKind::Str(Self::value_of(&mut t));
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
                        format!(
                            "mixed range {shown}: {} and {}",
                            crate::base::with_article(da),
                            crate::base::with_article(db)
                        ),
                        format!(
                            "範囲 {shown} の両端の種類が違います（{} と {}）",
                            av.describe_ja(),
                            bv.describe_ja()
                        ),
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
    fn scalar(&mut self, t: &Tok, in_range: bool) -> Option<ValueKind> {
        if t.kind == TokenKind::Numeric {
            return literal::numeric(self.text_of(t), self.tok_span(t))
                .map_err(|f| self.out.push(*f))
                .ok();
        }
        Some(match self.text_of(t) {
            "true" if !in_range => ValueKind::Bool(true),
            "false" if !in_range => ValueKind::Bool(false),
            _ => ValueKind::Ident(self.shared_text_of(t)),
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
        let base = self.items.len();
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
                        let found = describe(t.kind, self.text_of(t));
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
                        Ok(Some(v)) => self.items.push(v),
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
            kind: ValueKind::List(self.items.split_off(base)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::{Date, Number};

    /// The most significant and raw tokens held at once while `text` is parsed.
    fn most_held(text: &str) -> (usize, usize) {
        let text = ArcStr::from(text);
        let mut parser = Parser::new(FILE, &text);
        parser.parse_file();
        (parser.most_ahead, parser.raw.most_held())
    }

    /// The parser moves every significant token into its window and out again: a string's
    /// value and the text a token is read as share one field (48 bytes a token, not 64).
    #[test]
    fn a_token_is_at_most_48_bytes() {
        assert!(std::mem::size_of::<Tok>() <= 48);
        assert!(std::mem::size_of::<Option<Tok>>() <= 48);
    }

    /// Every entry is moved into its block's list as it is parsed: a block of its own (a
    /// series) is boxed, which keeps an entry at 104 bytes (136 with the block inline).
    #[test]
    fn an_entry_is_at_most_104_bytes() {
        assert!(std::mem::size_of::<crate::syntax::ast::Entry>() <= 104);
    }

    #[test]
    fn tokens_are_held_a_few_at_a_time_whatever_the_file() {
        // A file of 64 MiB of `[` is 64 million tokens: none of them may be kept for the file.
        let decls = "goal G1 \"t\" {\n  en \"x\"\n  goal [G1, G2]\n}\n";
        let jp = "item 事項１ \"t\"\nkpi K1 { target 令和7年度 1,200件 }\n";
        for n in [100, 1000] {
            for text in [
                "[".repeat(n),
                "{".repeat(n),
                decls.repeat(n),
                jp.repeat(n),
                format!("goal G1 {{ a [{}] }}", "x, ".repeat(n)),
            ] {
                let (ahead, raw) = most_held(&text);
                assert!(
                    ahead <= 4 && raw <= 16,
                    "{ahead} and {raw} held for {n} of {text:.20}"
                );
            }
        }
    }

    const FILE: FileId = FileId(0);

    /// Parses and checks that every finding span is in bounds and on char boundaries.
    fn run(text: &str) -> (File, Vec<Finding>) {
        let (file, findings) = parse(FILE, text);
        for f in &findings {
            let spans = std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span));
            for s in spans {
                assert!(
                    s.start() <= s.end() && s.end() <= text.len(),
                    "{s:?} out of bounds in {text:?}"
                );
                assert!(
                    text.is_char_boundary(s.start()) && text.is_char_boundary(s.end()),
                    "{s:?}"
                );
            }
            assert!(!f.message.en().is_empty() && !f.message.get(crate::base::Lang::Ja).is_empty());
            assert!(f
                .help
                .as_ref()
                .is_some_and(|h| !h.en().is_empty() && !h.get(crate::base::Lang::Ja).is_empty()));
            assert!(!f.message.en().ends_with('.'), "{}", f.message.en());
        }
        (file, findings)
    }

    fn codes(text: &str) -> Vec<(String, usize, usize)> {
        run(text)
            .1
            .into_iter()
            .map(|f| (f.code.to_string(), f.span.start(), f.span.end()))
            .collect()
    }

    /// `name: input => [(code, start, end), ...]` — the exact findings of `input`.
    macro_rules! findings {
        ($($name:ident: $input:expr => [$(($code:literal, $start:expr, $end:expr)),* $(,)?];)*) => {$(
            #[test]
            fn $name() {
                let want: Vec<(String, usize, usize)> = vec![$(($code.to_owned(), $start, $end)),*];
                assert_eq!(codes($input), want, "{:?}", $input);
            }
        )*};
    }

    fn value(text: &str) -> ValueKind {
        let (file, findings) = run(&format!("k K {{ v {text} }}"));
        assert!(findings.is_empty(), "{text}: {findings:?}");
        file.decls[0].block.as_ref().unwrap().entries[0].values[0]
            .kind
            .clone()
    }

    fn message(text: &str) -> String {
        run(text)
            .1
            .first()
            .map(|f| f.message.en().into_owned())
            .unwrap_or_default()
    }

    const EXAMPLE: &str = r#"policy V1 "医療機器研究開発の中心地としての我が国の地位の確立" {
  en "Establish Japan as a centre of medical-device R&D"
}
goal G1.3 "研究開発拠点、開発支援拠点や企業の連携強化" { policy V1 }
item I1.3.2 "医療機器の開発拠点の整備" { goal G1.3 }
item I1.3.2.a "国際共同治験の基盤構築" {
  parent I1.3.2
  topics [international-joint-trial, clinical-trial-network]
}
program amed.hub "医療機器開発の拠点整備事業" {
  agency "AMED"; ministry MHLW
  period FY2019..FY2024
  covers [I1.3.1]
  scope [hub, joint-research, human-resources]
}
kpi K3 "拠点における企業との共同研究数" {
  measures [G1.3]
  method direct
  measured-in [amed.hub]
  unit "件"
  target increase
  series {
    FY2022 148
    FY2023 163
  }
}
project P0001 "..." { program amed.hub; stage-at-adoption 1; stage-now 2 }
# a justified exception, with an expiry date:
item I2.4 "..." { goal G2.1; allow no-kpi "followed up by the implementing body" until 2027-03-31 }
"#;

    #[test]
    fn parses_the_design_example() {
        let (file, findings) = run(EXAMPLE);
        assert!(findings.is_empty(), "{findings:?}");
        let heads: Vec<_> = file
            .decls
            .iter()
            .map(|d| (d.kind.text.as_str(), d.id.text.as_str()))
            .collect();
        assert_eq!(
            heads,
            [
                ("policy", "V1"),
                ("goal", "G1.3"),
                ("item", "I1.3.2"),
                ("item", "I1.3.2.a"),
                ("program", "amed.hub"),
                ("kpi", "K3"),
                ("project", "P0001"),
                ("item", "I2.4"),
            ]
        );
        let policy = &file.decls[0];
        assert_eq!(
            policy.title.as_ref().unwrap().value,
            "医療機器研究開発の中心地としての我が国の地位の確立"
        );
        assert_eq!(policy.span.start(), 0);
        assert_eq!(&EXAMPLE[policy.span.range()].chars().last(), &Some('}'));
        let en = &policy.block.as_ref().unwrap().entries[0];
        assert_eq!(
            &EXAMPLE[en.span.range()],
            "en \"Establish Japan as a centre of medical-device R&D\""
        );

        let program = file.decls[4].block.as_ref().unwrap();
        let keys: Vec<_> = program
            .entries
            .iter()
            .map(|e| e.key.text.as_str())
            .collect();
        assert_eq!(keys, ["agency", "ministry", "period", "covers", "scope"]);
        let period = &program.entries[2].values[0];
        assert_eq!(&EXAMPLE[period.span.range()], "FY2019..FY2024");
        let ValueKind::Range(a, b) = &period.kind else {
            panic!("{period:?}")
        };
        assert_eq!(
            (&a.kind, &b.kind),
            (
                &ValueKind::Ident("FY2019".into()),
                &ValueKind::Ident("FY2024".into())
            )
        );
        let ValueKind::List(scope) = &program.entries[4].values[0].kind else {
            panic!()
        };
        assert_eq!(scope.len(), 3);

        let kpi = file.decls[5].block.as_ref().unwrap();
        let series = kpi.entries.iter().find(|e| e.key.text == "series").unwrap();
        assert!(series.values.is_empty());
        let rows = &series.block.as_ref().unwrap().entries;
        assert_eq!(rows[0].key.text, "FY2022");
        assert_eq!(
            rows[1].values[0].kind,
            ValueKind::Number(Number {
                value: 163.0,
                percent: false
            })
        );
        assert_eq!(kpi.entries[2].key.text, "measured-in");

        let allow = &file.decls[7].block.as_ref().unwrap().entries[1];
        let kinds: Vec<_> = allow.values.iter().map(|v| v.kind.describe()).collect();
        assert_eq!(kinds, ["identifier", "string", "identifier", "date"]);
        assert_eq!(
            allow.values[3].kind,
            ValueKind::Date(Date::new(2027, 3, 31).unwrap())
        );
    }

    #[test]
    fn values() {
        assert_eq!(value("\"a\\tb\""), ValueKind::Str("a\tb".into()));
        assert_eq!(
            value("27.4%"),
            ValueKind::Number(Number {
                value: 27.4,
                percent: true
            })
        );
        assert_eq!(
            value("-1_000"),
            ValueKind::Number(Number {
                value: -1000.0,
                percent: false
            })
        );
        assert_eq!(value("true"), ValueKind::Bool(true));
        assert_eq!(value("false"), ValueKind::Bool(false));
        assert_eq!(value("amed.hub"), ValueKind::Ident("amed.hub".into()));
        assert_eq!(value("[]"), ValueKind::List(vec![]));
        assert!(matches!(value("1..5"), ValueKind::Range(..)));
        assert!(matches!(
            value("2023-04-01..2024-03-31"),
            ValueKind::Range(..)
        ));
        assert!(matches!(value("FY2022..FY2022"), ValueKind::Range(..)));
        assert!(matches!(value("a..b"), ValueKind::Range(..)));
        let ValueKind::List(items) = value("[a, b,]") else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        let ValueKind::List(items) = value("[\n  a, # comment\n  b\n]") else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        let ValueKind::List(items) = value("[[1, 2], [\"x\"]]") else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert_eq!(value("\"\"\"a\r\nb\"\"\""), ValueKind::Str("a\nb".into()));
    }

    /// Blocks and lists keep their own entries and items, however deep and wherever they
    /// end (the parser gathers them on one stack: a block or list that took another's, or
    /// left its own behind, would show here).
    #[test]
    fn nested_blocks_and_lists_keep_their_own_entries() {
        fn shape(v: &Value) -> String {
            match &v.kind {
                ValueKind::List(items) => {
                    let inner: Vec<String> = items.iter().map(shape).collect();
                    format!("[{}]", inner.join(","))
                }
                ValueKind::Number(n) => n.value.to_string(),
                ValueKind::Ident(s) | ValueKind::Str(s) => s.to_string(),
                other => other.describe().to_owned(),
            }
        }
        fn entries(block: Option<&Block>) -> Vec<String> {
            block.map_or(Vec::new(), |b| {
                b.entries
                    .iter()
                    .map(|e| {
                        let values: Vec<String> = e.values.iter().map(shape).collect();
                        let inner = entries(e.block.as_deref());
                        format!("{}={}{{{}}}", e.key.text, values.join(" "), inner.join(";"))
                    })
                    .collect()
            })
        }
        // Each declaration's entries, and whether the text had a syntax error.
        let read = |text: &str| {
            let (file, findings) = run(text);
            let got: Vec<Vec<String>> = file
                .decls
                .iter()
                .map(|d| entries(d.block.as_ref()))
                .collect();
            (got, !findings.is_empty())
        };
        assert_eq!(
            read(
                "k A { a [[1, 2], [3]]; s { FY2022 1; FY2023 [4, [5]] }; b [x, [y, z]] }\n\
                 k B { c []; d [[]] }\n",
            ),
            (
                [
                    vec![
                        "a=[[1,2],[3]]{}".to_owned(),
                        "s={FY2022=1{};FY2023=[4,[5]]{}}".to_owned(),
                        "b=[x,[y,z]]{}".to_owned(),
                    ],
                    vec!["c=[]{}".to_owned(), "d=[[]]{}".to_owned()],
                ]
                .to_vec(),
                false
            )
        );
        // A block left open before the next declaration, and a list and a block left open at
        // the end of the file: what each held is its own, and the next declaration starts
        // with nothing of theirs.
        assert_eq!(
            read("k A { a [1, [2, 3]]\nk B { s { t 1 }; b 1 }\nk C { c [4, [5"),
            (
                [
                    vec!["a=[1,[2,3]]{}".to_owned()],
                    vec!["s={t=1{}}".to_owned(), "b=1{}".to_owned()],
                    vec!["c=[4,[5]]{}".to_owned()],
                ]
                .to_vec(),
                true
            )
        );
    }

    #[test]
    fn spans_and_separators() {
        let text = "goal G1 \"t\" { a 1; b 2\n c [x,\n y] }";
        let (file, findings) = run(text);
        assert!(findings.is_empty());
        let d = &file.decls[0];
        assert_eq!((d.span.start(), d.span.end()), (0, text.len()));
        let e: Vec<_> = d
            .block
            .as_ref()
            .unwrap()
            .entries
            .iter()
            .map(|e| &text[e.span.range()])
            .collect();
        assert_eq!(e, ["a 1", "b 2", "c [x,\n y]"]);
        let (file, _) = run("goal G1\ngoal G2 \"t\"\n\u{feff}");
        assert_eq!(file.decls.len(), 2);
        assert_eq!(file.decls[1].span.end(), 19);
        let (file, _) = run("\u{feff}goal G1");
        assert_eq!(file.decls[0].span.start(), 3);
    }

    #[test]
    fn messages() {
        assert_eq!(
            message("goal G1 {}\n\u{a0}"),
            "unexpected character U+00A0 (no-break space)"
        );
        assert!(
            message("goal G1 {}\n\u{feff}").contains("byte order mark in the middle of the file")
        );
        assert_eq!(
            message("1G G1 {}"),
            "expected a declaration kind (an identifier), found `1G`"
        );
        assert_eq!(
            message("goal G1. {}"),
            "expected identifier segment after `.`"
        );
        assert_eq!(
            message("goal G1 { policy V1 ,}"),
            "expected a value, `{`, `;` or a newline, found `,`"
        );
        assert_eq!(
            message("goal G1 { ] }"),
            "expected `}` or an entry key, found `]`"
        );
        assert_eq!(
            message("goal\n"),
            "expected an ID after `goal`, found a newline"
        );
        assert_eq!(
            message("goal"),
            "expected an ID after `goal`, found end of file"
        );
        assert_eq!(
            message("g G { k \"\\u{D800}\" }"),
            "invalid escape `\\u{D800}`: a surrogate is not a character"
        );
        assert_eq!(
            message("g G { k 1e999 }"),
            "invalid number `1e999`: out of range"
        );
        assert_eq!(
            message("g G { k FY2022..2026 }"),
            "mixed range `FY2022..2026`: an identifier and a number"
        );
        let (_, f) = run("goal Ｇ１．３ {}");
        assert_eq!(f[0].help.as_ref().unwrap().en(), "did you mean `G1.3`?");
        let (_, f) = run("goal G1 \"abc\n");
        assert_eq!(f[0].label.as_ref().unwrap().en(), "string starts here");
        let (_, f) = run("goal G1 {\n policy V1\n");
        assert_eq!(f[0].labels[0].text.en(), "block opened here");
        assert_eq!(
            (f[0].labels[0].span.start(), f[0].labels[0].span.end()),
            (8, 9)
        );
        let (_, f) = run("k K { t [a,\n");
        assert_eq!(f[0].labels[0].text.en(), "list opened here");
        let (_, f) = run("g G1\u{3000}{}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(
            f[0].help.as_ref().unwrap().en(),
            "replace it with an ASCII space"
        );
    }

    findings! {
        // A: bytes and encoding.
        a3_bom_in_the_middle: "goal G1 {}\n\u{feff}goal G2 {}" => [("ALN018", 11, 14)];
        a6_lone_cr: "goal G1\rgoal G2" => [("ALN010", 7, 8)];
        a7_nul_outside: "goal\0 G1" => [("ALN018", 4, 5)];
        a7_control_inside: "goal G1 \"a\u{1}b\u{7f}\"" => [("ALN018", 10, 11), ("ALN018", 12, 13)];
        a7_del_outside: "goal G1 \u{7f}" => [("ALN018", 8, 9)];
        a8_bidi_outside: "goal G1 \u{202e}{}" => [("ALN018", 8, 11)];
        a8_bidi_in_comment: "# \u{2066}\ngoal G1" => [("ALN018", 2, 5)];
        a8_bidi_in_title: "goal G1 \"a\u{202e}b\u{200f}\"" => [("ALN020", 10, 13), ("ALN020", 14, 17)];
        a9_ideographic_space: "goal\u{3000}G1 {}" => [("ALN019", 4, 7)];
        a10_no_break_space: "goal\u{a0}G1" => [("ALN018", 4, 6)];
        a10_unicode_spaces: "goal\u{2002}G1\u{200b}\u{200a}" => [("ALN018", 4, 7), ("ALN018", 9, 12), ("ALN018", 12, 15)];
        a11_full_width_id: "goal Ｇ１．３ {}" => [("ALN018", 5, 17)];
        a11_full_width_brace: "goal G1 ｛ policy V1 }" => [("ALN018", 8, 11)];
        a12_empty: "" => [];
        a12_only_comments: "# a\n# b\r\n" => [];
        a12_only_bom: "\u{feff}" => [];
        a12_only_whitespace: " \n\t\r\n  " => [];
        unquoted_text: "goal G1 研究開発 {}" => [("ALN018", 8, 20)];
        // B: lexing and syntax.
        b1_unterminated: "goal G1 \"abc\ngoal G2 \"ok\" { policy V1 }\n" => [("ALN011", 8, 9)];
        b1_no_cascade: "goal G1 \"abc {\n  policy V1\n}\ngoal G2 {}\n" => [("ALN011", 8, 9)];
        b2_unterminated_block: "goal G1 \"\"\"abc\n}\n" => [("ALN011", 8, 11)];
        b2_eof_after_backslash: "goal G1 \"ab\\" => [("ALN011", 11, 12)];
        b3_unclosed_block: "goal G1 {\n  policy V1\n" => [("ALN017", 22, 22)];
        b3_unclosed_list: "k K { t [a," => [("ALN017", 11, 11)];
        b3_stray_close: "}\ngoal G1 {}" => [("ALN010", 0, 1)];
        b3_bracket_for_brace: "goal G1 { policy V1 ]" => [("ALN010", 20, 21), ("ALN017", 21, 21)];
        b4_bad_escape: "g G \"\\q\"" => [("ALN012", 5, 7)];
        b4_escape_too_big: "g G \"\\u{110000}\"" => [("ALN012", 5, 15)];
        b4_empty_escape: "g G { k \"\\u{}\" \"\\u{12345678}\" }" => [("ALN012", 9, 13), ("ALN012", 16, 28)];
        b5_double_comma: "k K { t [a,,b] }" => [("ALN010", 11, 12)];
        b5_lone_comma: "k K { t [,] }" => [("ALN010", 9, 10)];
        b5_missing_comma: "k K { t [a b] }" => [("ALN010", 11, 12)];
        b5_trailing_comma_and_comments: "k K { t [\n a, # x\n b,\n] }" => [];
        b6_out_of_range: "k K { v 1e999 }" => [("ALN013", 8, 13)];
        b6_double_percent: "k K { v 27.4%% }" => [("ALN013", 8, 14)];
        b6_double_underscore: "k K { v 1__0 }" => [("ALN013", 8, 12)];
        b6_trailing_underscore: "k K { v 1_ }" => [("ALN013", 8, 10)];
        b6_minus: "k K { v - }" => [("ALN010", 8, 9)];
        b6_leading_dot: "k K { v .5 }" => [("ALN010", 8, 9)];
        b7_feb_30: "k K { d 2023-02-30 }" => [("ALN014", 8, 18)];
        b7_month_13: "k K { d 2023-13-01 }" => [("ALN014", 8, 18)];
        b7_zeros: "k K { d 0000-00-00 }" => [("ALN014", 8, 18)];
        b7_unpadded: "k K { d 2023-2-1 }" => [("ALN014", 8, 16)];
        b8_mixed: "k K { p FY2022..2026 }" => [("ALN015", 8, 20)];
        b8_reversed_ident: "k K { p FY2026..FY2022 }" => [("ALN015", 8, 22)];
        b8_reversed_number: "k K { p 5..1 }" => [("ALN015", 8, 12)];
        b8_reversed_date: "k K { p 2024-01-01..2023-01-01 }" => [("ALN015", 8, 30)];
        b8_no_end: "k K { p 1.. }" => [("ALN015", 8, 11)];
        b8_no_start: "k K { p ..2 }" => [("ALN015", 8, 11)];
        b8_spaced: "k K { p 1 .. 2 }" => [("ALN015", 10, 12)];
        b9_ident_number_range: "k K { p G1..3 }" => [("ALN015", 8, 13)];
        b9_trailing_dot: "goal G1. {}" => [("ALN010", 7, 8)];
        b9_leading_dot: "k K { parent .G1 }" => [("ALN010", 13, 14)];
        b9_number_as_kind: "1G G1 {}\ngoal G2 {}" => [("ALN010", 0, 2)];
        b9_dotted_kind_and_key: "a.b G1 { c.d 1 }" => [("ALN010", 0, 3), ("ALN010", 9, 12)];
        b9_number_as_key: "g G { 2022 1 }" => [("ALN010", 6, 10)];
        equals_sign: "g G { k = 1\n l 2 }" => [("ALN023", 8, 9)];
        junk_after_title: "g G \"t\" x\ng H {}" => [("ALN010", 8, 9)];
        junk_after_block: "g G { k { } x }" => [("ALN010", 12, 13)];
        top_level_semicolon: ";\ng G" => [("ALN010", 0, 1)];
    }

    #[test]
    fn b1_decls_after_an_unterminated_string_are_kept() {
        let (file, _) = run("goal G1 \"abc\ngoal G2 \"ok\" { policy V1 }\n");
        let ids: Vec<_> = file.decls.iter().map(|d| d.id.text.as_str()).collect();
        assert_eq!(ids, ["G1", "G2"]);
        assert_eq!(file.decls[0].title.as_ref().unwrap().value, "abc");
    }

    fn broken_decls(n: usize) -> String {
        use std::fmt::Write;
        let mut text = String::new();
        for i in 0..n {
            let _ = writeln!(text, "goal G{i} {{ policy ] }}");
        }
        text
    }

    #[test]
    fn b10_every_broken_decl_reported_then_capped() {
        let broken = broken_decls(20);
        let found = codes(&broken);
        assert_eq!(found.len(), 20);
        assert!(found.iter().all(|(c, ..)| c == "ALN010"));
        let broken = broken_decls(60);
        let found = run(&broken).1;
        assert_eq!(found.len(), MAX_ERRORS_PER_FILE + 1);
        let last = found.last().unwrap();
        assert_eq!(
            (last.code.as_str(), last.message.en().as_ref()),
            ("ALN021", "and 10 more syntax errors not shown")
        );
    }

    fn deep(open: &str, close: &str, n: usize) -> String {
        format!(
            "k K {{ v {}{} }}\nk L {{}}\n",
            open.repeat(n),
            close.repeat(n)
        )
    }

    fn nesting_holds() {
        for (open, close) in [
            ("[", ""),
            ("{", ""),
            ("x {", ""),
            ("[", "]"),
            ("x {", "}"),
            ("{", "}"),
        ] {
            let (file, findings) = run(&deep(open, close, 100_000));
            assert!(
                findings.len() <= 3,
                "{open}{close}: {:?}",
                &findings[..3.min(findings.len())]
            );
            drop(file);
        }
        let (file, findings) = run(&deep("[", "]", 100_000));
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].code, "ALN016");
        // `k K { v ` then 63 lists fit (the block is level 1): the 64th `[` is past the limit.
        assert_eq!(findings[0].span.start(), 8 + MAX_NESTING - 1);
        assert_eq!(file.decls.len(), 2);
        let (file, findings) = run(&deep("x {", "}", 100_000));
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].code, "ALN016");
        assert_eq!(file.decls.len(), 2);
    }

    #[test]
    fn c1_deep_nesting_on_the_test_thread() {
        nesting_holds();
    }

    #[test]
    fn c1_deep_nesting_on_a_512_kib_stack() {
        let worker = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(nesting_holds)
            .unwrap();
        worker.join().unwrap();
    }

    #[test]
    fn nasty_inputs_never_panic_and_keep_spans_in_bounds() {
        for text in [
            "\"",
            "\"\"\"",
            "\\",
            "[",
            "]",
            "{",
            "}",
            "..",
            ".",
            "-",
            "k",
            "k K",
            "k K {",
            "k K { v",
            "k K { v [",
            "k K { v \"\\u{",
            "k K { v \"\\u{1",
            "k K { v \"\\",
            "k K { v 1..",
            "k K { v ..",
            "k K { v é.. }",
            "\u{feff}\u{feff}",
            "\r",
            "\r\r\n",
            "Ｇ",
            "＂",
            "｛｝",
            "\u{3000}",
            "k K { v 1e }",
            "k K { v 0x10 }",
            "k K { a [1,,,,] ; ; }",
            "k K { v [}",
            "k K { v {]}",
            "\0\u{1}\u{7f}\u{80}\u{9f}",
            "é",
            "k é",
            "k K é",
            "k K { é }",
            "k K { v é }",
            "\u{10ffff}",
            "k K \"\"\"\n\u{202e}\r\n",
            "#\r",
            "k K { v [a\n b\n c ]",
            "k K { v FY..FY }",
            "k K { v 9999999999999999999999..1 }",
            "k K { v G1.3..G1.2 }",
        ] {
            run(text);
        }
    }
}
