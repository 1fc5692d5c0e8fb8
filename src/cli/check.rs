//! `align check PATHS…`: load the specs, `align.toml` and the rule set, check, apply the
//! configuration and the baseline, render in the chosen format, map to an exit code.

use super::{rule_set_failure, use_color, ColorArg, Failure, RuleSetArgs, UsageError};
use crate::baseline::Baseline;
use crate::config::{self, Config, ConfigError, FailOn, Overrides};
use crate::diag::{Counts, Finding, Lang};
use crate::engine::{self, Options};
use crate::report::human::{self, HumanOptions};
use crate::report::json::{self, BaselineReport, Meta};
use crate::report::{github, sarif};
use crate::rules::RuleSet;
use crate::source::{self, SourceSet};
use crate::syntax::ast::Date;
use std::borrow::Cow;
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

/// Today's date (UTC) from the system clock.
pub(super) fn system_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date::new(
        u16::try_from(year).unwrap_or(1970),
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
    .unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    })
}

pub(super) fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let color = use_color(args.color);
    let opts = Options {
        today: args.today.unwrap_or_else(system_today),
        max_file_size: args.max_file_size,
    };
    let loaded = source::load(&args.paths, args.max_file_size);
    let (mut sources, mut findings, mut errors) = (loaded.sources, loaded.findings, loaded.errors);

    // align.toml: flags override it; its own problems stop the run (exit 2).
    let config_path = args
        .config
        .clone()
        .or_else(|| config::discover(&args.paths));
    let mut config = match config_path {
        None => None,
        Some(path) => match Config::load(&path, &mut sources) {
            Ok(c) => Some(c),
            Err(ConfigError::Io(msg)) => return Err(UsageError(msg).into()),
            Err(ConfigError::Invalid(f)) => {
                return config_failure(f, &sources, args.rule_set.lang(), color)
            }
        },
    };
    let lang = match (args.rule_set.lang, config.as_ref().and_then(|c| c.lang)) {
        (None, Some(lang)) => lang,
        _ => args.rule_set.lang(),
    };
    if let Some(c) = config.as_mut() {
        (sources, findings, errors) = c.exclude(sources, findings, errors);
        if sources.spec_count() == 0 && errors.is_empty() {
            return Err(UsageError(
                "every spec file is excluded by the configuration's `exclude`; nothing to check"
                    .to_owned(),
            )
            .into());
        }
    }

    let rules_dir = args
        .rule_set
        .rules
        .clone()
        .or_else(|| config.as_ref().and_then(|c| c.rules.clone()));
    let loaded_set = match &rules_dir {
        Some(dir) => RuleSet::from_dir(dir, &mut sources),
        None => RuleSet::embedded(&mut sources),
    };
    let set = match loaded_set {
        Ok(set) => set,
        Err(e) => return rule_set_failure(e, &sources, lang, color),
    };
    let overrides = match config.as_ref().map(|c| c.overrides(&set)) {
        None => Overrides::default(),
        Some(Ok(o)) => o,
        Some(Err(f)) => return config_failure(f, &sources, lang, color),
    };

    let mut run = engine::check_sources(sources, findings, errors, loaded.skipped, &set, &opts);
    if run.sources.spec_count() == 0 && !run.errors.is_empty() {
        let msgs: Vec<String> = run.errors.iter().map(ToString::to_string).collect();
        return Err(UsageError(msgs.join("\nerror: ")).into());
    }
    run.findings = overrides.apply(std::mem::take(&mut run.findings));
    run.summary.counts = Counts::of(&run.findings);

    let mut err = io::stderr().lock();
    if let Some(path) = &args.write_baseline {
        return write_baseline(&run, path, args.quiet, &mut err);
    }

    let baseline = match &args.baseline {
        None => None,
        Some(path) => Some((
            path.display().to_string(),
            Baseline::read(path).map_err(|e| UsageError(e.to_string()))?,
        )),
    };
    let comparison = baseline
        .as_ref()
        .map(|(_, b)| b.compare(&run.findings, &run.sources));
    let reported: Cow<'_, [Finding]> = match &comparison {
        Some(c) => Cow::Owned(c.new.iter().map(|f| (*f).clone()).collect()),
        None => Cow::Borrowed(&run.findings),
    };
    let mut summary = run.summary.clone();
    summary.counts = Counts::of(&reported);
    let meta = Meta {
        rule_set: &set.schema.name,
        lang,
    };
    match args.format {
        Format::Human if args.quiet => writeln!(out, "{}", human::summary_line(&summary, lang))?,
        Format::Human => human::render(
            &{
                let mut shown = reported.to_vec();
                engine::cap_per_file(&mut shown, &run.sources);
                shown
            },
            &run.sources,
            &summary,
            HumanOptions {
                lang,
                color,
                width: 100,
            },
            out,
        )?,
        Format::Json => json::render(
            &reported,
            &run.sources,
            &summary,
            meta,
            baseline
                .as_ref()
                .zip(comparison.as_ref())
                .map(|((file, _), c)| BaselineReport {
                    file,
                    matched: c.matched,
                    gone: &c.gone,
                }),
            out,
        )?,
        Format::Sarif => sarif::render(
            &reported,
            &run.sources,
            &set,
            &overrides,
            meta,
            baseline.is_some(),
            out,
        )?,
        Format::Github => github::render(&reported, &run.sources, &summary, lang, args.quiet, out)?,
    }

    if !args.quiet {
        for note in &run.skipped {
            writeln!(err, "note: {}: skipped: {}", note.path, note.reason)?;
        }
        if let (Some((file, _)), Some(c)) = (&baseline, &comparison) {
            writeln!(
                err,
                "note: baseline {file}: {} known {} not reported",
                c.matched,
                if c.matched == 1 {
                    "finding"
                } else {
                    "findings"
                }
            )?;
            if !c.gone.is_empty() {
                let n: usize = c.gone.iter().map(|e| e.count).sum();
                writeln!(
                    err,
                    "note: baseline {file}: {n} {} no longer {}; record the baseline again with \
                     --write-baseline to drop {}:",
                    if n == 1 { "entry" } else { "entries" },
                    if n == 1 { "occurs" } else { "occur" },
                    if n == 1 { "it" } else { "them" },
                )?;
                for e in &c.gone {
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
            }
        }
    }
    for e in &run.errors {
        writeln!(err, "error: {e}")?;
    }
    if !run.errors.is_empty() {
        return Ok(2);
    }
    let threshold = args
        .fail_on
        .or_else(|| config.as_ref().and_then(|c| c.fail_on))
        .unwrap_or(FailOn::Error)
        .threshold();
    let failing = threshold.is_some_and(|t| reported.iter().any(|f| f.severity >= t));
    drop(reported);
    // The process ends next: freeing the model node by node would only cost time.
    std::mem::forget(run);
    Ok(u8::from(failing))
}

/// `--write-baseline FILE`: records every current finding; refuses when some input could not
/// be read (the baseline would be incomplete).
fn write_baseline(
    run: &engine::Run,
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

/// Renders align.toml errors (ALN090 with TOML spans) to stderr and returns exit 2.
fn config_failure(
    mut findings: Vec<Finding>,
    sources: &SourceSet,
    lang: Lang,
    color: bool,
) -> Result<u8, Failure> {
    crate::diag::sort(&mut findings, sources);
    let mut err = io::stderr().lock();
    human::render_findings(
        &findings,
        sources,
        HumanOptions {
            lang,
            color,
            width: 100,
        },
        &mut err,
    )?;
    writeln!(
        err,
        "error: the configuration is invalid; nothing was checked"
    )?;
    Ok(2)
}
