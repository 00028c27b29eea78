//! `salesproc-gen`: writes generated `.salesproc` processes.
//!
//! ```text
//! salesproc-gen [--stages N] [--seed S] [-o FILE]     one process (stdout by default)
//! salesproc-gen --files M [--seed S] DIR              M files of about 300 lines in DIR
//! ```

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use salesproc_gen::{process, small_process, Config};

const USAGE: &str = "usage: salesproc-gen [--stages N] [--seed S] [-o FILE]
       salesproc-gen --files M [--seed S] DIR

  --stages N   stages in the process, terminals included (default 1000, at least 8)
  --seed S     seed; the same seed gives the same text (default 1)
  -o FILE      write to FILE instead of standard output
  --files M    write M processes of about 300 lines each into DIR (created if missing)";

struct Args {
    stages: usize,
    seed: u64,
    output: Option<PathBuf>,
    files: Option<usize>,
    dir: Option<PathBuf>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args { stages: Config::default().stages, seed: 1, output: None, files: None, dir: None };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--stages" => parsed.stages = value("--stages")?.parse().map_err(|e| format!("--stages: {e}"))?,
            "--seed" => parsed.seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "-o" | "--output" => parsed.output = Some(PathBuf::from(value("-o")?)),
            "--files" => parsed.files = Some(value("--files")?.parse().map_err(|e| format!("--files: {e}"))?),
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other => {
                if parsed.dir.replace(PathBuf::from(other)).is_some() {
                    return Err("only one directory may be given".into());
                }
            }
        }
    }
    if parsed.files.is_some() != parsed.dir.is_some() {
        return Err("--files M and a directory go together".into());
    }
    Ok(parsed)
}

fn run(args: Args) -> Result<(), String> {
    if let (Some(count), Some(dir)) = (args.files, &args.dir) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for index in 0..count {
            let path = dir.join(format!("process_{index:05}.salesproc"));
            std::fs::write(&path, small_process(args.seed, index))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        return Ok(());
    }
    let text = process(Config { stages: args.stages, seed: args.seed });
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => std::io::stdout().lock().write_all(text.as_bytes()).map_err(|e| format!("cannot write: {e}")),
    }
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)).and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("salesproc-gen: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
