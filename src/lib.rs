//! align: checks that a plan, the programs that fund it and the KPIs that measure it line up.
//!
//! The pipeline, each stage one module, data flowing one way:
//! `source` (find and read files) → `syntax` (nom parser → AST with spans) →
//! `model` (AST + schema → typed nodes in a petgraph graph) → `rules` (rule set → findings) and
//! `analysis` (KPI series, stage-gate rates) → `engine` (one run: options in, result out) →
//! `report` (renderers, each reading one [`report::Input`]) → `cli` (clap, thin). Every problem
//! on the way is a [`diag::Finding`].
//!
//! # Layers
//!
//! A module may import modules of lower layers only; two modules of one layer never import
//! each other. `tests/layers.rs` reads the list below and every `crate::` path in `src/` and
//! fails on an import against it (see `docs/architecture.md`).
//!
//! ```text
//! layer 0: base
//! layer 1: diag
//! layer 2: source
//! layer 3: syntax
//! layer 4: model
//! layer 5: analysis
//! layer 6: rules
//! layer 7: baseline, config, select
//! layer 8: engine
//! layer 9: diff, fmt, report
//! layer 10: init, lsp
//! layer 11: cli
//! ```

pub mod analysis;
pub mod base;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod diag;
pub mod diff;
pub mod engine;
pub mod fmt;
pub mod init;
pub mod lsp;
pub mod model;
pub mod report;
pub mod rules;
pub mod select;
pub mod source;
pub mod syntax;
