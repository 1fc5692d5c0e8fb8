//! `align check PATHS…`: load the specs, `align.toml` and the rule set, check, apply the
//! configuration and the baseline, render in the chosen format, map to an exit code.

use super::{
    error_prefix, note_prefix, print_skipped, print_source_errors, stopped, use_color, ColorArg,
    Failure, RuleSetArgs, UsageError,
};
use crate::base::Date;
use crate::baseline::Baseline;
use crate::config::FailOn;
use crate::diag::Lang;
use crate::engine::{self, Checked, Options};
use crate::report::human::{self, HumanOptions, Order};
use crate::report::sanitize::line;
use crate::report::{concise, github, gitlab, json, junit, sarif, statistics, summary_line, Input};
use crate::select;
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct CheckArgs {
    /// Files or directories to check (directories are searched for *.align recursively).
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) rule_set: RuleSetArgs,
    /// Output format: `human` (compiler-style), `concise` (one line per finding), `json`
    /// (docs/json.md), `sarif` (SARIF 2.1.0), `github` (workflow-command annotations),
    /// `gitlab` (GitLab Code Quality) or `junit` (JUnit XML, one test case per code).
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Print only the summary line (human), or leave it out (concise, github, --statistics);
    /// notes on stderr are left out. JSON, SARIF, GitLab and JUnit documents are unchanged.
    #[arg(long, short)]
    quiet: bool,
    /// Report only these codes: codes, slugs or code prefixes (`ALN1`), comma-separated or
    /// repeated. Structural errors are always reported.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not report these codes (codes, slugs or prefixes). The most specific name wins;
    /// between a select and an ignore as specific, the ignore.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Print how many findings of each code, most frequent first, instead of the findings
    /// (a table, or a JSON document with `--format json`).
    #[arg(long)]
    statistics: bool,
    /// Lowest severity that makes the exit code 1 [default: error, or `fail-on` in align.toml].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Order of human output: `severity` (errors first, then warnings, then infos) or
    /// `location` (by file and line, as the machine formats are).
    #[arg(long, value_enum, default_value = "severity")]
    sort: SortArg,
    /// Colour the output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
    /// The date waivers are judged against (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<Date>,
    #[command(flatten)]
    files: super::FileSizeArgs,
    /// Configuration file [default: align.toml at the root of the first path, if any].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Report, and fail on, only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (written atomically) and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Where docs/rules.md is published (e.g. on GitHub): SARIF rules link `URL#aln101` as
    /// their `helpUri`.
    #[arg(long, value_name = "URL", env = "ALIGN_DOCS_URL", value_parser = parse_docs_url)]
    docs_url: Option<String>,
}

