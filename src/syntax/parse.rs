//! Placeholder replaced by the parser.
use super::ast;
use crate::diag::Finding;
use crate::source::FileId;

pub const MAX_NESTING: usize = 64;
pub const MAX_ERRORS_PER_FILE: usize = 50;

pub fn parse(_file: FileId, _text: &str) -> (ast::File, Vec<Finding>) {
    (ast::File::default(), Vec::new())
}
