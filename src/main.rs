//! The `align` binary: all of it is in the library's `cli` module.

// mimalloc: parsing and modelling allocate many small strings and vectors; against glibc's
// allocator it cuts the check of a 100,000-declaration tree by about a fifth (docs/performance.md).
// Its v2 line (Cargo.toml): against v3, the crate's default, the same time with 8-15% less
// resident memory at 100,000 items and 44% less at 10,000.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Stage timings count from here (`ALIGN_TIMINGS`).
    align::base::timing::enabled();
    align::cli::run()
}
