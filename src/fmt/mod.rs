//! `align fmt`: lays spec files out in the one canonical layout of docs/language.md.
//!
//! Lossless and safe: the layout is printed from the syntax tree with every leaf taken verbatim
//! from the source and every comment from the trivia around it ([`layout`]); the only other
//! changes are the safe fixes of [`fix`]. Before a result is returned it is parsed again and
//! compared with the input ([`verify`]): same tree, same warnings, same comments and leaves,
//! and a fixed point of the layout. A file with syntax errors is not formatted.

pub mod diff;
mod fix;
mod gap;
mod layout;
pub mod set;
mod verify;

pub use layout::WIDTH;

use crate::diag::{Finding, Severity};
use crate::source::FileId;
use crate::syntax::{parse, tokenize, TokenKind};

/// The result of formatting one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file is already in canonical layout.
    Unchanged,
    /// The file in canonical layout, and how many safe fixes (U+3000, full-width forms) it
    /// includes.
    Changed { text: String, fixes: usize },
}

/// Why a file was left as it is.
#[derive(Debug)]
pub enum Refusal {
    /// The file has syntax errors (its findings, errors first); it must be fixed by hand.
    Syntax(Vec<Finding>),
    /// The layout failed its own checks (a bug in `align fmt`): what differed.
    Unsafe(String),
}

/// Formats the text of one spec file (`file` is used for the spans of the findings).
pub fn format(file: FileId, text: &str) -> Result<Outcome, Refusal> {
    let (original, findings) = parse(file, text);
    let tokens = tokenize(text);
    let (fixed, fixes) = fix::apply(text, &tokens);
    // Most files need no fix: then the fixed text is the text, already parsed and tokenized.
    let reparsed = (fixes > 0).then(|| (parse(file, &fixed), tokenize(&fixed)));
    let (fixed_ast, fixed_findings, fixed_tokens) = match &reparsed {
        Some(((ast, found), toks)) => (ast, found, toks),
        None => (&original, &findings, &tokens),
    };
    // A fix is safe when the parser already read the text so: then the fixed text parses to
    // the same tree. When it does not (`G１` is `G` then `1`), the errors stand.
    if fixed_findings.iter().any(|f| f.severity == Severity::Error)
        || (fixes > 0 && verify::meaning(fixed_ast.clone()) != verify::meaning(original.clone()))
    {
        let mut errors: Vec<Finding> = findings;
        errors.sort_by_key(|f| (f.severity != Severity::Error, f.span.start()));
        return Err(Refusal::Syntax(errors));
    }
    let out = lay_out(&fixed, fixed_tokens, fixed_ast)?;
    if out == text {
        // The text is its own layout: a fixed point, and nothing to write or check.
        return Ok(Outcome::Unchanged);
    }
    let (out_ast, out_findings) = parse(file, &out);
    verify::compare(
        &fixed,
        fixed_findings,
        &original,
        &out,
        &out_ast,
        &out_findings,
    )
    .map_err(Refusal::Unsafe)?;
    let again = lay_out(&out, &tokenize(&out), &out_ast)?;
    if again != out {
        return Err(Refusal::Unsafe(
            "formatting the result again changes it (the layout is not a fixed point)".to_owned(),
        ));
    }
    Ok(Outcome::Changed { text: out, fixes })
}

fn lay_out(
    text: &str,
    tokens: &[crate::syntax::Token],
    ast: &crate::syntax::ast::File,
) -> Result<String, Refusal> {
    // The file's line ending is that of its first line break.
    let nl = match tokens.iter().find(|t| t.kind == TokenKind::Newline) {
        Some(t) if t.text(text) == "\r\n" => "\r\n",
        _ => "\n",
    };
    layout::layout(text, tokens, ast, nl).map_err(|u| {
        Refusal::Unsafe(format!(
            "the text at byte {} is not part of the syntax tree",
            u.offset
        ))
    })
}

#[cfg(test)]
mod tests;
