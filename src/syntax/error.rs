//! Syntax error kinds.
