//! Did-you-mean: bounded edit-distance suggestions, shared by the model, rules and CLI.

/// Most candidates looked at for one suggestion.
pub const MAX_CANDIDATES: usize = 20_000;

/// Most candidates looked at over all lookups of one run: with many misses each lookup gets
/// an equal share (decided before any lookup runs, so results do not depend on their order),
/// and many misses against a huge ID set stay linear in the input.
pub const MAX_TOTAL_CANDIDATES: usize = 2_000_000;

/// The largest edit distance accepted for a name of this length.
fn max_distance(len: usize) -> usize {
    match len {
        0..=2 => 1,
        3..=5 => 2,
        _ => 3,
    }
}

/// The candidate closest to `name` (case-insensitive edit distance within a bound that grows
/// with the name's length), or `None` when nothing is close enough. Ties go to the
/// lexicographically smallest candidate, so the answer does not depend on candidate order.
/// For many lookups against one large set, build an [`Index`] once instead.
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    Index::new(candidates).suggest(name)
}

/// Candidates prepared once for repeated suggestions: lower-cased, sorted by length, each with
/// a 64-bit mask of the characters it contains. A lookup reads the candidates of its own
/// length first, then one longer and one shorter, and so on, and stops once no remaining
/// length can beat the best distance found; the masks skip most candidates without computing
/// a distance (one edit changes at most two bits of the mask).
#[derive(Debug, Default)]
pub struct Index<'a> {
    /// One entry per candidate, sorted by length then candidate.
    entries: Vec<Entry<'a>>,
    /// The lower-cased characters of every candidate, one after the other (one buffer, not
    /// one vector per candidate: an index holds a hundred thousand IDs).
    chars: Vec<char>,
}

#[derive(Debug)]
struct Entry<'a> {
    /// Length in lower-cased chars.
    len: u32,
    /// Where its lower-cased chars start in [`Index::chars`].
    at: u32,
    mask: u64,
    candidate: &'a str,
}

fn mask(chars: &[char]) -> u64 {
    chars.iter().fold(0, |m, &c| m | 1 << (u32::from(c) % 64))
}

impl<'a> Index<'a> {
    pub fn new<I: IntoIterator<Item = &'a str>>(candidates: I) -> Self {
        let candidates = candidates.into_iter();
        let mut chars: Vec<char> = Vec::with_capacity(candidates.size_hint().0 * 8);
        let mut entries: Vec<Entry<'a>> = Vec::with_capacity(candidates.size_hint().0);
        for c in candidates.filter(|c| c.len() <= 4 * 256) {
            let start = chars.len();
            // Past 4G characters in all (never for IDs of files within the size limit), the
            // remaining candidates are left out rather than indexed wrongly.
            let Ok(at) = u32::try_from(start) else { break };
            chars.extend(c.chars().flat_map(char::to_lowercase));
            let lower = &chars[start..];
            // At most 4 * 256 bytes, each lower-casing to at most 3 chars: fits.
            let len = u32::try_from(lower.len()).unwrap_or(u32::MAX);
            entries.push(Entry {
                len,
                at,
                mask: mask(lower),
                candidate: c,
            });
        }
        entries.sort_unstable_by(|a, b| a.len.cmp(&b.len).then(a.candidate.cmp(b.candidate)));
        Index { entries, chars }
    }

    /// The candidates whose length is exactly `len`.
    fn bucket(&self, len: usize) -> &[Entry<'a>] {
        let lo = self.entries.partition_point(|e| (e.len as usize) < len);
        let hi = self.entries.partition_point(|e| (e.len as usize) <= len);
        &self.entries[lo..hi]
    }

    /// An entry's lower-cased characters.
    fn chars(&self, e: &Entry<'a>) -> &[char] {
        let at = e.at as usize;
        self.chars.get(at..at + e.len as usize).unwrap_or(&[])
    }

    pub fn suggest(&self, name: &str) -> Option<&'a str> {
        self.suggest_within(name, MAX_CANDIDATES)
    }

    /// [`Index::suggest`] looking at no more than `budget` candidates.
    pub fn suggest_within(&self, name: &str, budget: usize) -> Option<&'a str> {
        let mut lookup = Lookup::new(name, budget)?;
        'lengths: for delta in 0..=lookup.limit {
            if lookup.beaten(delta) {
                break;
            }
            for len in lookup.lens(delta) {
                for e in self.bucket(len) {
                    if !lookup.visit(e.candidate, self.chars(e), e.mask) {
                        break 'lengths;
                    }
                }
            }
        }
        lookup.best.map(|(_, c)| c)
    }
}

