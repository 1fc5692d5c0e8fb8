//! `align rules [--format text|md]`

use super::{rule_set_failure, use_color, ColorArg, Failure, RuleSetArgs};
use crate::report::docs;
use crate::source::SourceSet;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub(super) struct RulesArgs {
    #[command(flatten)]
    rule_set: RuleSetArgs,
    /// `text`: one line per code; `md`: the full reference (docs/rules.md).
    #[arg(long, value_enum, default_value = "text")]
    format: RulesFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RulesFormat {
    Text,
    Md,
}

pub(super) fn run(args: &RulesArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let mut sources = SourceSet::new();
    let lang = args.rule_set.lang();
    let set = match args.rule_set.load(&mut sources) {
        Ok(set) => set,
        Err(e) => return rule_set_failure(e, &sources, lang, use_color(ColorArg::Auto)),
    };
    match args.format {
        RulesFormat::Text => write!(out, "{}", docs::table(&set, lang))?,
        RulesFormat::Md => write!(out, "{}", docs::markdown(&set))?,
    }
    Ok(0)
}
