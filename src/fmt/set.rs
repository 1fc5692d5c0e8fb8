//! The check across files: the formatted specs, checked as a whole with the rule set, give the
//! same findings as the originals (spans aside). Each file's tree is already compared by
//! `verify`; this compares the model and the rules' verdicts on it.

use crate::engine;
use crate::rules::{RuleSet, RuleSetError};
use crate::source::SourceSet;
use crate::syntax::ast::Date;

/// How the rule set is loaded into a source set (embedded, or from `--rules DIR`).
pub type LoadRules<'a> = &'a dyn Fn(&mut SourceSet) -> Result<RuleSet, RuleSetError>;

/// One finding as it reads: file, code, message, nodes.
type Seen = (String, String, String, Vec<String>);

/// `Ok(None)` when `before` and `after` (file name, text) give the same findings; otherwise
/// the first finding that differs.
pub fn compare(
    before: &[(String, String)],
    after: &[(String, String)],
    load: LoadRules<'_>,
) -> Result<Option<String>, RuleSetError> {
    let a = findings(before, load)?;
    let b = findings(after, load)?;
    if a == b {
        return Ok(None);
    }
    let differs = a
        .iter()
        .zip(&b)
        .find(|(x, y)| x != y)
        .map(|(x, _)| x)
        .or_else(|| {
            if a.len() > b.len() {
                a.get(b.len())
            } else {
                b.get(a.len())
            }
        });
    Ok(Some(differs.map_or_else(
        || "the findings differ".to_owned(),
        |(file, code, message, _)| format!("{file}: {code} {message}"),
    )))
}

fn findings(files: &[(String, String)], load: LoadRules<'_>) -> Result<Vec<Seen>, RuleSetError> {
    let mut sources = SourceSet::new();
    for (name, text) in files {
        sources.add_spec(name, text);
    }
    let set = load(&mut sources)?;
    // Any fixed day: both sides are judged against the same one.
    let today = Date {
        year: 2000,
        month: 1,
        day: 1,
    };
    let run = engine::check_loaded(sources.into(), set, today);
    let mut seen: Vec<Seen> = run
        .findings
        .iter()
        .map(|f| {
            (
                run.sources.get(f.span.file).name.clone(),
                f.code.to_string(),
                f.message.get(crate::base::Lang::En).into_owned(),
                f.nodes.iter().map(ToString::to_string).collect(),
            )
        })
        .collect();
    seen.sort();
    Ok(seen)
}
