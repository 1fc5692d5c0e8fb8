//! `align explain CODE|SLUG`

use super::{Failure, RuleSetArgs, UsageError};
use crate::model::suggest::suggest;
use crate::report::docs::{self, Entry};
use crate::source::SourceSet;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub(super) struct ExplainArgs {
    /// A code (`ALN101`) or slug (`item-without-program`), case-insensitive.
    code: String,
    #[command(flatten)]
    pub(super) rule_set: RuleSetArgs,
}

pub(super) fn run(args: &ExplainArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let mut sources = SourceSet::new();
    let set = args.rule_set.load(&mut sources).map_err(|e| match e {
        crate::rules::RuleSetError::Io(m) => UsageError::en(m),
        crate::rules::RuleSetError::Invalid(_) => {
            UsageError::en("the rule set is invalid; run `align rules` to see why")
        }
    })?;
    let Some(entry) = Entry::find(&set, &args.code) else {
        let names: Vec<String> = Entry::all(&set)
            .iter()
            .flat_map(|e| [e.code().to_owned(), e.slug().to_owned()])
            .collect();
        let hint = suggest(args.code.trim(), names.iter().map(String::as_str)).map_or_else(
            || "; `align rules` lists them".to_owned(),
            |s| format!("; did you mean `{s}`?"),
        );
        let shown = crate::report::sanitize::line(&args.code);
        return Err(UsageError::en(format!("no such code or rule: `{shown}`{hint}")).into());
    };
    write!(
        out,
        "{}",
        docs::explain(entry, &set.schema, args.rule_set.lang())
    )?;
    Ok(0)
}
