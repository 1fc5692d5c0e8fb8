//! Tags compared as numbers: the coverage and plan-end rules ask, for each node and each
//! program linked above it, whether they share a tag.

use crate::model::{KeyId, Model, NodeIx};
use rustc_hash::FxHashMap;

/// Tags as numbers, for one run over some of a rule's nodes: each source's tags are read and
/// numbered once, then compared with each node's as sorted integers (compared as text, once
/// per node and source, through the tag lists' iterators, they were 3% of a check at 100,000
/// items in coverage).
#[derive(Default)]
pub(crate) struct TagNumbers<'m> {
    numbers: FxHashMap<&'m str, u32>,
    /// Per source read, its tags' numbers, sorted.
    sources: FxHashMap<NodeIx, Box<[u32]>>,
}

impl<'m> TagNumbers<'m> {
    /// The number of a tag (the same for the same text).
    pub(crate) fn number(&mut self, tag: &'m str) -> u32 {
        let next = u32::try_from(self.numbers.len()).unwrap_or(u32::MAX);
        *self.numbers.entry(tag).or_insert(next)
    }

    /// The numbers of the tags of source `s` under `key`, sorted.
    pub(crate) fn of_source(&mut self, model: &'m Model, s: NodeIx, key: KeyId) -> &[u32] {
        if !self.sources.contains_key(&s) {
            let mut numbers: Vec<u32> = model.node(s).tags(key).map(|t| self.number(t)).collect();
            numbers.sort_unstable();
            self.sources.insert(s, numbers.into_boxed_slice());
        }
        self.sources.get(&s).map_or(&[], |n| n)
    }
}

/// Whether two sorted lists of numbers share one.
pub(crate) fn share(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        match x.cmp(&y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two sorted lists of tag numbers share a tag exactly when they have a number in common;
    /// one text has one number.
    #[test]
    fn tag_numbers_compare_as_the_texts_do() {
        assert!(share(&[1, 3, 5], &[2, 3]));
        assert!(share(&[7], &[0, 7, 9]));
        assert!(!share(&[1, 4], &[2, 3, 5]));
        assert!(!share(&[], &[1]));
        let mut n = TagNumbers::default();
        let (ai, ai2, hub) = (
            n.number("ai"),
            n.number(&String::from("ai")),
            n.number("hub"),
        );
        assert_eq!(ai, ai2);
        assert_ne!(ai, hub);
    }
}
