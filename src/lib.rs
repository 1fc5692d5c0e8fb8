//! align: checks that a plan, the programs that fund it and the KPIs that measure it line up.
//!
//! The pipeline, each stage one module, data flowing one way:
//! `source` (find and read files) → `syntax` (nom parser → AST with spans) →
//! `model` (AST + schema → typed nodes in a petgraph graph) → `rules` (rule set → findings) →
//! `report` (renderers) → `cli` (clap, thin). Every problem on the way is a [`diag::Finding`].

pub mod analysis;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod diag;
pub mod engine;
pub mod lsp;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod syntax;
