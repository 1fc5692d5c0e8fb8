//! The syntax tree of one `.align` file: declarations, blocks, entries and values, each with
//! its byte span. Produced by `syntax::parse`, read by `model`.

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
    pub values: Vec<Value>,
    pub block: Option<Block>,
    /// From the key to the end of its last value or block (separator excluded).
    pub span: Span,
    /// A syntax error lies inside this entry: some of its values were dropped.
    pub recovered: bool,
}

/// A KIND, ID, KEY or `IDENT_PATH` token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub text: String,
    pub span: Span,
}

/// A STRING token with its escapes resolved (multi-line strings normalised to LF).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    pub value: String,
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
    Str(String),
    Number(Number),
    Date(Date),
    Bool(bool),
    /// `A..B`: both bounds of one kind (number, date or ident), checked by the parser.
    Range(Box<Value>, Box<Value>),
    Ident(String),
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
}

/// A NUMBER: `-?[0-9][0-9_]*(\.[0-9]+)?([eE][+-]?[0-9]+)?%?`.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    /// The value (for `27.4%`, 27.4). Always finite.
    pub value: f64,
    pub percent: bool,
}

/// A DATE `YYYY-MM-DD`, validated against the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A real calendar date, or `None` (`2023-02-30`, month 13, year 0).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if year == 0 || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (day <= days).then_some(Date { year, month, day })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = ();

    /// Parses `YYYY-MM-DD` strictly (used for `--today`).
    fn from_str(s: &str) -> Result<Date, ()> {
        let bytes = s.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' || !s.is_ascii() {
            return Err(());
        }
        let year = s[0..4].parse().map_err(|_| ())?;
        let month = s[5..7].parse().map_err(|_| ())?;
        let day = s[8..10].parse().map_err(|_| ())?;
        Date::new(year, month, day).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_calendar() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2023, 2, 30).is_none());
        assert!(Date::new(2023, 13, 1).is_none());
        assert!(Date::new(0, 1, 1).is_none());
        assert_eq!(
            "2027-03-31".parse::<Date>().map(|d| d.to_string()),
            Ok("2027-03-31".into())
        );
        assert!("2027-3-31".parse::<Date>().is_err());
    }
}
