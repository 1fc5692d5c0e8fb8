//! The command line (clap): parses arguments, calls the library, maps results to exit codes.
//!
//! Last stage of the pipeline; holds no checking logic. Exit codes: 0 clean, 1 findings at or
//! above `--fail-on`, 2 usage or I/O error.

mod check;
mod diff;
mod explain;
mod fmt;
mod graph;
mod init;
mod lsp;
mod report;
mod rules;
mod stats;

use crate::diag::{Finding, Lang, StaticText, Text};
use crate::engine::Stop;
use crate::rules::{RuleSet, RuleSetError};
use crate::source::SourceSet;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Checks that a plan, the programs that fund it and the KPIs that measure it line up.
#[derive(Debug, Parser)]
#[command(name = "align", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check specs and report every place where plan, programs and KPIs do not line up.
    Check(check::CheckArgs),
    /// Explain a finding code or rule (`ALN101` or `item-without-program`).
    Explain(explain::ExplainArgs),
    /// List the built-in codes and the rules of the rule set.
    Rules(rules::RulesArgs),
    /// KPI series (mean annual change, suggested relative targets) and stage-gate rates.
    Stats(stats::StatsArgs),
    /// What a draft changes between two versions (directories or git revisions), and what it
    /// newly leaves uncovered.
    Diff(diff::DiffArgs),
    /// Lay specs out in the canonical layout (`--check`: only list the files that would change).
    Fmt(fmt::FmtArgs),
    /// Write a new plan skeleton: align.toml and one example file per kind (never overwrites).
    Init(init::InitArgs),
    /// Write a gap report of the specs (HTML or Markdown) for the people who draft and review
    /// the plan.
    Report(report::ReportArgs),
    /// Draw the plan, programs and KPIs as a diagram (Graphviz DOT or Mermaid), gaps marked.
    Graph(graph::GraphArgs),
    /// Language server over stdio, for editors (see docs/editors.md).
    Lsp(lsp::LspArgs),
}

/// Options every command that reads a rule set shares.
#[derive(Debug, clap::Args)]
struct RuleSetArgs {
    /// Directory with `schema.toml` and `rules.toml` (default: the embedded basic-plan set).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Language of messages (default from `LC_ALL`, `LC_MESSAGES` or `LANG`; English otherwise).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
}

/// The limit on one spec file, shared by every command that reads specs.
#[derive(Debug, Clone, Copy, clap::Args)]
struct FileSizeArgs {
    /// Largest spec file read, in bytes (at most 4294967295).
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = crate::source::DEFAULT_MAX_FILE_SIZE,
        value_parser = crate::source::parse_max_file_size
    )]
    max_file_size: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Ja,
    En,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl RuleSetArgs {
    /// `--lang`, if given.
    fn explicit_lang(&self) -> Option<Lang> {
        self.lang.map(|l| match l {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        })
    }

    /// `--lang`, else the language of the environment.
    fn lang(&self) -> Lang {
        self.explicit_lang().unwrap_or_else(env_lang)
    }

    fn load(&self, sources: &mut SourceSet) -> Result<RuleSet, RuleSetError> {
        match &self.rules {
            Some(dir) => RuleSet::from_dir(dir, sources),
            None => RuleSet::embedded(sources),
        }
    }
}

/// A command's failure that is not a finding: exit 2 with a message on stderr.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) Text);

impl UsageError {
    /// A message that has no Japanese text yet (names from the command line, OS errors).
    pub(crate) fn en(msg: impl Into<String>) -> UsageError {
        UsageError(Text::same(msg.into()))
    }
}

impl Command {
    /// The language of notes and errors on stderr: `--lang`, else the environment's.
    fn lang(&self) -> Lang {
        match self {
            Command::Check(a) => a.rule_set.lang(),
            Command::Explain(a) => a.rule_set.lang(),
            Command::Rules(a) => a.rule_set.lang(),
            Command::Stats(a) => a.rule_set.lang(),
            Command::Diff(a) => a.rule_set.lang(),
            Command::Fmt(a) => a.rule_set.lang(),
            Command::Report(a) => a.rule_set.lang(),
            Command::Graph(a) => a.rule_set.lang(),
            Command::Init(_) | Command::Lsp(_) => env_lang(),
        }
    }
}

/// The language of the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`).
fn env_lang() -> Lang {
    let var = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    Lang::from_locale(&var)
}

/// `error:` / `エラー:`, the prefix of an error line on stderr.
pub(crate) fn error_prefix(lang: Lang) -> &'static str {
    lang.pick("error:", "エラー:")
}

/// `note:` / `注:`, the prefix of a note on stderr.
pub(crate) fn note_prefix(lang: Lang) -> &'static str {
    lang.pick("note:", "注:")
}

