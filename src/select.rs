//! `--select` / `--ignore`: which codes a run reports, chosen on the command line.
//!
//! Names are codes (`ALN101`), slugs (`item-without-program`) or code prefixes (`ALN1`), in any
//! case, checked against the rule set. As in ruff, the most specific name that matches a code
//! decides: an exact code or slug beats any prefix, a longer prefix beats a shorter one, and on
//! a tie `--ignore` wins. A code no name matches is reported unless `--select` was given.
//!
//! The selection narrows what `align.toml`'s `[severity]` left: it never changes a severity and
//! never brings back a code set to `off`. Structural errors (a spec that cannot be read, a
//! syntax error, an unresolved reference, …) are always reported, because a spec that cannot be
//! read cannot be checked; naming one in `--ignore` is a usage error.

use crate::base::suggest::suggest;
use crate::diag::code::CODES;
use crate::diag::{Finding, Severity};
use crate::rules::RuleSet;

/// What the command line asked for: the names as given (comma-separated lists already split).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Request {
    /// Whether nothing was asked for (every code is reported).
    pub fn is_empty(&self) -> bool {
        self.select.is_empty() && self.ignore.is_empty()
    }
}

/// A request checked against a rule set.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    select: Vec<Selector>,
    ignore: Vec<Selector>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Selector {
    /// One code, named by its code or slug (stored as the code, upper case).
    Code(String),
    /// Every code starting with this (upper case).
    Prefix(String),
}

impl Selector {
    fn matches(&self, code: &str) -> bool {
        match self {
            Selector::Code(c) => c.eq_ignore_ascii_case(code),
            Selector::Prefix(p) => code
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p)),
        }
    }

    /// How specific the selector is: an exact code beats every prefix, a longer prefix a
    /// shorter one.
    fn specificity(&self) -> usize {
        match self {
            Selector::Code(_) => usize::MAX,
            Selector::Prefix(p) => p.len(),
        }
    }
}

/// A code of the rule set: code, slug, and whether it is a structural error.
struct Known<'a> {
    code: &'a str,
    slug: &'a str,
    structural_error: bool,
}

fn known(set: &RuleSet) -> Vec<Known<'_>> {
    CODES
        .iter()
        .map(|c| Known {
            code: c.code,
            slug: c.slug,
            structural_error: c.severity == Severity::Error,
        })
        .chain(set.rules.iter().map(|r| Known {
            code: &r.code,
            slug: &r.slug,
            structural_error: false,
        }))
        .collect()
}

/// Whether a code is a built-in structural error (always reported).
pub fn is_structural_error(code: &str) -> bool {
    CODES
        .iter()
        .any(|c| c.severity == Severity::Error && c.code.eq_ignore_ascii_case(code))
}

impl Selection {
    /// Every code reported.
    pub fn all() -> Selection {
        Selection::default()
    }

