//! Generators of spec syntax trees (without spans) and their printing, shared by the property
//! tests (`properties.rs`: parse round trip, injected errors; `fmt.rs`: the formatter).

#![allow(dead_code, clippy::cast_sign_loss)] // each test crate uses a part; numbers are checked non-negative first

use align::syntax::ast::{self, ValueKind};
use proptest::prelude::*;
use std::fmt::Write as _;

/// An AST without spans, the shape `parse` must give back.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Decl {
    pub(crate) kind: String,
    pub(crate) id: String,
    pub(crate) title: Option<String>,
    pub(crate) block: Option<Vec<Entry>>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) values: Vec<Val>,
    pub(crate) block: Option<Vec<Entry>>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Str(String),
    Int(u32, bool),
    Date(u16, u8, u8),
    Bool(bool),
    NumRange(u32, u32),
    Ident(String),
    List(Vec<Val>),
}

/// An `IDENT_PATH` (IDs and identifier values).
pub(crate) fn ident() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9_-]{0,5}(\\.[a-z0-9]{1,3}){0,2}"
        .prop_filter("not a boolean", |s| s != "true" && s != "false")
}

/// A kind or key: an identifier without `.`.
pub(crate) fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9_-]{0,5}"
}

pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,12}",
        "[ぁ-んァ-ン一-龠　、。]{0,8}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
}

pub(crate) fn val() -> impl Strategy<Value = Val> {
    let leaf = prop_oneof![
        text().prop_map(Val::Str),
        (any::<u32>(), any::<bool>()).prop_map(|(n, p)| Val::Int(n, p)),
        (1u16..=9999, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| Val::Date(y, m, d)),
        any::<bool>().prop_map(Val::Bool),
        (any::<u32>(), any::<u32>()).prop_map(|(a, b)| Val::NumRange(a.min(b), a.max(b))),
        ident().prop_map(Val::Ident),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(Val::List)
    })
}

pub(crate) fn entries(depth: u32) -> BoxedStrategy<Vec<Entry>> {
    let block = if depth == 0 {
        Just(None).boxed()
    } else {
        prop::option::weighted(0.2, entries(depth - 1)).boxed()
    };
    prop::collection::vec(
        (word(), prop::collection::vec(val(), 0..3), block)
            .prop_map(|(key, values, block)| Entry { key, values, block }),
        0..4,
    )
    .boxed()
}

pub(crate) fn decl() -> impl Strategy<Value = Decl> {
    (
        word(),
        ident(),
        prop::option::of(text()),
        prop::option::of(entries(2)),
    )
        .prop_map(|(kind, id, title, block)| Decl {
            kind,
            id,
            title,
            block,
        })
}

pub(crate) fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || c.is_whitespace() && c != ' ' && c != '\u{3000}'
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}') =>
            {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub(crate) fn print_val(v: &Val, out: &mut String) {
    match v {
        Val::Str(s) => quote(s, out),
        Val::Int(n, p) => {
            let _ = write!(out, "{n}{}", if *p { "%" } else { "" });
        }
        Val::Date(y, m, d) => {
            let _ = write!(out, "{y:04}-{m:02}-{d:02}");
        }
        Val::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Val::NumRange(a, b) => {
            let _ = write!(out, "{a}..{b}");
        }
        Val::Ident(s) => out.push_str(s),
        Val::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                print_val(item, out);
            }
            out.push(']');
        }
    }
}

/// The parsed AST with spans dropped, in the generator's shape.
pub(crate) fn strip(file: &ast::File) -> Vec<Decl> {
    fn entries(b: &ast::Block) -> Vec<Entry> {
        b.entries
            .iter()
            .map(|e| Entry {
                key: e.key.text.to_string(),
                values: e.values.iter().map(value).collect(),
                block: e.block.as_deref().map(entries),
            })
            .collect()
    }
    fn int(v: &ast::Value) -> u32 {
        match &v.kind {
            ValueKind::Number(n) if n.value.fract() == 0.0 && !n.percent => n.value as u32,
            other => panic!("expected an integer, found {other:?}"),
        }
    }
    fn value(v: &ast::Value) -> Val {
        match &v.kind {
            ValueKind::Str(s) => Val::Str(s.to_string()),
            ValueKind::Number(n) => {
                assert!(n.value.fract() == 0.0 && n.value >= 0.0, "{n:?}");
                Val::Int(n.value as u32, n.percent)
            }
            ValueKind::Date(d) => Val::Date(d.year, d.month, d.day),
            ValueKind::Bool(b) => Val::Bool(*b),
            ValueKind::Range(a, b) => Val::NumRange(int(a), int(b)),
            ValueKind::Ident(s) => Val::Ident(s.to_string()),
            ValueKind::List(items) => Val::List(items.iter().map(value).collect()),
        }
    }
    file.decls
        .iter()
        .map(|d| Decl {
            kind: d.kind.text.to_string(),
            id: d.id.text.to_string(),
            title: d.title.as_ref().map(|t| t.value.to_string()),
            block: d.block.as_ref().map(entries),
        })
        .collect()
}
