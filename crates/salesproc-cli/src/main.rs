//! The `salesproc` binary: a thin shell over [`salesproc_cli::run`].

fn main() -> std::process::ExitCode {
    salesproc_cli::run(std::env::args_os())
}
