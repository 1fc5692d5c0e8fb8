//! `align init [DIR]`: write a new plan skeleton (src/init/) into DIR, never over a file.
//! Exit 0 written, 2 refused or an I/O error (nothing left written).

use super::{Failure, UsageError};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct InitArgs {
    /// Directory to write the skeleton into (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
}

pub(super) fn run(args: &InitArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let written = crate::init::write(&args.dir).map_err(|e| UsageError::en(e.to_string()))?;
    for path in &written {
        writeln!(
            out,
            "wrote {}",
            crate::report::sanitize::line(&path.display().to_string())
        )?;
    }
    writeln!(
        out,
        "next: `align check {}`, then replace the examples with your plan (docs/language.md)",
        args.dir.display()
    )?;
    Ok(0)
}
