//! `align diff OLD NEW [PATHS…]`: read both versions (directories or git revisions), check each
//! as `align check` does, compare, render, and exit 1 when NEW adds findings at or above
//! `--fail-on`.

use super::check::parse_date;
use super::{
    error_prefix, note_prefix, print_skipped, print_source_errors, rule_set_failure, use_color,
    ColorArg, Failure, RuleSetArgs, UsageError,
};
use crate::base::sanitize::line;
use crate::base::Date;
use crate::base::Lang;
use crate::config::FailOn;
use crate::diff::side::{self, Side};
use crate::diff::version::{self, Checked};
use crate::diff::{self as d, SideInfo};
use crate::source::{Loaded, SourceError};
use std::ffi::OsString;
use std::io::{self, Write};

#[derive(Debug, clap::Args)]
pub(super) struct DiffArgs {
    /// OLD and NEW, each a directory or a git revision (`v2022 HEAD`), or one range of
    /// revisions (`main..HEAD`; `main...HEAD` from the merge base), then the PATHS to read in
    /// each: relative to a directory, or to the current directory in a revision.
    #[arg(required = true, value_name = "OLD NEW [PATHS]")]
    args: Vec<OsString>,
    #[command(flatten)]
    pub(super) rule_set: RuleSetArgs,
    /// Output format: `human` (diff style), `json` (docs/diff-schema.json) or `md` (a
    /// pull-request comment).
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Lowest severity of a new finding that makes the exit code 1.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Colour the output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// The date waivers are judged against in both versions (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<Date>,
    #[command(flatten)]
    files: super::FileSizeArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Md,
}

pub(super) fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let color = use_color(args.color);
    let lang = args.rule_set.lang();
    let today = args.today.unwrap_or_else(Date::today_utc);
    let sides = side::parse(&args.args).map_err(|e| UsageError::en(e.to_string()))?;
    let (old, new) = match read_both(&sides, args.files.max_file_size, args.rule_set.lang())? {
        Ok(both) => both,
        Err(code) => return Ok(code),
    };
    let old = match check(old, &args.rule_set, today, color)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let new = match check(new, &args.rule_set, today, color)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let info = |s: &Side| SideInfo {
        label: s.label(),
        commit: s.commit().map(str::to_owned),
        files: 0,
        declarations: 0,
    };
    let diff = d::compare(&old, &new, info(&sides.old), info(&sides.new));
    match args.format {
        Format::Human => d::human::render(&diff, lang, color, out)?,
        Format::Json => d::json::render(&diff, &new.run.rules.schema.name, lang, out)?,
        Format::Md => out.write_all(d::markdown::render(&diff, lang).as_bytes())?,
    }
    let failing = args
        .fail_on
        .threshold()
        .is_some_and(|t| diff.findings_new.iter().any(|f| f.severity >= t));
    // The process ends next: freeing both models node by node would only cost time.
    std::mem::forget((old, new));
    Ok(u8::from(failing))
}

/// Reads both versions. A version that cannot be read whole is not compared (a missing file
/// would show as removed declarations): the errors are printed, exit 2. One exception: a PATH
/// that is absent from one version only (a directory the draft creates or deletes) is an empty
/// part of that version, with a note; absent from both, it is an error.
fn read_both(
    sides: &side::Sides,
    max_file_size: u64,
    lang: Lang,
) -> Result<Result<(Loaded, Loaded), u8>, Failure> {
    let read = |s: &Side| {
        s.load(&sides.paths, max_file_size)
            .map_err(|e| UsageError::en(e.to_string()))
    };
    let (mut old, mut new) = (read(&sides.old)?, read(&sides.new)?);
    let absent = |e: &SourceError| {
        matches!(
            e,
            SourceError::NotFound { .. } | SourceError::NoSpecs { .. }
        )
    };
    let only_absent = |l: &Loaded| !l.errors.is_empty() && l.errors.iter().all(absent);
    let mut err = io::stderr().lock();
    for l in [&old, &new] {
        print_skipped(&l.skipped, lang, &mut err)?;
    }
    let one_side_absent = !sides.paths.is_empty()
        && ((only_absent(&old) && new.errors.is_empty())
            || (only_absent(&new) && old.errors.is_empty()));
    for (l, s) in [(&mut old, &sides.old), (&mut new, &sides.new)] {
        if l.errors.is_empty() {
            continue;
        }
        if one_side_absent {
            for e in l.errors.drain(..) {
                writeln!(
                    err,
                    "{} {}; taken as empty in {}",
                    note_prefix(lang),
                    line(e.text().get(lang)),
                    line(&s.label())
                )?;
            }
            continue;
        }
        print_source_errors(&l.errors, lang, &mut err)?;
        writeln!(
            err,
            "{} {}: not every spec file could be read; nothing was compared",
            error_prefix(lang),
            s.label()
        )?;
        return Ok(Err(2));
    }
    Ok(Ok((old, new)))
}

/// Checks one version with the rule set; an invalid rule set is rendered, exit 2.
fn check(
    loaded: Loaded,
    rule_set: &RuleSetArgs,
    today: Date,
    color: bool,
) -> Result<Result<Checked, u8>, Failure> {
    match version::check(loaded, rule_set.rules.as_deref(), today) {
        Ok(c) => Ok(Ok(c)),
        Err((e, sources)) => rule_set_failure(e, &sources, rule_set.lang(), color).map(Err),
    }
}
