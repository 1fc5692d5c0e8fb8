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

/// Whether two sorted lists of numbers share one, the steps it took added to `graph`'s work
/// count (the rules' work, which tests pin as linear).
///
/// Two lists of at most [`SHORT`] numbers are merged; otherwise lists whose ranges do not
/// meet are told apart at once, and a list at least eight times shorter than the other is
/// looked for in it by binary search: a merge walked the whole long list for every short one
/// (an item with N topics against each of its N linked programs of one scope each was N²).
#[inline]
pub(crate) fn share(graph: &crate::model::Graph, a: &[u32], b: &[u32]) -> bool {
    let (found, steps) = if a.len() <= SHORT && b.len() <= SHORT {
        merge(a, b)
    } else {
        share_steps(a, b)
    };
    graph.add_work(steps);
    found
}

/// Lists this short are merged without looking further (most nodes have a few tags).
const SHORT: usize = 8;

/// Whether `sorted` (sorted, without repeats) holds `tag`, by binary search, the comparisons
/// added to `graph`'s work count.
pub(crate) fn has(graph: &crate::model::Graph, sorted: &[&str], tag: &str) -> bool {
    let mut steps = 0;
    let found = sorted
        .binary_search_by(|x| {
            steps += 1;
            (*x).cmp(tag)
        })
        .is_ok();
    graph.add_work(steps);
    found
}

/// [`share`], and the comparisons it made.
fn share_steps(a: &[u32], b: &[u32]) -> (bool, usize) {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let (Some(&s0), Some(&s1), Some(&l0), Some(&l1)) =
        (short.first(), short.last(), long.first(), long.last())
    else {
        return (false, 1);
    };
    if s1 < l0 || l1 < s0 {
        return (false, 1);
    }
    if short.len().saturating_mul(8) < long.len() {
        // Each of the few in what is left of the many (both sorted): about
        // `short · log2(long)` comparisons.
        let mut rest = long;
        let mut steps = 1;
        for &x in short {
            let i = rest.partition_point(|&y| y < x);
            steps += 1 + rest.len().max(1).ilog2() as usize;
            if rest.get(i) == Some(&x) {
                return (true, steps);
            }
            rest = rest.get(i..).unwrap_or_default();
        }
        return (false, steps);
    }
    merge(a, b)
}

/// Whether two sorted lists share a number, by walking both, and the comparisons made.
#[inline]
fn merge(a: &[u32], b: &[u32]) -> (bool, usize) {
    let (mut i, mut j, mut steps) = (0, 0, 1);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        steps += 1;
        match x.cmp(&y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return (true, steps),
        }
    }
    (false, steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few numbers are looked for in many by binary search: the steps grow with the
    /// logarithm of the long list, whether the ranges meet or not, and the answer is the
    /// merge's.
    #[test]
    fn a_short_list_is_searched_in_a_long_one() {
        let evens = |n: u32| (0..n).map(|i| 2 * i).collect::<Vec<u32>>();
        for n in [1_000, 2_000, 4_000] {
            let long = evens(n);
            // Within the range, not in it (odd), and in it.
            let (found, steps) = share_steps(&long, &[n - 1, n + 1]);
            assert!(!found);
            assert!(steps <= 2 * (1 + n.ilog2() as usize) + 1, "{n}: {steps}");
            let (found, steps) = share_steps(&[n], &long);
            assert!(found && steps <= 2 + n.ilog2() as usize, "{n}: {steps}");
            // Past its end: one step.
            assert_eq!(share_steps(&long, &[3 * n]), (false, 1));
        }
        // Against the plain definition, on lists of every pair of lengths up to 40 (short in
        // long, like in like), drawn from a small range so that some share a number.
        let mut seed = 0x2545_f491_u32;
        let mut draw = |len: usize| {
            let mut v: Vec<u32> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (seed >> 16) % 120
                })
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        for la in 0..40 {
            for lb in [0, 1, 2, 3, 5, 8, 13, 21, 34] {
                let (a, b) = (draw(la), draw(lb));
                let plain = a.iter().any(|x| b.contains(x));
                assert_eq!(share_steps(&a, &b).0, plain, "{a:?} {b:?}");
                assert_eq!(share_steps(&b, &a).0, plain, "{b:?} {a:?}");
            }
        }
        // Lists of like length are merged: the same answers.
        for (a, b) in [
            (vec![1, 3, 5, 7], vec![2, 4, 6, 7]),
            (vec![1, 3, 5, 7], vec![0, 2, 4, 6, 8]),
        ] {
            let merged = a.iter().any(|x| b.contains(x));
            assert_eq!(share_steps(&a, &b).0, merged);
            assert_eq!(share_steps(&b, &a).0, merged);
        }
    }

    /// Two sorted lists of tag numbers share a tag exactly when they have a number in common;
    /// one text has one number.
    #[test]
    fn tag_numbers_compare_as_the_texts_do() {
        let share = |a: &[u32], b: &[u32]| share_steps(a, b).0;
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
