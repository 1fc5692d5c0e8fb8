//! `align rules [--format human|json|md]`

use super::{rule_set_failure, use_color, ColorArg, Failure, RuleSetArgs};
use crate::report::{docs, rules_json};
use crate::source::SourceSet;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub(super) struct RulesArgs {
    #[command(flatten)]
    pub(super) rule_set: RuleSetArgs,
    /// `human`: one line per code; `json`: every code as data (docs/json.md); `md`: the full
    /// reference (docs/rules.md).
    #[arg(long, value_enum, default_value = "human")]
    format: RulesFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RulesFormat {
    // `text`, its former name, is still accepted.
    #[value(alias = "text")]
    Human,
    Json,
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
        RulesFormat::Human => write!(out, "{}", docs::table(&set, lang))?,
        RulesFormat::Json => rules_json::render(&set, lang, out)?,
        RulesFormat::Md => write!(out, "{}", docs::markdown(&set))?,
    }
    Ok(0)
}
