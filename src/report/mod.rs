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

use crate::diag::{Counts, Finding, Text};
use crate::model::Model;
use crate::source::SourceSet;

/// What a run checked, for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub counts: Counts,
    pub files: usize,
    /// Nodes per kind, in schema order, kinds with no node left out.
    pub kinds: Vec<KindCount>,
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
    /// Counts the findings by severity and the model's nodes by kind (one pass).
    pub fn new(findings: &[Finding], sources: &SourceSet, model: &Model) -> Self {
        let mut per_kind = vec![0usize; model.schema.kinds.len()];
        for node in &model.nodes {
            if let Some(c) = per_kind.get_mut(usize::from(node.kind.0)) {
                *c += 1;
            }
        }
        let kinds = model
            .schema
            .kinds
            .iter()
            .zip(per_kind)
            .filter(|(_, count)| *count > 0)
            .map(|(k, count)| KindCount {
                name: k.name.clone(),
                label: k.label.clone(),
                count,
            })
            .collect();
        Summary {
            counts: Counts::of(findings),
            files: sources.spec_count(),
            kinds,
        }
    }
}
