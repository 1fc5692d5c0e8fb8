//! `align check PATHS…`

use super::{rule_set_failure, use_color, ColorArg, Failure, RuleSetArgs, UsageError};
use crate::diag::Severity;
use crate::engine::{self, Options};
use crate::report::human::{self, HumanOptions};
use crate::syntax::ast::Date;
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// Files or directories to check (directories are searched for *.align recursively).
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    rule_set: RuleSetArgs,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Colour the output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// The date waivers are judged against (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<Date>,
    /// Largest spec file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::source::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse()
        .map_err(|()| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

/// Today's date (UTC) from the system clock.
fn system_today() -> Date {
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
    let lang = args.rule_set.lang();
    let color = use_color(args.color);
    let opts = Options {
        today: args.today.unwrap_or_else(system_today),
        max_file_size: args.max_file_size,
    };
    let mut failed_sources = None;
    let run = engine::check_paths(&args.paths, &opts, |sources| {
        args.rule_set.load(sources).inspect_err(|_| {
            failed_sources = Some(std::mem::take(sources));
        })
    });
    let run = match run {
        Ok(run) => run,
        Err(e) => {
            let sources = failed_sources.unwrap_or_default();
            return rule_set_failure(e, &sources, lang, color);
        }
    };
    let no_specs = run.sources.spec_count() == 0;
    if no_specs && !run.errors.is_empty() {
        let msgs: Vec<String> = run.errors.iter().map(ToString::to_string).collect();
        return Err(UsageError(msgs.join("\nerror: ")).into());
    }
    human::render(
        &run.findings,
        &run.sources,
        &run.summary,
        HumanOptions {
            lang,
            color,
            width: 100,
        },
        out,
    )?;
    let mut err = io::stderr().lock();
    for note in &run.skipped {
        writeln!(err, "note: {}: skipped: {}", note.path, note.reason)?;
    }
    for e in &run.errors {
        writeln!(err, "error: {e}")?;
    }
    if !run.errors.is_empty() {
        return Ok(2);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| run.findings.iter().any(|f| f.severity >= t));
    Ok(u8::from(failing))
}