/// [`Index::suggest_within`] without building an index: the same answer (the same candidates
/// looked at, within the same budget), by one pass over `candidates` that keeps those of a
/// length within reach. For a few lookups against a large set, where sorting the whole set
/// into an index costs more time and memory than the lookups themselves (a draft has a few
/// mistyped references among 100,000 IDs).
///
/// The index looks at the first `budget` candidates within reach in its order (by the place
/// of their length in its order, then by text), and its answer is the closest of those, ties
/// to the smallest text: the order they are looked at in decides nothing else. So the scan
/// only selects that set: a buffer of at most twice the budget, cut back to the budget's
/// smallest by a selection (linear) whenever it fills, rather than a heap ordered by text
/// (a string comparison per level of the heap per candidate: most of the scan's time); the
/// set is then looked at by length only, stopping where no longer length can win.
pub fn suggest_scan<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    budget: usize,
) -> Option<&'a str> {
    let mut lookup = Lookup::new(name, budget)?;
    if budget == 0 {
        return None;
    }
    let keep = |band: &mut Vec<(usize, &'a str)>| {
        if band.len() > budget {
            band.select_nth_unstable(budget - 1);
            band.truncate(budget);
        }
    };
    let full = budget.saturating_mul(2);
    let mut band: Vec<(usize, &'a str)> = Vec::with_capacity(full.min(2048));
    for c in candidates.into_iter().filter(|c| c.len() <= 4 * 256) {
        let len = if c.is_ascii() {
            c.len()
        } else {
            c.chars().flat_map(char::to_lowercase).count()
        };
        let Some(rank) = lookup.rank(len) else {
            continue;
        };
        band.push((rank, c));
        if band.len() >= full {
            keep(&mut band);
        }
    }
    keep(&mut band);
    band.sort_unstable_by_key(|&(rank, _)| rank);
    let mut chars = Vec::new();
    for (rank, c) in band {
        if lookup.beaten(rank.div_ceil(2)) {
            break;
        }
        if !lookup.visit_str(c, &mut chars) {
            break;
        }
    }
    lookup.best.map(|(_, c)| c)
}

/// One did-you-mean lookup, fed candidates in its visiting order: lengths `n`, `n - 1`,
/// `n + 1`, `n - 2`, … (`n` the name's length in lower-cased chars), each length's candidates
/// in string order.
struct Lookup<'a, 'n> {
    /// The name as written (a candidate equal to it is not a suggestion).
    written: &'n str,
    /// The name lower-cased.
    name: Vec<char>,
    name_mask: u64,
    limit: usize,
    budget: usize,
    best: Option<(usize, &'a str)>,
    /// The two rows of the distance, reused from candidate to candidate.
    rows: (Vec<usize>, Vec<usize>),
    /// The name's characters as bit masks, when it is at most 64 characters long (every
    /// name of a plan): its distance to a candidate is then counted by [`myers`].
    peq: Option<Peq>,
}

impl<'a, 'n> Lookup<'a, 'n> {
    fn new(name: &'n str, budget: usize) -> Option<Self> {
        if name.is_empty() || name.len() > 4 * 256 {
            return None;
        }
        let chars: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
        if chars.len() > 256 {
            return None;
        }
        Some(Lookup {
            name_mask: mask(&chars),
            limit: max_distance(chars.len()),
            written: name,
            peq: Peq::new(&chars),
            name: chars,
            budget,
            best: None,
            rows: (Vec::new(), Vec::new()),
        })
    }

    /// The best candidate found is closer than any of a length `delta` away can be (a
    /// candidate whose length differs by `delta` is at least `delta` edits away).
    fn beaten(&self, delta: usize) -> bool {
        self.best.is_some_and(|(bd, _)| delta > bd)
    }

    /// The lengths `delta` away from the name's, shorter first.
    fn lens(&self, delta: usize) -> impl Iterator<Item = usize> {
        let n = self.name.len();
        let shorter = n.checked_sub(delta).filter(|_| delta > 0);
        shorter.into_iter().chain([n + delta])
    }

    /// Where candidates of length `len` come in the visiting order (`2 * delta - 1` shorter,
    /// `2 * delta` longer), or `None` if out of reach.
    fn rank(&self, len: usize) -> Option<usize> {
        let n = self.name.len();
        let delta = len.abs_diff(n);
        (delta <= self.limit).then(|| 2 * delta - usize::from(len < n))
    }

    /// Looks at one candidate (`chars` lower-cased, `mask` their mask); `false` once the
    /// budget is spent (the candidate is then not looked at).
    fn visit(&mut self, cand: &'a str, chars: &[char], mask: u64) -> bool {
        if !self.spend() {
            return false;
        }
        if !self.skips(cand, mask) {
            self.compare(cand, chars);
        }
        true
    }

