//! The `align` binary: all of it is in the library's `cli` module.

fn main() -> std::process::ExitCode {
    align::cli::run()
}
