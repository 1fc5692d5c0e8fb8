//! Renderers: findings (already sorted) → text for people or machines.
//!
//! Fifth stage of the pipeline; every renderer reads the same finding list.

pub mod docs;
pub mod github;
pub mod human;
pub mod json;
pub mod location;
pub mod sanitize;
pub mod sarif;
pub mod stats;

use crate::diag::Counts;
use crate::source::SourceSet;

/// What a run checked, for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub counts: Counts,
    pub files: usize,
    /// Nodes per kind, in schema order: `("item", 42)`.
    pub kinds: Vec<(String, usize)>,
    /// The label of each kind of `kinds`, for human output (empty: the names are shown).
    pub labels: Vec<crate::diag::Text>,
}

impl Summary {
    pub fn new(
        findings: &[crate::diag::Finding],
        sources: &SourceSet,
        kinds: Vec<(String, usize)>,
    ) -> Self {
        Summary {
            counts: Counts::of(findings),
            files: sources.spec_count(),
            kinds,
            labels: Vec::new(),
        }
    }
}
