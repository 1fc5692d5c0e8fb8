//! `align graph PATHS… --format dot|mermaid [--focus ID] [--depth N]`: the model as a diagram
//! on stdout (or written atomically with `-o FILE`).

use super::{
    print_source_errors, stopped, use_color, write_output, ColorArg, Failure, RuleSetArgs,
    UsageError,
};
use crate::base::Date;
use crate::engine::{self, Options};
use crate::report::graph::{self, FocusError};
use crate::report::Input;
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct GraphArgs {
    /// Files or directories to draw (directories are searched for *.align recursively).
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) rule_set: RuleSetArgs,
    /// `dot` (Graphviz) or `mermaid` (GitHub, Mermaid CLI).
    #[arg(long, value_enum, default_value = "dot")]
    format: Format,
    /// Draw only this node and its neighbours (edges followed both ways).
    #[arg(long, value_name = "ID")]
    focus: Option<String>,
    /// How many edges from `--focus` to follow.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "focus")]
    depth: usize,
    /// Write the diagram to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The date waivers are judged against (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::check::parse_date)]
    today: Option<Date>,
    /// Configuration file [default: align.toml at the root of the first path, if any].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Dot,
    Mermaid,
}

/// Exit 0 with the diagram (findings only mark nodes); 2 on a usage or I/O error.
pub(super) fn run(args: &GraphArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let mut opts = Options::new(args.paths.clone());
    opts.texts_live_to_exit = true;
    opts.rules.clone_from(&args.rule_set.rules);
    opts.config.clone_from(&args.config);
    opts.lang = args.rule_set.explicit_lang();
    opts.fallback_lang = args.rule_set.lang();
    opts.today = args.today.unwrap_or_else(Date::today_utc);
    let checked = match engine::run(&opts) {
        Ok(c) => c,
        Err(stop) => return stopped(stop, use_color(ColorArg::Auto)),
    };
    let input = Input::from(&checked);
    let diagram = match graph::build(&input, args.focus.as_deref(), args.depth) {
        Ok(d) => d,
        Err(FocusError::Unknown { id, suggestion }) => {
            let hint = suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
            return Err(UsageError::en(format!("--focus: no node has the ID `{id}`{hint}")).into());
        }
    };
    let text = match args.format {
        Format::Dot => graph::dot(&diagram),
        Format::Mermaid => graph::mermaid(&diagram),
    };
    write_output(
        args.output.as_deref(),
        &text,
        crate::diag::StaticText::new("diagram", "図"),
        out,
    )?;
    let mut err = io::stderr().lock();
    print_source_errors(&checked.errors, checked.lang, &mut err)?;
    Ok(if checked.errors.is_empty() { 0 } else { 2 })
}