    /// Checks each name against the codes and slugs of `set`. An unknown name, an empty one,
    /// or a structural error in `--ignore` is a usage error (the message says which and what
    /// was meant).
    pub fn resolve(request: &Request, set: &RuleSet) -> Result<Selection, String> {
        let known = known(set);
        let mut errors = Vec::new();
        let mut resolve_all = |names: &[String], flag: &str| -> Vec<Selector> {
            names
                .iter()
                .filter_map(|name| match resolve_one(name.trim(), flag, &known) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        errors.push(e);
                        None
                    }
                })
                .collect()
        };
        let select = resolve_all(&request.select, "--select");
        let ignore = resolve_all(&request.ignore, "--ignore");
        for s in &ignore {
            if let Selector::Code(code) = s {
                if let Some(k) = known.iter().find(|k| k.structural_error && k.code == code) {
                    errors.push(format!(
                        "--ignore: `{}` ({}) is a structural error and is always reported: a spec \
                         that cannot be read cannot be checked; fix the spec instead",
                        k.code, k.slug
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(Selection { select, ignore })
        } else {
            Err(errors.join("\n"))
        }
    }

    /// Whether findings of `code` are reported.
    /// Whether `--select` names this code exactly (by code or slug, not by a prefix): that
    /// switches on a rule that is off by default.
    pub fn names(&self, code: &str) -> bool {
        self.select
            .iter()
            .any(|s| matches!(s, Selector::Code(c) if c.eq_ignore_ascii_case(code)))
    }

    pub fn allows(&self, code: &str) -> bool {
        if self.select.is_empty() && self.ignore.is_empty() {
            return true;
        }
        if is_structural_error(code) {
            return true;
        }
        let best = |list: &[Selector]| {
            list.iter()
                .filter(|s| s.matches(code))
                .map(Selector::specificity)
                .max()
        };
        match (best(&self.select), best(&self.ignore)) {
            (selected, None) => self.select.is_empty() || selected.is_some(),
            (None, Some(_)) => false,
            (Some(s), Some(i)) => s > i,
        }
    }

    /// Keeps the findings of the codes reported.
    pub fn apply(&self, mut findings: Vec<Finding>) -> Vec<Finding> {
        if !(self.select.is_empty() && self.ignore.is_empty()) {
            findings.retain(|f| self.allows(&f.code));
        }
        findings
    }
}

fn resolve_one(name: &str, flag: &str, known: &[Known<'_>]) -> Result<Selector, String> {
    if name.is_empty() {
        return Err(format!(
            "{flag}: an empty name; give codes, slugs or code prefixes separated by commas"
        ));
    }
    if let Some(k) = known
        .iter()
        .find(|k| k.code.eq_ignore_ascii_case(name) || k.slug.eq_ignore_ascii_case(name))
    {
        return Ok(Selector::Code(k.code.to_ascii_uppercase()));
    }
    let prefix = Selector::Prefix(name.to_ascii_uppercase());
    if known.iter().any(|k| prefix.matches(k.code)) {
        return Ok(prefix);
    }
    // A code-like name: a near code number is another rule, not a typo; list the codes that
    // share the longest known prefix instead.
    let shown = crate::base::sanitize::line(name);
    let longest = (1..name.len())
        .rev()
        .filter_map(|n| name.get(..n))
        .find(|head| {
            let p = Selector::Prefix(head.to_ascii_uppercase());
            head.len() >= 3 && known.iter().any(|k| p.matches(k.code))
        });
    if let Some(head) = longest.filter(|_| name.chars().skip(3).all(|c| c.is_ascii_digit())) {
        let p = Selector::Prefix(head.to_ascii_uppercase());
        let near: Vec<&str> = known
            .iter()
            .filter(|k| p.matches(k.code))
            .map(|k| k.code)
            .collect();
        let list = if near.len() > 12 {
            format!(
                "{} … {}",
                near[..6].join(", "),
                near[near.len() - 3..].join(", ")
            )
        } else {
            near.join(", ")
        };
        return Err(format!(
            "{flag}: no code or code prefix `{shown}`; codes starting with `{}`: {list} \
             (`align rules` lists every code)",
            head.to_ascii_uppercase()
        ));
    }
    let names = known.iter().flat_map(|k| [k.code, k.slug]);
    Err(match suggest(name, names) {
        Some(s) => format!("{flag}: unknown code or slug `{shown}`; did you mean `{s}`?"),
        None => format!(
            "{flag}: unknown code or slug `{shown}`; `align rules` lists the codes and slugs"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceSet;

    fn set() -> RuleSet {
        RuleSet::embedded(&mut SourceSet::new()).unwrap()
    }

    fn selection(select: &[&str], ignore: &[&str]) -> Result<Selection, String> {
        let request = Request {
            select: select.iter().map(|s| (*s).to_owned()).collect(),
            ignore: ignore.iter().map(|s| (*s).to_owned()).collect(),
        };
        Selection::resolve(&request, &set())
    }

    #[test]
    fn nothing_asked_reports_everything() {
        let s = selection(&[], &[]).unwrap();
        assert!(s.allows("ALN101") && s.allows("ALN019"));
    }

    #[test]
    fn codes_slugs_and_prefixes_in_any_case() {
        let s = selection(&["aln101", "no-kpi"], &[]).unwrap();
        assert!(s.allows("ALN101") && s.allows("ALN102"));
        assert!(!s.allows("ALN103") && !s.allows("ALN019"));
        let s = selection(&["ALN1"], &[]).unwrap();
        assert!(s.allows("ALN107") && !s.allows("ALN021"));
    }

    #[test]
    fn the_most_specific_name_wins_and_ignore_wins_ties() {
        // An exact code beats a prefix either way.
        let s = selection(&["ALN101"], &["ALN1"]).unwrap();
        assert!(s.allows("ALN101") && !s.allows("ALN102"));
        let s = selection(&["ALN1"], &["item-without-program"]).unwrap();
        assert!(!s.allows("ALN101") && s.allows("ALN102"));
        // A longer prefix beats a shorter one; equal ones: ignore.
        let s = selection(&["ALN10"], &["ALN1"]).unwrap();
        assert!(s.allows("ALN101"));
        let s = selection(&["ALN1"], &["ALN1"]).unwrap();
        assert!(!s.allows("ALN101"));
        // --ignore alone keeps everything else.
        let s = selection(&[], &["ALN106"]).unwrap();
        assert!(!s.allows("ALN106") && s.allows("ALN101") && s.allows("ALN019"));
    }

    #[test]
    fn structural_errors_are_always_reported() {
        let s = selection(&["ALN101"], &["ALN0"]).unwrap();
        assert!(s.allows("ALN010") && s.allows("ALN060"));
        // ALN019 (a warning) is not structural-error: the prefix drops it.
        assert!(!s.allows("ALN019"));
        let e = selection(&[], &["syntax-error"]).unwrap_err();
        assert!(
            e.contains("`ALN010` (syntax-error) is a structural error"),
            "{e}"
        );
    }

    #[test]
    fn unknown_names_are_usage_errors_with_a_hint() {
        let e = selection(&["item-without-progam"], &[]).unwrap_err();
        assert_eq!(
            e,
            "--select: unknown code or slug `item-without-progam`; did you mean `item-without-program`?"
        );
        let e = selection(&[], &["ALN199"]).unwrap_err();
        assert!(
            e.starts_with("--ignore: no code or code prefix `ALN199`; codes starting with `ALN1`: ALN101, ALN102"),
            "{e}"
        );
        let e = selection(&["", "zzzzzzzz"], &[]).unwrap_err();
        assert!(e.contains("an empty name"), "{e}");
        assert!(
            e.contains("unknown code or slug `zzzzzzzz`; `align rules`"),
            "{e}"
        );
        let e = selection(&["a\u{1b}[2J"], &[]).unwrap_err();
        assert!(!e.contains('\u{1b}'), "{e}");
    }
}
