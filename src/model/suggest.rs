//! Did-you-mean: bounded edit-distance suggestions, shared by the model, rules and CLI.

/// Most candidates looked at for one suggestion, so that many misses against a huge ID set stay
/// linear in the input.
pub const MAX_CANDIDATES: usize = 20_000;

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
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let name_chars: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    if name_chars.is_empty() || name_chars.len() > 256 {
        return None;
    }
    let limit = max_distance(name_chars.len());
    let mut best: Option<(usize, &'a str)> = None;
    let mut buf = Vec::new();
    for cand in candidates.into_iter().take(MAX_CANDIDATES) {
        let clen = cand.chars().count();
        if clen.abs_diff(name_chars.len()) > limit || cand == name {
            continue;
        }
        buf.clear();
        buf.extend(cand.chars().flat_map(char::to_lowercase));
        let Some(d) = distance(&name_chars, &buf, limit) else {
            continue;
        };
        let better = match best {
            None => true,
            Some((bd, bc)) => d < bd || (d == bd && cand < bc),
        };
        if better {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance, or `None` when it exceeds `limit` (stops early).
pub fn distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
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
    fn huge_names_are_not_compared() {
        let long = "a".repeat(1_000_000);
        assert_eq!(suggest(&long, ["a"]), None);
    }
}
