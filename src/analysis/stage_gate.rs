//! Stage gates: funded themes (projects) with a stage at adoption and a stage now; the share
//! that moved up, overall, per program and per stage at adoption.
//!
//! A theme moved up when both stages are recorded and the stage now is higher. A theme whose
//! stage at adoption is not recorded (or is not a whole number) counts in the totals and in no
//! stage row; a theme with no program counts in the overall figures only.

use super::percent_tenths;
use crate::model::{KeyId, KindId, Model, Node, NodeIx};
use std::collections::BTreeMap;

/// Where the themes and their stages are: parameters of a rule.
#[derive(Clone, Debug)]
pub struct GateKeys {
    /// The kind of a theme (`project`).
    pub project: KindId,
    /// The theme's relation to its program (`program`).
    pub relation: KeyId,
    /// Number keys of the theme.
    pub at_adoption: KeyId,
    pub now: KeyId,
}

/// One theme, as the analysis sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub program: Option<NodeIx>,
    pub at_adoption: Option<i64>,
    pub now: Option<i64>,
}

impl Theme {
    pub fn moved_up(&self) -> bool {
        matches!((self.at_adoption, self.now), (Some(a), Some(n)) if n > a)
    }
}

/// Themes and how many of them moved up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub themes: u64,
    pub moved_up: u64,
}

impl Tally {
    /// The stage-up rate in tenths of a percent, rounded half away from zero.
    pub fn rate_tenths(&self) -> Option<u64> {
        percent_tenths(self.moved_up, self.themes)
    }

    fn add(&mut self, t: &Theme) {
        self.themes += 1;
        self.moved_up += u64::from(t.moved_up());
    }
}

/// Figures for a set of themes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gates {
    pub total: Tally,
    /// By stage at adoption, in stage order.
    pub by_stage: BTreeMap<i64, Tally>,
    /// Themes with no recorded stage at adoption (in `total`, in no stage row).
    pub unrecorded: Tally,
}

/// Tallies a set of themes.
pub fn tally<'a>(themes: impl IntoIterator<Item = &'a Theme>) -> Gates {
    let mut g = Gates::default();
    for t in themes {
        g.total.add(t);
        match t.at_adoption {
            Some(s) => g.by_stage.entry(s).or_default().add(t),
            None => g.unrecorded.add(t),
        }
    }
    g
}

/// A stage: a whole number.
fn stage(node: &Node, key: KeyId) -> Option<i64> {
    let v = node.number(key)?;
    (v.fract() == 0.0 && v.abs() < 1.0e15).then_some(v as i64)
}

/// Every theme of the model, in declaration order.
pub fn themes(model: &Model, keys: &GateKeys) -> Vec<Theme> {
    model
        .nodes_of(keys.project)
        .map(|n| {
            let node = model.node(n);
            Theme {
                program: model.graph.outgoing(n, keys.relation).next().map(|e| e.0),
                at_adoption: stage(node, keys.at_adoption),
                now: stage(node, keys.now),
            }
        })
        .collect()
}

/// Overall figures and, for each program with themes (in declaration order), its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub overall: Gates,
    pub programs: Vec<(NodeIx, Gates)>,
}

/// The stage-gate report of a model.
pub fn report(model: &Model, keys: &GateKeys) -> Report {
    let themes = themes(model, keys);
    let mut by_program: BTreeMap<NodeIx, Vec<Theme>> = BTreeMap::new();
    for t in &themes {
        if let Some(p) = t.program {
            by_program.entry(p).or_default().push(*t);
        }
    }
    Report {
        overall: tally(&themes),
        programs: by_program
            .into_iter()
            .map(|(p, ts)| (p, tally(&ts)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(at: Option<i64>, now: Option<i64>) -> Theme {
        Theme {
            program: None,
            at_adoption: at,
            now,
        }
    }

    #[test]
    fn moved_up_needs_both_stages_and_a_higher_one() {
        assert!(theme(Some(1), Some(2)).moved_up());
        assert!(!theme(Some(2), Some(2)).moved_up());
        assert!(!theme(Some(3), Some(2)).moved_up());
        assert!(!theme(None, Some(2)).moved_up());
        assert!(!theme(Some(1), None).moved_up());
    }

    #[test]
    fn the_study_reconstruction_gives_its_five_figures() {
        let mut ts = Vec::new();
        for (stage, n, up) in [(1, 17, 2), (2, 65, 24), (3, 48, 21), (4, 55, 4)] {
            for i in 0..n {
                let now = if i < up { stage + 1 } else { stage };
                ts.push(theme(Some(stage), Some(now)));
            }
        }
        ts.push(theme(None, None));
        let g = tally(&ts);
        assert_eq!(g.total.themes, 186);
        assert_eq!(g.total.moved_up, 51);
        assert_eq!(g.total.rate_tenths(), Some(274));
        let rates: Vec<Option<u64>> = g.by_stage.values().map(Tally::rate_tenths).collect();
        assert_eq!(rates, vec![Some(118), Some(369), Some(438), Some(73)]);
        assert_eq!(
            g.unrecorded,
            Tally {
                themes: 1,
                moved_up: 0
            }
        );
    }

    #[test]
    fn no_themes_no_rate() {
        let g = tally(&[]);
        assert_eq!(g.total.rate_tenths(), None);
        assert!(g.by_stage.is_empty());
    }
}