/// An absolute `http(s)` URL without a fragment (each code adds its own).
fn parse_docs_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let scheme_ok = s.starts_with("https://") || s.starts_with("http://");
    if !scheme_ok || s.contains('#') || s.chars().any(char::is_whitespace) {
        return Err(format!(
            "`{s}` is not an absolute http(s) URL without `#` (e.g. https://github.com/OWNER/REPO/blob/main/docs/rules.md)"
        ));
    }
    Ok(s.to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SortArg {
    Severity,
    Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

pub(super) fn parse_date(s: &str) -> Result<Date, String> {
    s.parse()
        .map_err(|()| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

pub(super) fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let color = use_color(args.color);
    if args.statistics && !matches!(args.format, Format::Human | Format::Concise | Format::Json) {
        return Err(UsageError::en(
            "--statistics prints a table (`--format human` or `concise`) or a JSON document \
             (`--format json`); it cannot be combined with this format"
                .to_owned(),
        )
        .into());
    }
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
        select: select::Request {
            select: args.select.clone(),
            ignore: args.ignore.clone(),
        },
        texts_live_to_exit: true,
    };
    let mut checked = match engine::run(&opts) {
        Ok(c) => c,
        Err(stop) => return stopped(stop, color),
    };
    let mut err = io::stderr().lock();
    if let Some(path) = &args.write_baseline {
        return write_baseline(&checked, path, args.quiet, &mut err);
    }
    // These reports read the findings and the texts, not the model's index and graph.
    if !args.statistics && matches!(args.format, Format::Human | Format::Json | Format::Sarif) {
        checked.model.free_lookups();
    }
    let input = Input {
        docs_url: args.docs_url.as_deref(),
        ..Input::from(&checked)
    };
    let lang = checked.lang;
    let render = std::time::Instant::now();
    match args.format {
        Format::Json if args.statistics => statistics::render_json(&input, out)?,
        _ if args.statistics => statistics::render_table(&input, args.quiet, out)?,
        Format::Human if args.quiet => writeln!(out, "{}", summary_line(&checked.summary, lang))?,
        Format::Human => {
            let order = match args.sort {
                SortArg::Severity => Order::Severity,
                SortArg::Location => Order::Location,
            };
            let opts = HumanOptions {
                color,
                width: 100,
                order,
            };
            human::render(&input, opts, out)?;
        }
        Format::Concise => concise::render(&input, args.quiet, out)?,
        Format::Json => json::render(&input, out)?,
        Format::Sarif => sarif::render(&input, out)?,
        Format::Github => github::render(&input, args.quiet, out)?,
        Format::Gitlab => gitlab::render(&input, out)?,
        Format::Junit => junit::render(&input, checked.fail_on.threshold(), out)?,
    }
    crate::base::timing::report("render", render);
    if !args.quiet {
        notes(&checked, &mut err)?;
    }
    print_source_errors(&checked.errors, checked.lang, &mut err)?;
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
    let lang = checked.lang;
    print_skipped(&checked.skipped, lang, err)?;
    let Some(b) = &checked.baseline else {
        return Ok(());
    };
    let (note, file) = (note_prefix(lang), line(&b.file));
    let m = b.matched;
    match lang {
        Lang::En => writeln!(
            err,
            "{note} baseline {file}: {m} known {} not reported",
            plural(m, "finding", "findings")
        )?,
        Lang::Ja => writeln!(
            err,
            "{note} ベースライン {file}: 既知の指摘 {m} 件は表示していません"
        )?,
    }
    if b.gone.is_empty() {
        return Ok(());
    }
    let n = b.gone.iter().fold(0usize, |n, e| n.saturating_add(e.count));
    match lang {
        Lang::En => writeln!(
            err,
            "{note} baseline {file}: {n} {} no longer {}; record the baseline again with \
             --write-baseline to drop {}:",
            plural(n, "entry", "entries"),
            plural(n, "occurs", "occur"),
            plural(n, "it", "them"),
        )?,
        Lang::Ja => writeln!(
            err,
            "{note} ベースライン {file}: {n} 件の項目はもう発生していません。\
             --write-baseline で記録し直すと削除されます:"
        )?,
    }
    for e in &b.gone {
        let times = if e.count > 1 {
            format!(" (×{})", e.count)
        } else {
            String::new()
        };
        writeln!(
            err,
            "  {} {} [{}]{times}: {}",
            line(&e.code),
            line(&e.slug),
            line(&e.nodes.join(", ")),
            line(e.message.get(lang))
        )?;
    }
    Ok(())
}

/// The English word for a count: `one` when it is 1.
fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// `--write-baseline FILE`: records every current finding; refuses when some input could not
/// be read (the baseline would be incomplete).
fn write_baseline(
    run: &Checked,
    path: &std::path::Path,
    quiet: bool,
    err: &mut dyn Write,
) -> Result<u8, Failure> {
    let lang = run.lang;
    let shown = line(&path.to_string_lossy()).into_owned();
    if !run.errors.is_empty() {
        print_source_errors(&run.errors, lang, err)?;
        writeln!(
            err,
            "{} {shown}: {}",
            error_prefix(lang),
            lang.pick(
                "baseline not written: some specs could not be read",
                "読み込めない仕様ファイルがあるため、ベースラインを書き込んでいません"
            )
        )?;
        return Ok(2);
    }
    let base = Baseline::of(&run.findings, &run.sources);
    base.write(path, &run.sources)
        .map_err(|e| UsageError::en(e.to_string()))?;
    if !quiet {
        let (f, e) = (run.findings.len(), base.entries.len());
        match lang {
            Lang::En => writeln!(
                err,
                "{} wrote baseline {shown}: {f} {} in {e} {}",
                note_prefix(lang),
                plural(f, "finding", "findings"),
                plural(e, "entry", "entries"),
            )?,
            Lang::Ja => writeln!(
                err,
                "{} ベースライン {shown} を書き込みました: 指摘 {f} 件（{e} 項目）",
                note_prefix(lang)
            )?,
        }
    }
    Ok(0)
}