    /// Takes one candidate from the budget; `false` once it is spent.
    fn spend(&mut self) -> bool {
        let left = self.budget > 0;
        self.budget = self.budget.saturating_sub(1);
        left
    }

    /// [`Lookup::visit`] of a candidate not lower-cased yet: an ASCII one is masked from its
    /// bytes and lower-cased into `buf` only if the mask lets it through (most candidates of
    /// a scan are not).
    fn visit_str(&mut self, cand: &'a str, buf: &mut Vec<char>) -> bool {
        if !self.spend() {
            return false;
        }
        buf.clear();
        let m = if cand.is_ascii() {
            cand.bytes()
                .fold(0, |m, b| m | 1 << (u32::from(b.to_ascii_lowercase()) % 64))
        } else {
            buf.extend(cand.chars().flat_map(char::to_lowercase));
            mask(buf)
        };
        if self.skips(cand, m) {
            return true;
        }
        if buf.is_empty() {
            buf.extend(cand.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        }
        self.compare(cand, buf);
        true
    }

    /// The candidate is the name as written, or its characters differ too much to be within
    /// the limit (one edit changes at most two bits of the mask).
    fn skips(&self, cand: &str, mask: u64) -> bool {
        cand == self.written || (self.name_mask ^ mask).count_ones() as usize > 2 * self.limit
    }

    /// Keeps `cand` if it is closer than the best so far (ties to the smaller text).
    fn compare(&mut self, cand: &'a str, chars: &[char]) {
        let limit = self.limit;
        let distance = match &self.peq {
            // The same answer as the banded rows: the distance when it is within the limit.
            Some(peq) => (self.name.len().abs_diff(chars.len()) <= limit)
                .then(|| myers(peq, self.name.len(), chars))
                .filter(|&d| d <= limit),
            None => distance_in(&self.name, chars, limit, &mut self.rows),
        };
        if let Some(d) = distance {
            if self
                .best
                .is_none_or(|(bd, bc)| d < bd || (d == bd && cand < bc))
            {
                self.best = Some((d, cand));
            }
        }
    }
}

/// Where each character occurs in a name of at most 64 characters: bit `i` of a character's
/// mask is set when the name's `i`-th character is that one.
struct Peq {
    ascii: [u64; 128],
    /// The other characters, each once (a name has few).
    other: Vec<(char, u64)>,
}

impl Peq {
    fn new(name: &[char]) -> Option<Peq> {
        if name.is_empty() || name.len() > 64 {
            return None;
        }
        let mut peq = Peq {
            ascii: [0; 128],
            other: Vec::new(),
        };
        for (i, &c) in name.iter().enumerate() {
            let bit = 1u64 << i;
            match peq.ascii.get_mut(c as usize) {
                Some(m) => *m |= bit,
                None => match peq.other.iter_mut().find(|(o, _)| *o == c) {
                    Some((_, m)) => *m |= bit,
                    None => peq.other.push((c, bit)),
                },
            }
        }
        Some(peq)
    }

