//! `align report PATHS…`: one run as `check` makes it, rendered as a gap report (HTML or
//! Markdown) to stdout or, with `-o FILE`, written atomically. Exit codes as `check`.

use super::{
    print_source_errors, stopped, use_color, write_output, ColorArg, Failure, RuleSetArgs,
};
use crate::base::Date;
use crate::config::FailOn;
use crate::engine::{self, Options};
use crate::report::{gap, html, markdown, Input};
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct ReportArgs {
    /// Files or directories to report on (directories are searched for *.align recursively).
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) rule_set: RuleSetArgs,
    /// Report format: `html` (one self-contained file) or `md` (GitHub-flavoured Markdown).
    #[arg(long, value_enum, default_value = "html")]
    format: Format,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 [default: error, or `fail-on` in align.toml].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// The date waivers are judged against and the report is dated (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::check::parse_date)]
    today: Option<Date>,
    #[command(flatten)]
    files: super::FileSizeArgs,
    /// Configuration file [default: align.toml at the root of the first path, if any].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Html,
    Md,
}

pub(super) fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let opts = Options {
        paths: args.paths.clone(),
        config: args.config.clone(),
        rules: args.rule_set.rules.clone(),
        lang: args.rule_set.explicit_lang(),
        fallback_lang: args.rule_set.lang(),
        fail_on: args.fail_on,
        baseline: args.baseline.clone(),
        run_rules: true,
        today: args.today.unwrap_or_else(Date::today_utc),
        max_file_size: args.files.max_file_size,
        select: crate::select::Request::default(),
        texts_live_to_exit: true,
    };
    let checked = match engine::run(&opts) {
        Ok(c) => c,
        Err(stop) => return stopped(stop, use_color(ColorArg::Auto)),
    };
    let view = gap::build(&Input::from(&checked));
    let text = match args.format {
        Format::Html => html::render(&view),
        Format::Md => markdown::render(&view),
    };
    write_output(
        args.output.as_deref(),
        &text,
        crate::diag::StaticText::new("report", "報告書"),
        out,
    )?;
    let mut err = io::stderr().lock();
    print_source_errors(&checked.errors, checked.lang, &mut err)?;
    if !checked.errors.is_empty() {
        return Ok(2);
    }
    let failing = checked.failing();
    // The process ends next: freeing the model node by node would only cost time.
    std::mem::forget(checked);
    Ok(u8::from(failing))
}