/// Parses the command line, runs the command and returns its exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Command::Lsp(args) = &cli.command {
        return lsp::run(args);
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let lang = cli.command.lang();
    let result = match cli.command {
        Command::Check(args) => check::run(&args, &mut out),
        Command::Explain(args) => explain::run(&args, &mut out),
        Command::Rules(args) => rules::run(&args, &mut out),
        Command::Stats(args) => stats::run(&args, &mut out),
        Command::Diff(args) => diff::run(&args, &mut out),
        Command::Fmt(args) => fmt::run(&args, &mut out),
        Command::Init(args) => init::run(&args, &mut out),
        Command::Report(args) => report::run(&args, &mut out),
        Command::Graph(args) => graph::run(&args, &mut out),
        // Handled above: the server writes to stdout from its own thread.
        Command::Lsp(_) => Ok(0),
    };
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(code), Ok(())) => ExitCode::from(code),
        (Err(Failure::Usage(UsageError(msg))), _) => {
            // Several errors are joined with "\n"; each is printed on its own line, and
            // nothing else in a message may break a line.
            let mut err = io::stderr().lock();
            for part in msg.get(lang).split('\n') {
                let _ = writeln!(
                    err,
                    "{} {}",
                    error_prefix(lang),
                    crate::report::sanitize::line(part)
                );
            }
            ExitCode::from(2)
        }
        // A closed stdout (`align check | head -1`) ends the run quietly.
        (Err(Failure::Io(e)), _) | (Ok(_), Err(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::from(0)
        }
        (Err(Failure::Io(e)), _) | (Ok(_), Err(e)) => {
            let what = lang.pick("cannot write output", "出力を書き込めません");
            let _ = writeln!(io::stderr(), "{} {what}: {e}", error_prefix(lang));
            ExitCode::from(2)
        }
    }
}

/// Why a command stopped.
#[derive(Debug)]
pub(crate) enum Failure {
    Usage(UsageError),
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e)
    }
}

/// Whether to colour stdout.
fn use_color(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

/// Prints each path that could not be read as an `error:` line on stderr (sanitised).
fn print_source_errors(
    errors: &[crate::source::SourceError],
    lang: Lang,
    err: &mut dyn Write,
) -> io::Result<()> {
    for e in errors {
        writeln!(
            err,
            "{} {}",
            error_prefix(lang),
            crate::report::sanitize::line(e.text().get(lang))
        )?;
    }
    Ok(())
}

/// Prints each path skipped on purpose as a `note:` line on stderr (sanitised).
fn print_skipped(
    skipped: &[crate::source::SkipNote],
    lang: Lang,
    err: &mut dyn Write,
) -> io::Result<()> {
    for s in skipped {
        writeln!(
            err,
            "{} {}: {} {}",
            note_prefix(lang),
            crate::report::sanitize::line(&s.path),
            lang.pick("skipped:", "読み飛ばし:"),
            crate::report::sanitize::line(s.reason.get(lang))
        )?;
    }
    Ok(())
}

/// Writes a command's document to `path` atomically (nothing written, or the old file intact,
/// on failure) or, without a path, to stdout. `what` names it in the error (`report`).
fn write_output(
    path: Option<&std::path::Path>,
    text: &str,
    what: StaticText,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match path {
        Some(path) => crate::baseline::write_atomic(path, text.as_bytes()).map_err(|e| {
            let path = path.display();
            UsageError(Text::new(
                format!(
                    "{path}: cannot write the {}: {e}; nothing was written (an existing file is unchanged)",
                    what.en
                ),
                format!(
                    "{path}: {}を書き込めません: {e}。何も書き込んでいません（既存のファイルはそのままです）",
                    what.ja
                ),
            ))
            .into()
        }),
        None => Ok(out.write_all(text.as_bytes())?),
    }
}

const RULE_SET: StaticText = StaticText::new("the rule set", "規則セット");
const CONFIGURATION: StaticText = StaticText::new("the configuration", "設定ファイル");

/// Renders rule-set errors to stderr and returns exit 2 (commands that load only a rule set).
fn rule_set_failure(
    e: RuleSetError,
    sources: &SourceSet,
    lang: Lang,
    color: bool,
) -> Result<u8, Failure> {
    match e {
        RuleSetError::Io(msg) => Err(UsageError::en(msg).into()),
        RuleSetError::Invalid(findings) => invalid(findings, sources, lang, RULE_SET, color),
    }
}

/// Renders why a run stopped (ALN090 findings with TOML spans, or a message) to stderr and
/// returns exit 2.
fn stopped(stop: Stop, color: bool) -> Result<u8, Failure> {
    match stop {
        Stop::Usage(msg) => Err(UsageError(msg).into()),
        Stop::Config {
            findings,
            sources,
            lang,
        } => invalid(findings, &sources, lang, CONFIGURATION, color),
        Stop::RuleSet {
            findings,
            sources,
            lang,
        } => invalid(findings, &sources, lang, RULE_SET, color),
    }
}

/// Renders the findings that make a configuration or rule set invalid; exit 2.
fn invalid(
    mut findings: Vec<Finding>,
    sources: &SourceSet,
    lang: Lang,
    what: StaticText,
    color: bool,
) -> Result<u8, Failure> {
    crate::source::sort(&mut findings, sources);
    let shown = crate::report::human::cap_per_file(&findings, sources);
    let mut err = io::stderr().lock();
    let opts = crate::report::human::HumanOptions {
        color,
        ..crate::report::human::HumanOptions::default()
    };
    crate::report::human::render_findings(&shown, sources, lang, opts, &mut err)?;
    let msg = match lang {
        Lang::En => format!("{} is invalid; nothing was checked", what.en),
        Lang::Ja => format!("{}が正しくないため、何も検査していません", what.ja),
    };
    writeln!(err, "{} {msg}", error_prefix(lang))?;
    Ok(2)
}
