//! The syntax tree of one `.align` file: declarations, blocks, entries and values, each with
//! its byte span. Produced by `syntax::parse`, read by `model`.

pub use crate::base::Date;
use crate::base::Substr;
use crate::diag::Span;

/// `file = { decl } EOF`
#[derive(Clone, Debug, PartialEq, Default)]
pub struct File {
    pub decls: Vec<Decl>,
}

/// `decl = KIND ID [ STRING ] [ block ]`
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    pub kind: Ident,
    pub id: Ident,
    pub title: Option<Str>,
    pub block: Option<Block>,
    /// From the kind to the end of the block (or of the last part present).
    pub span: Span,
    /// A syntax error lies inside this declaration: it was read only in part, so later stages
    /// must not report consequences of the error (a missing key that was written).
    pub recovered: bool,
}

/// `block = "{" { entry } "}"`
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub entries: Vec<Entry>,
    /// From `{` to `}` inclusive (to the end of input when unclosed).
    pub span: Span,
}

/// `entry = KEY { value } [ block ] ( NEWLINE | ";" | before "}" )`
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Ident,
    pub values: smallvec::SmallVec<[Value; 1]>,
    /// Boxed: few entries have a block (a series), and every entry is moved into its block's
    /// list when parsed (an inline block made an entry 40 bytes wider).
    pub block: Option<Box<Block>>,
    /// From the key to the end of its last value or block (separator excluded).
    pub span: Span,
    /// A syntax error lies inside this entry: some of its values were dropped.
    pub recovered: bool,
}

/// A KIND, ID, KEY or `IDENT_PATH` token. Its text is a view into the file's text (a copy only
/// when it reads as something else than it is written, such as a full-width run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub text: Substr,
    pub span: Span,
}

/// A STRING token with its escapes resolved (multi-line strings normalised to LF): a view into
/// the file's text when it reads as written, its own string otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    pub value: Substr,
    pub span: Span,
}

/// A value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

/// `value = STRING | NUMBER | DATE | BOOL | RANGE | IDENT_PATH | list`
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Str(Substr),
    Number(Number),
    Date(Date),
    Bool(bool),
    /// `A..B`: both bounds of one kind (number, date or ident), checked by the parser.
    Range(Box<Value>, Box<Value>),
    Ident(Substr),
    /// `list = "[" [ value { "," value } [ "," ] ] "]"`
    List(Vec<Value>),
}

impl ValueKind {
    /// What the value is, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "string",
            ValueKind::Number(_) => "number",
            ValueKind::Date(_) => "date",
            ValueKind::Bool(_) => "boolean",
            ValueKind::Range(..) => "range",
            ValueKind::Ident(_) => "identifier",
            ValueKind::List(_) => "list",
        }
    }

    /// The same in Japanese.
    pub fn describe_ja(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "文字列",
            ValueKind::Number(_) => "数値",
            ValueKind::Date(_) => "日付",
            ValueKind::Bool(_) => "真偽値",
            ValueKind::Range(..) => "範囲",
            ValueKind::Ident(_) => "識別子",
            ValueKind::List(_) => "リスト",
        }
    }
}

/// A NUMBER: `-?[0-9][0-9_]*(\.[0-9]+)?([eE][+-]?[0-9]+)?%?`.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    /// The value (for `27.4%`, 27.4). Always finite.
    pub value: f64,
    pub percent: bool,
}
