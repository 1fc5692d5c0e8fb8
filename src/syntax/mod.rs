//! Syntax: the nom parser from source text to the AST, with every syntax error of a file.
//!
//! Second stage of the pipeline. Never panics; recovers at the next entry or declaration.

pub mod ast;
mod error;
mod lex;
mod literal;
mod notation;
mod parse;

pub(crate) use lex::to_ascii as full_width_to_ascii;
pub use lex::{tokenize, Token, TokenKind};
pub use parse::{parse, parse_shared, MAX_ERRORS_PER_FILE, MAX_NESTING};
