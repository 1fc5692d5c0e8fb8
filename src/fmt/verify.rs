//! Checks a layout before it is written: the output parses without errors to the same syntax
//! tree (spans aside), with the same warnings, every comment in order, every leaf token byte
//! for byte, and formats to itself.

use crate::diag::{Finding, Severity, Span};
use crate::source::FileId;
use crate::syntax::ast::{Block, File, Value, ValueKind};
use crate::syntax::{tokenize, TokenKind};

/// The syntax tree without spans or recovery marks: what the file means.
pub(super) fn meaning(mut file: File) -> File {
    let zero = Span::new(FileId(0), 0, 0);
    for d in &mut file.decls {
        d.span = zero;
        d.recovered = false;
        d.kind.span = zero;
        d.id.span = zero;
        if let Some(t) = &mut d.title {
            t.span = zero;
        }
        if let Some(b) = &mut d.block {
            block(b, zero);
        }
    }
    file
}

fn block(b: &mut Block, zero: Span) {
    b.span = zero;
    for e in &mut b.entries {
        e.span = zero;
        e.recovered = false;
        e.key.span = zero;
        for v in &mut e.values {
            value(v, zero);
        }
        if let Some(inner) = &mut e.block {
            block(inner, zero);
        }
    }
}

fn value(v: &mut Value, zero: Span) {
    v.span = zero;
    match &mut v.kind {
        ValueKind::Range(a, b) => {
            value(a, zero);
            value(b, zero);
        }
        ValueKind::List(items) => {
            for item in items {
                value(item, zero);
            }
        }
        _ => {}
    }
}

/// The findings of a parse as they read, spans aside.
pub(super) fn findings_text(findings: &[Finding]) -> Vec<(String, Severity, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.code.to_string(),
                f.severity,
                f.message.get(crate::base::Lang::En).into_owned(),
            )
        })
        .collect()
}

/// The comments of `text` in order (trailing spaces aside).
pub(super) fn comments(text: &str) -> Vec<&str> {
    tokenize(text)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Comment)
        .map(|t| t.text(text).trim_end_matches([' ', '\t']))
        .collect()
}

/// The texts of the tokens that carry meaning (kinds, IDs, keys, values, brackets), in order:
/// layout may change everything else.
pub(super) fn leaves(text: &str) -> Vec<&str> {
    tokenize(text)
        .into_iter()
        .filter(|t| {
            !t.kind.is_trivia()
                && !matches!(
                    t.kind,
                    TokenKind::Newline | TokenKind::Semicolon | TokenKind::Comma
                )
        })
        .map(|t| t.text(text))
        .collect()
}

/// Why a layout was not written: what differs between the input (after the safe fixes) and
/// the output.
pub(super) fn compare(
    fixed: &str,
    fixed_findings: &[Finding],
    original: &File,
    out: &str,
    out_ast: &File,
    out_findings: &[Finding],
) -> Result<(), String> {
    if out_findings.iter().any(|f| f.severity == Severity::Error) {
        return Err("the formatted text has syntax errors".to_owned());
    }
    if meaning(out_ast.clone()) != meaning(original.clone()) {
        return Err("the formatted text parses to a different syntax tree".to_owned());
    }
    if findings_text(out_findings) != findings_text(fixed_findings) {
        return Err("the formatted text has other warnings".to_owned());
    }
    if comments(out) != comments(fixed) {
        return Err("a comment was lost or moved out of order".to_owned());
    }
    if leaves(out) != leaves(fixed) {
        return Err("a kind, ID, key or value was not kept byte for byte".to_owned());
    }
    Ok(())
}
