//! `align stats PATHS… [--format human|json|md]`

use super::{
    error_prefix, print_skipped, print_source_errors, stopped, use_color, ColorArg, Failure,
    RuleSetArgs,
};
use crate::diag::Lang;
use crate::engine::{self, Options};
use crate::report::stats;
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct StatsArgs {
    /// Files or directories to read (directories are searched for *.align recursively).
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(super) rule_set: RuleSetArgs,
    /// `human`: aligned tables; `json`: the document of docs/stats.md; `md`: Markdown tables.
    #[arg(long, value_enum, default_value = "human")]
    format: StatsFormat,
    #[command(flatten)]
    files: super::FileSizeArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum StatsFormat {
    Human,
    Json,
    Md,
}

/// Exit 0; 1 when the specs have errors (the figures may then be incomplete: `align check`
/// shows them); 2 on a usage or I/O error.
pub(super) fn run(args: &StatsArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let mut opts = Options::new(args.paths.clone());
    opts.texts_live_to_exit = true;
    opts.rules.clone_from(&args.rule_set.rules);
    opts.lang = args.rule_set.explicit_lang();
    opts.fallback_lang = args.rule_set.lang();
    opts.max_file_size = args.files.max_file_size;
    opts.run_rules = false;
    let m = match engine::run(&opts) {
        Ok(m) => m,
        Err(stop) => return stopped(stop, use_color(ColorArg::Auto)),
    };
    let lang = m.lang;
    let figures = stats::gather(&m.model, &m.rules);
    let text = match args.format {
        StatsFormat::Human => stats::human(&figures, lang),
        StatsFormat::Json => stats::json(&figures).map_err(io::Error::other)?,
        StatsFormat::Md => stats::markdown(&figures, lang),
    };
    out.write_all(text.as_bytes())?;
    let mut err = io::stderr().lock();
    print_skipped(&m.skipped, lang, &mut err)?;
    print_source_errors(&m.errors, lang, &mut err)?;
    if !m.errors.is_empty() {
        return Ok(2);
    }
    let errors = m.summary.counts.errors;
    if errors > 0 {
        let msg = match lang {
            Lang::En => format!(
                "the specs have {errors} {}; the figures may be incomplete (`align check` shows them)",
                if errors == 1 { "error" } else { "errors" }
            ),
            Lang::Ja => format!(
                "仕様にエラーが {errors} 件あるため、数値が不完全な可能性があります（`align check` で確認できます）"
            ),
        };
        writeln!(err, "{} {msg}", error_prefix(lang))?;
        return Ok(1);
    }
    Ok(0)
}
