//! `cargo bench -p salesproc-gen`: parse, resolve, check, the whole check of one file, and
//! `fmt`, on generated processes of 100, 1,000, 10,000 and 50,000 stages.
//!
//! A plain `harness = false` benchmark: each phase runs until it has taken about a second (at
//! least three runs), and the median run is reported with its throughput. A counting global
//! allocator gives the peak heap each phase holds above what was live before it (the text and
//! its inputs), as a multiple of the file's size. The last table divides each size's cost per
//! stage by the cost per stage at 1,000 stages: linear growth keeps it near 1.
//!
//! Options (after `--`): `--sizes 100,1000` to choose the sizes, `--min-time 0.5` for the
//! seconds each phase runs at least, `--phases parse,check` to run only some phases (for a
//! profiler). Without `--bench` (as `cargo test --benches` runs it),
//! one quick pass over 100 stages checks that the benchmark still works.

use std::hint::black_box;
use std::time::{Duration, Instant};

use salesproc_checker::Options;
use salesproc_gen::{process, Config};
use salesproc_parser::syntax::Date;

#[global_allocator]
static HEAP: salesproc_gen::heap::Counting = salesproc_gen::heap::Counting;

/// Runs `f` once, returning the most heap it held at once above what was live before it.
fn peak_of<T>(f: impl FnOnce() -> T) -> usize {
    let before = salesproc_gen::heap::start();
    let out = black_box(f());
    let peak = salesproc_gen::heap::peak_since(before);
    drop(out);
    peak
}

/// One measured phase at one size.
struct Measure {
    phase: &'static str,
    stages: usize,
    bytes: usize,
    median: Duration,
    runs: usize,
    peak: usize,
}

/// Which phases to run and for how long.
struct Plan {
    phases: Option<Vec<String>>,
    min_time: Duration,
}

/// Times `f`: at least three runs and at least `min_time` in all; the median run. `None` when
/// the phase is not selected.
fn measure<T>(
    phase: &'static str,
    stages: usize,
    bytes: usize,
    plan: &Plan,
    mut f: impl FnMut() -> T,
) -> Option<Measure> {
    if plan.phases.as_ref().is_some_and(|phases| !phases.iter().any(|p| p == phase)) {
        return None;
    }
    let min_time = plan.min_time;
    let peak = peak_of(&mut f);
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 3 || started.elapsed() < min_time {
        let t = Instant::now();
        black_box(f());
        times.push(t.elapsed());
    }
    times.sort();
    Some(Measure { phase, stages, bytes, median: times[times.len() / 2], runs: times.len(), peak })
}

fn print(m: &Measure) {
    let secs = m.median.as_secs_f64();
    println!(
        "{:<8} {:>7} {:>9.2} {:>11.3} {:>9.1} {:>12.0} {:>9.1} {:>7.1}x {:>5}",
        m.phase,
        m.stages,
        m.bytes as f64 / 1e6,
        secs * 1e3,
        m.bytes as f64 / 1e6 / secs,
        m.stages as f64 / secs,
        m.peak as f64 / 1e6,
        m.peak as f64 / m.bytes as f64,
        m.runs
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args.iter().any(|a| a == "--bench");
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let sizes: Vec<usize> = match value("--sizes") {
        Some(list) => list.split(',').filter_map(|s| s.trim().replace('_', "").parse().ok()).collect(),
        None if bench => vec![100, 1_000, 10_000, 50_000],
        None => vec![100],
    };
    let min_time = Duration::from_secs_f64(value("--min-time").and_then(|s| s.parse().ok()).unwrap_or(if bench {
        1.0
    } else {
        0.0
    }));
    let phases = value("--phases").map(|list| list.split(',').map(|s| s.trim().to_string()).collect());
    let plan = Plan { phases, min_time };
    let options = Options { today: Date::new(2026, 11, 25), ..Options::default() };

    println!(
        "{:<8} {:>7} {:>9} {:>11} {:>9} {:>12} {:>9} {:>8} {:>5}",
        "phase", "stages", "MB", "median ms", "MB/s", "stages/s", "peak MB", "xfile", "runs"
    );
    let mut all: Vec<Measure> = Vec::new();
    for &stages in &sizes {
        let text = process(Config { stages, seed: 1 });
        let bytes = text.len();
        let parsed = salesproc_parser::parse(&text);
        assert!(parsed.diagnostics.is_empty(), "the generated process must parse: {:?}", parsed.diagnostics.first());
        let resolved = salesproc_parser::resolve(&parsed.tree);
        assert!(resolved.diagnostics.is_empty(), "{:?}", resolved.diagnostics.first());
        let model = resolved.model.expect("a model");
        let found = salesproc_cli::check::check_text(&text, &options);
        assert!(found.is_empty(), "the generated process must check clean: {:?}", found.first());

        let measures: Vec<Measure> = [
            measure("parse", stages, bytes, &plan, || salesproc_parser::parse(&text)),
            measure("resolve", stages, bytes, &plan, || salesproc_parser::resolve(&parsed.tree)),
            measure("check", stages, bytes, &plan, || salesproc_checker::check(&model, &options)),
            measure("all", stages, bytes, &plan, || salesproc_cli::check::check_text(&text, &options)),
            measure("fmt", stages, bytes, &plan, || salesproc_parser::format::format(&text)),
        ]
        .into_iter()
        .flatten()
        .collect();
        for m in &measures {
            print(m);
        }
        all.extend(measures);
    }

    // Growth: time per stage at each size over time per stage at 1,000 stages.
    let base = 1_000;
    if sizes.contains(&base) && sizes.len() > 1 {
        println!("\ngrowth: (time per stage) / (time per stage at {base} stages); linear stays near 1.0");
        println!("{:<8} {}", "phase", sizes.iter().map(|s| format!("{s:>10}")).collect::<String>());
        for phase in ["parse", "resolve", "check", "all", "fmt"] {
            let per_stage = |stages: usize| {
                all.iter()
                    .find(|m| m.phase == phase && m.stages == stages)
                    .map(|m| m.median.as_secs_f64() / m.stages as f64)
            };
            let Some(unit) = per_stage(base) else { continue };
            let row: String = sizes
                .iter()
                .map(|s| per_stage(*s).map_or_else(|| format!("{:>10}", "-"), |t| format!("{:>10.2}", t / unit)))
                .collect();
            println!("{phase:<8} {row}");
        }
    }
}
