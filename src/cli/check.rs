//! `align check PATHS…`: load the specs, `align.toml` and the rule set, check, apply the
//! configuration and the baseline, render in the chosen format, map to an exit code.

use super::{stopped, use_color, ColorArg, Failure, RuleSetArgs, UsageError};
use crate::base::Date;
use crate::baseline::Baseline;
use crate::config::FailOn;
use crate::engine::{self, Checked, Options};
use crate::report::github;
use crate::report::human::{self, HumanOptions};
use crate::report::{json, sarif, summary_line, Input};
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// Files or directories to check (directories are searched for *.align recursively).
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    rule_set: RuleSetArgs,
    /// Output format: `human` (compiler-style), `json` (docs/json.md), `sarif` (SARIF 2.1.0)
    /// or `github` (workflow-command annotations).
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Print only the summary line (human) or only the annotations (github); notes on
    /// stderr are left out. JSON and SARIF documents are unchanged.
    #[arg(long, short)]
    quiet: bool,
    /// Lowest severity that makes the exit code 1 [default: error, or `fail-on` in align.toml].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Colour the output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// The date waivers are judged against (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<Date>,
    /// Largest spec file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::source::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    /// Configuration file [default: align.toml at the root of the first path, if any].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Report, and fail on, only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (written atomically) and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

pub(super) fn parse_date(s: &str) -> Result<Date, String> {
    s.parse()
        .map_err(|()| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

pub(super) fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let color = use_color(args.color);
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
        max_file_size: args.max_file_size,
    };
    let checked = match engine::run(&opts) {
        Ok(c) => c,
        Err(stop) => return stopped(stop, color),
    };
    let mut err = io::stderr().lock();
    if let Some(path) = &args.write_baseline {
        return write_baseline(&checked, path, args.quiet, &mut err);
    }
    let input = Input::from(&checked);
    let lang = checked.lang;
    match args.format {
        Format::Human if args.quiet => writeln!(out, "{}", summary_line(&checked.summary, lang))?,
        Format::Human => human::render(&input, HumanOptions { color, width: 100 }, out)?,
        Format::Json => json::render(&input, out)?,
        Format::Sarif => sarif::render(&input, out)?,
        Format::Github => github::render(&input, args.quiet, out)?,
    }
    if !args.quiet {
        notes(&checked, &mut err)?;
    }
    for e in &checked.errors {
        writeln!(err, "error: {e}")?;
    }
    if !checked.errors.is_empty() {
        return Ok(2);
    }
    let failing = checked.failing();
    // The process ends next: freeing the model node by node would only cost time.
    std::mem::forget(checked);
    Ok(u8::from(failing))
}

/// The notes on stderr: files skipped, what the baseline held and what no longer occurs.
fn notes(checked: &Checked, err: &mut dyn Write) -> io::Result<()> {
    for note in &checked.skipped {
        writeln!(err, "note: {}: skipped: {}", note.path, note.reason)?;
    }
    let Some(b) = &checked.baseline else {
        return Ok(());
    };
    let file = &b.file;
    writeln!(
        err,
        "note: baseline {file}: {} known {} not reported",
        b.matched,
        if b.matched == 1 {
            "finding"
        } else {
            "findings"
        }
    )?;
    if b.gone.is_empty() {
        return Ok(());
    }
    let n: usize = b.gone.iter().map(|e| e.count).sum();
    writeln!(
        err,
        "note: baseline {file}: {n} {} no longer {}; record the baseline again with \
         --write-baseline to drop {}:",
        if n == 1 { "entry" } else { "entries" },
        if n == 1 { "occurs" } else { "occur" },
        if n == 1 { "it" } else { "them" },
    )?;
    for e in &b.gone {
        let times = if e.count > 1 {
            format!(" (×{})", e.count)
        } else {
            String::new()
        };
        writeln!(
            err,
            "  {} {} [{}]{times}: {}",
            e.code,
            e.slug,
            e.nodes.join(", "),
            e.message.en
        )?;
    }
    Ok(())
}

/// `--write-baseline FILE`: records every current finding; refuses when some input could not
/// be read (the baseline would be incomplete).
fn write_baseline(
    run: &Checked,
    path: &std::path::Path,
    quiet: bool,
    err: &mut dyn Write,
) -> Result<u8, Failure> {
    if !run.errors.is_empty() {
        for e in &run.errors {
            writeln!(err, "error: {e}")?;
        }
        writeln!(
            err,
            "error: {}: baseline not written: some specs could not be read",
            path.display()
        )?;
        return Ok(2);
    }
    let base = Baseline::of(&run.findings, &run.sources);
    base.write(path, &run.sources)
        .map_err(|e| UsageError(e.to_string()))?;
    if !quiet {
        writeln!(
            err,
            "note: wrote baseline {}: {} {} in {} {}",
            path.display(),
            run.findings.len(),
            if run.findings.len() == 1 {
                "finding"
            } else {
                "findings"
            },
            base.entries.len(),
            if base.entries.len() == 1 {
                "entry"
            } else {
                "entries"
            },
        )?;
    }
    Ok(0)
}
