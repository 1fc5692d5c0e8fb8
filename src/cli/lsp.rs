//! `align lsp`: the language server over stdio (see `src/lsp/`).

use super::check::parse_date;
use super::LangArg;
use crate::diag::Lang;
use crate::lsp::{self, Options, Settings};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(super) struct LspArgs {
    /// Directory with `schema.toml` and `rules.toml` [default: `rules` in align.toml, else the
    /// embedded basic-plan set].
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Language of messages [default: `lang` in align.toml, else the editor's locale].
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// The date waivers are judged against (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<crate::syntax::ast::Date>,
    #[command(flatten)]
    files: super::FileSizeArgs,
    /// Where docs/rules.md is published: each diagnostic links `URL#aln101` [default: the
    /// client's `initializationOptions.docsUrl`, else the docs of this version when the build
    /// names its repository; "" links nothing].
    #[arg(long, value_name = "URL")]
    docs_url: Option<String>,
    /// Accepted for editors that pass it; the server always talks over stdin and stdout.
    #[arg(long, hide = true)]
    stdio: bool,
}

/// Serves until the editor sends `exit`: 0 after a `shutdown`, 1 without one (as the protocol
/// asks), 2 if the connection fails.
pub(super) fn run(args: &LspArgs) -> ExitCode {
    let options = Options {
        settings: Settings {
            rules: args.rules.clone(),
            lang: args.lang.map(|l| match l {
                LangArg::Ja => Lang::Ja,
                LangArg::En => Lang::En,
            }),
            today: args.today.unwrap_or_else(crate::base::Date::today_utc),
            max_file_size: args.files.max_file_size,
        },
        docs_url: args.docs_url.clone(),
    };
    match lsp::serve(options) {
        Ok(true) => ExitCode::from(0),
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: lsp: {e}");
            ExitCode::from(2)
        }
    }
}
