//! Which declaration of the old version is which of the new: the same ID first, then renames.
//!
//! A declaration whose ID is gone and a new declaration of the same kind are a **rename** when
//! their similarity is at least [`RENAME_THRESHOLD`]:
//!
//! ```text
//! similarity = TITLE_WEIGHT × dice(title, title') + (1 − TITLE_WEIGHT) × jaccard(content, content')
//! ```
//!
//! - `dice` is the Sørensen–Dice coefficient of the titles' character bigrams (of their first
//!   [`MAX_TITLE_CHARS`] characters), after NFKC normalisation, lower-casing and removal of
//!   white space (bigrams of characters, not words,
//!   because Japanese titles have no spaces); 1 for equal titles.
//! - `jaccard` is |A ∩ B| / |A ∪ B| over the declarations' `key = value` entries (every key but
//!   the title, references included, canonical text as in [`super::decl`]).
//! - When neither declaration has a title, the similarity is the content's alone; when neither
//!   has content, the title's alone.
//!
//! Pairs are taken greedily, best first (ties by old then new ID, so the result is
//! deterministic); each declaration is in at most one rename. When a kind has more than
//! [`FUZZY_PAIR_LIMIT`] candidate pairs, only declarations with equal titles are compared, so
//! a diff of two unrelated plans stays linear.

use super::decl::Decl;
use std::collections::{HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;

/// Weight of the title in the similarity; the content has the rest.
pub const TITLE_WEIGHT: f64 = 0.6;
/// Lowest similarity of a rename.
pub const RENAME_THRESHOLD: f64 = 0.6;
/// Largest number of (old, new) pairs of one kind compared by similarity.
pub const FUZZY_PAIR_LIMIT: usize = 250_000;
/// Characters of a title compared (a title is a line, not a document: a 100 MB title costs no
/// more than this).
pub const MAX_TITLE_CHARS: usize = 1_000;

/// The pairing of two versions' declarations (indices into the two `decls` lists).
#[derive(Debug, Default)]
pub struct Matching {
    /// Same ID in both versions.
    pub same: Vec<(usize, usize)>,
    /// Renames: old, new, similarity.
    pub renamed: Vec<(usize, usize, f64)>,
    /// Old declarations with no counterpart.
    pub removed: Vec<usize>,
    /// New declarations with no counterpart.
    pub added: Vec<usize>,
}

/// Pairs `old` with `new`.
pub fn pair(old: &[Decl<'_>], new: &[Decl<'_>]) -> Matching {
    let new_by_id: HashMap<&str, usize> = new.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
    let mut m = Matching::default();
    let mut matched_new = vec![false; new.len()];
    let mut unmatched_old = Vec::new();
    for (i, d) in old.iter().enumerate() {
        match new_by_id.get(d.id) {
            Some(&j) => {
                m.same.push((i, j));
                matched_new[j] = true;
            }
            None => unmatched_old.push(i),
        }
    }
    let unmatched_new: Vec<usize> = (0..new.len()).filter(|&j| !matched_new[j]).collect();
    let mut candidates = Vec::new();
    let mut kinds: Vec<&str> = unmatched_old.iter().map(|&i| old[i].kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let olds: Vec<usize> = unmatched_old
            .iter()
            .copied()
            .filter(|&i| old[i].kind == kind)
            .collect();
        let news: Vec<usize> = unmatched_new
            .iter()
            .copied()
            .filter(|&j| new[j].kind == kind)
            .collect();
        let profiles_new: Vec<Profile> = news.iter().map(|&j| Profile::of(&new[j])).collect();
        let fuzzy = olds.len().saturating_mul(news.len()) <= FUZZY_PAIR_LIMIT;
        let mut by_title: HashMap<&str, Vec<usize>> = HashMap::new();
        if !fuzzy {
            for (k, p) in profiles_new.iter().enumerate() {
                by_title.entry(p.title.as_str()).or_default().push(k);
            }
        }
        for &i in &olds {
            let p = Profile::of(&old[i]);
            let ks: Vec<usize> = if fuzzy {
                (0..news.len()).collect()
            } else {
                by_title.get(p.title.as_str()).cloned().unwrap_or_default()
            };
            for k in ks {
                let s = similarity(&p, &profiles_new[k]);
                if s >= RENAME_THRESHOLD {
                    candidates.push((s, i, news[k]));
                }
            }
        }
    }
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| old[a.1].id.cmp(old[b.1].id))
            .then_with(|| new[a.2].id.cmp(new[b.2].id))
    });
    let (mut used_old, mut used_new) = (HashSet::new(), HashSet::new());
    for (s, i, j) in candidates {
        if used_old.contains(&i) || used_new.contains(&j) {
            continue;
        }
        used_old.insert(i);
        used_new.insert(j);
        m.renamed.push((i, j, s));
    }
    m.removed = unmatched_old
        .into_iter()
        .filter(|i| !used_old.contains(i))
        .collect();
    m.added = unmatched_new
        .into_iter()
        .filter(|j| !used_new.contains(j))
        .collect();
    m
}