    #[inline]
    fn get(&self, c: char) -> u64 {
        match self.ascii.get(c as usize) {
            Some(&m) => m,
            None => self
                .other
                .iter()
                .find(|(o, _)| *o == c)
                .map_or(0, |&(_, m)| m),
        }
    }
}

/// The Levenshtein distance between the name of `peq` (`m` characters, 1 to 64) and `b`, by
/// Myers' bit-parallel algorithm in Hyyrö's form for the whole strings: one column of the
/// distance table per character of `b`, kept as the vertical differences of its cells in two
/// words, so a candidate costs a few word operations per character rather than a row of cells.
fn myers(peq: &Peq, m: usize, b: &[char]) -> usize {
    let top = 1u64 << (m - 1);
    let (mut pv, mut mv, mut score) = (!0u64, 0u64, m);
    for &c in b {
        let eq = peq.get(c);
        let xv = eq | mv;
        let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
        let ph = mv | !(xh | pv);
        let mh = pv & xh;
        if ph & top != 0 {
            score += 1;
        } else if mh & top != 0 {
            score = score.saturating_sub(1);
        }
        // The first row grows by one a column: a difference of +1 enters at the top.
        let ph = (ph << 1) | 1;
        let mh = mh << 1;
        pv = mh | !(xv | ph);
        mv = ph & xv;
    }
    score
}

/// Levenshtein distance, or `None` when it exceeds `limit`. Only the diagonal band of width
/// `2 * limit + 1` is computed, and a row whose minimum exceeds the limit stops early.
pub fn distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    distance_in(a, b, limit, &mut (Vec::new(), Vec::new()))
}

/// [`distance`] in the caller's two rows (a lookup compares thousands of candidates).
fn distance_in(
    a: &[char],
    b: &[char],
    limit: usize,
    (prev, cur): &mut (Vec<usize>, Vec<usize>),
) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let inf = limit + 1;
    prev.clear();
    prev.extend((0..=b.len()).map(|j| j.min(inf)));
    cur.clear();
    cur.resize(b.len() + 1, inf);
    for (i, ca) in a.iter().enumerate() {
        let lo = (i + 1).saturating_sub(limit);
        let hi = (i + 1 + limit).min(b.len());
        cur.fill(inf);
        if lo == 0 {
            cur[0] = (i + 1).min(inf);
        }
        let mut row_min = cur[0];
        for j in lo.max(1)..=hi {
            let cost = usize::from(*ca != b[j - 1]);
            cur[j] = (prev[j - 1] + cost)
                .min(prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(inf);
            row_min = row_min.min(cur[j]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let c = ["covers", "scope", "agency", "period"];
        assert_eq!(suggest("cover", c), Some("covers"));
        assert_eq!(suggest("scpoe", c), Some("scope"));
        assert_eq!(suggest("xyzzy", c), None);
        assert_eq!(suggest("", c), None);
    }

    #[test]
    fn ties_are_broken_by_name() {
        assert_eq!(suggest("G1.4", ["G1.5", "G1.3"]), Some("G1.3"));
    }

    #[test]
    fn banded_distance_matches_the_full_one() {
        let words = [
            "", "a", "ab", "abc", "kitten", "sitting", "G1.3", "G1.4", "I1.3.2.a", "l1.3.2.a",
        ];
        let mut rows = (Vec::new(), Vec::new());
        for a in words {
            for b in words {
                let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let full = full_distance(&ac, &bc);
                for limit in 0..4 {
                    let expect = (full <= limit).then_some(full);
                    assert_eq!(distance(&ac, &bc, limit), expect, "{a} {b} {limit}");
                    // The rows a lookup reuses, left as the previous pair left them.
                    let reused = distance_in(&ac, &bc, limit, &mut rows);
                    assert_eq!(reused, expect, "{a} {b} {limit}, rows reused");
                }
            }
        }
    }

    #[test]
    fn the_bit_parallel_distance_is_the_full_one() {
        let words = [
            "a",
            "ab",
            "abc",
            "kitten",
            "sitting",
            "G1.3",
            "g1.4",
            "i1.3.2.a",
            "l1.3.2.a",
            "医療機器",
            "医療器",
            "ßİ",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
            "",
        ];
        for a in words.iter().filter(|a| !a.is_empty()) {
            let ac: Vec<char> = a.chars().collect();
            let peq = Peq::new(&ac);
            assert!(peq.is_some(), "{a}");
            for b in words {
                let bc: Vec<char> = b.chars().collect();
                let got = peq.as_ref().map(|p| myers(p, ac.len(), &bc));
                assert_eq!(got, Some(full_distance(&ac, &bc)), "{a} {b}");
            }
        }
        assert!(Peq::new(&['x'; 65]).is_none() && Peq::new(&[]).is_none());
    }

    fn full_distance(a: &[char], b: &[char]) -> usize {
        let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j - 1] + cost)
                    .min(d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1);
            }
        }
        d[a.len()][b.len()]
    }

    proptest::proptest! {
        /// Myers' distance is the full table's for any two names (the first 1 to 64
        /// characters, with non-ASCII ones), whatever their lengths.
        #[test]
        fn the_bit_parallel_distance_is_the_full_one_for_any_names(
            a in "[ab.1İß医療]{1,64}",
            b in "[ab.1İß医療]{0,70}",
        ) {
            let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let peq = Peq::new(&ac);
            proptest::prop_assert!(peq.is_some());
            let got = peq.as_ref().map(|p| myers(p, ac.len(), &bc));
            proptest::prop_assert_eq!(got, Some(full_distance(&ac, &bc)));
        }

        /// The scan answers as the index does, for any candidates, name and budget: the same
        /// candidates looked at in the same order (mixed case, and `İ`, which lower-cases to
        /// two chars, so byte, char and lower-cased lengths differ).
        #[test]
        fn a_scan_answers_as_the_index(
            candidates in proptest::collection::vec("[aAbB.1İß]{0,7}", 0..120),
            name in "[aAbB.1İß]{0,7}",
            budget in 0usize..50,
        ) {
            let index = Index::new(candidates.iter().map(String::as_str));
            let scanned = suggest_scan(&name, candidates.iter().map(String::as_str), budget);
            proptest::prop_assert_eq!(index.suggest_within(&name, budget), scanned);
        }
    }

    #[test]
    fn huge_names_are_not_compared() {
        let long = "a".repeat(1_000_000);
        assert_eq!(suggest(&long, ["a"]), None);
    }
}
