//! What a run checked, counted once: findings by severity, files, nodes per kind.

use super::{Counts, Finding};
use crate::base::Text;

/// What a run checked, for the summary line of every renderer.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub counts: Counts,
    pub files: usize,
    /// Nodes per kind, in schema order, kinds with no node left out.
    pub kinds: Vec<KindCount>,
    /// Rule findings held back because they depend on a declaration with a structural error
    /// or on a file that could not be read (not in `counts`).
    pub held_back: usize,
}

/// How many nodes of one kind a run checked.
#[derive(Debug, Clone)]
pub struct KindCount {
    /// The kind's name in the schema (`item`), for machine formats.
    pub name: String,
    /// What drafters call it (取り組むべき事項), for human output.
    pub label: Text,
    pub count: usize,
}

impl Summary {
    /// The same files and kinds with the counts of other findings (after a baseline).
    #[must_use]
    pub fn recount(&self, findings: &[Finding]) -> Summary {
        Summary {
            counts: Counts::of(findings),
            ..self.clone()
        }
    }
}