/// What the similarity of one declaration is computed from.
struct Profile {
    /// Normalised title (empty when there is none).
    title: String,
    has_title: bool,
    bigrams: HashMap<(char, char), usize>,
    content: HashSet<String>,
}

impl Profile {
    fn of(d: &Decl<'_>) -> Profile {
        let title: String = d
            .title
            .unwrap_or("")
            .chars()
            .take(MAX_TITLE_CHARS)
            .nfkc()
            .flat_map(char::to_lowercase)
            .filter(|c| !c.is_whitespace())
            .collect();
        let chars: Vec<char> = title.chars().collect();
        let mut bigrams = HashMap::new();
        for w in chars.windows(2) {
            *bigrams.entry((w[0], w[1])).or_insert(0) += 1;
        }
        let mut content: HashSet<String> =
            d.values.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        for (rel, targets) in &d.refs {
            content.insert(format!("{rel} = [{}]", targets.join(", ")));
        }
        Profile {
            has_title: d.title.is_some_and(|t| !t.is_empty()),
            title,
            bigrams,
            content,
        }
    }
}

/// Sørensen–Dice over character bigrams (with repetition); 1 for equal texts, and equality
/// for texts too short to have a bigram.
fn dice(a: &Profile, b: &Profile) -> f64 {
    if a.title == b.title {
        return 1.0;
    }
    let (na, nb): (usize, usize) = (a.bigrams.values().sum(), b.bigrams.values().sum());
    if na == 0 || nb == 0 {
        return 0.0;
    }
    let common: usize = a
        .bigrams
        .iter()
        .map(|(g, &n)| n.min(b.bigrams.get(g).copied().unwrap_or(0)))
        .sum();
    2.0 * ratio(common, na + nb)
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    ratio(a.intersection(b).count(), union)
}

/// `part / whole` (counts of a title's bigrams or a declaration's entries: far below 2³²).
fn ratio(part: usize, whole: usize) -> f64 {
    let f = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX));
    f(part) / f(whole)
}

/// The documented similarity of two declarations, in 0..=1.
fn similarity(a: &Profile, b: &Profile) -> f64 {
    let titled = a.has_title || b.has_title;
    let contentful = !a.content.is_empty() || !b.content.is_empty();
    match (titled, contentful) {
        (true, true) => {
            TITLE_WEIGHT * dice(a, b) + (1.0 - TITLE_WEIGHT) * jaccard(&a.content, &b.content)
        }
        (true, false) => dice(a, b),
        (false, _) => jaccard(&a.content, &b.content),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl<'a>(id: &'a str, title: &'a str, values: &[(&'a str, &str)]) -> Decl<'a> {
        Decl {
            ix: crate::model::NodeIx::new(0),
            id,
            kind: "item",
            title: Some(title),
            values: values.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            tag_keys: Vec::new(),
            refs: Vec::new(),
        }
    }

    #[test]
    fn a_moved_item_with_its_title_is_a_rename() {
        let old = [decl(
            "I1.3.2.a",
            "国際共同治験の基盤構築",
            &[("en", "a"), ("topics", "[t]")],
        )];
        let new = [decl(
            "I2.1.1.a",
            "国際共同治験の基盤構築",
            &[("en", "a"), ("topics", "[t, u]")],
        )];
        let m = pair(&old, &new);
        assert_eq!(m.renamed.len(), 1);
        // title 1.0, content 1/3: 0.6 + 0.4/3
        assert!((m.renamed[0].2 - (0.6 + 0.4 / 3.0)).abs() < 1e-9);
        assert!(m.removed.is_empty() && m.added.is_empty());
    }

    #[test]
    fn different_declarations_are_removed_and_added() {
        let old = [decl("I1", "人材育成研修の実施", &[("en", "a")])];
        let new = [decl("I9", "医療機器の安定供給の確保", &[("en", "b")])];
        let m = pair(&old, &new);
        assert!(m.renamed.is_empty());
        assert_eq!((m.removed.len(), m.added.len()), (1, 1));
    }

    #[test]
    fn the_best_pair_wins_and_ties_break_by_id() {
        let old = [
            decl("A", "研究開発の支援", &[]),
            decl("B", "研究開発の支援", &[]),
        ];
        let new = [decl("C", "研究開発の支援", &[])];
        let m = pair(&old, &new);
        assert_eq!(m.renamed, vec![(0, 0, 1.0)]);
        assert_eq!(m.removed, vec![1]);
    }

    #[test]
    fn dice_is_about_characters() {
        let a = Profile::of(&decl("x", "ａｂｃ d", &[]));
        let b = Profile::of(&decl("y", "abcd", &[]));
        assert!((dice(&a, &b) - 1.0).abs() < 1e-9);
        let c = Profile::of(&decl("z", "abxy", &[]));
        // bigrams ab bc cd vs ab bx xy: 2·1 / 6
        assert!((dice(&a, &c) - 1.0 / 3.0).abs() < 1e-9);
    }
}
