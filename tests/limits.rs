//! Resource limits: hostile sizes are checked in bounded stack and linear memory, and either
//! check or give a diagnostic; files over the size limit are refused before they are read.
//!
//! Every check here runs on a thread with a 2 MiB stack (what `salesproc check` gives each of
//! its worker threads, a quarter of a main thread's), so a recursion over the input that is not
//! bounded would overflow it. A counting global allocator gives the most heap each check held at once, which
//! must stay within a fixed multiple of the input's size. See `docs/robustness.md`.

use std::ffi::OsString;
use std::sync::Mutex;

use salesproc_checker::Options;
use salesproc_cli::check::{check_bytes, check_text};
use salesproc_parser::Diagnostic;
use salesproc_tests::options;

#[global_allocator]
static HEAP: salesproc_gen::heap::Counting = salesproc_gen::heap::Counting;

/// Every test of this file runs alone: the heap counts are global, so another test allocating
/// (building a 20 MB input, say) while one measures would be counted against it.
static SERIAL: Mutex<()> = Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Measured sections run one at a time: the counts are global.
static MEASURING: Mutex<()> = Mutex::new(());

/// The stack every check runs on: 2 MiB, what every thread std spawns gets unless told
/// otherwise, and so what each of `salesproc check`'s worker threads has. A criterion nested
/// at the limit (64 parentheses) takes about 1 MiB of it in a debug build and a tenth of that
/// in a release build (`docs/robustness.md`); every input size, however large, takes no more.
const STACK: usize = 2 * 1024 * 1024;

/// The most heap a check may hold at once, as a multiple of its input's size. A realistic
/// process takes about 12 times its size (`docs/performance.md`); the densest inputs here (a
/// stage in 60 bytes, a token in 4) take up to about 55 times, mostly the syntax tree and the
/// model, which are linear in the number of statements. Linearity itself is checked by
/// [`assert_linear`].
const MAX_HEAP_PER_BYTE: usize = 80;

/// Runs `f` on a thread with a [`STACK`]-byte stack; returns its result and the most heap it
/// held at once above what was live before.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> (T, usize) {
    let _guard = MEASURING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = salesproc_gen::heap::start();
    let result = std::thread::Builder::new()
        .name("small-stack".into())
        .stack_size(STACK)
        .spawn(f)
        .expect("a thread")
        .join()
        .expect("the check must not panic");
    (result, salesproc_gen::heap::peak_since(before))
}

/// Checks `text` end to end (front end, rules, suppressions) on a small stack; asserts the
/// heap it took was at most [`MAX_HEAP_PER_BYTE`] times its size; returns the diagnostics and
/// the heap it took.
fn measure(what: &str, text: String) -> (Vec<Diagnostic>, usize) {
    let size = text.len();
    let (found, peak) = on_small_stack(move || check_text(&text, &options()));
    assert!(
        peak <= MAX_HEAP_PER_BYTE * size.max(64 * 1024),
        "{what}: {:.1} MB of heap for {:.1} MB of input",
        peak as f64 / 1e6,
        size as f64 / 1e6
    );
    (found, peak)
}

fn check_hostile(what: &str, text: String) -> Vec<Diagnostic> {
    measure(what, text).0
}

/// Checks `make(n)` and `make(n / 2)`: the first may take at most 2.5 times the heap of the
/// second (2 for linear growth, with room for vectors that double their capacity). Returns the
/// diagnostics for `make(n)`.
fn assert_linear(what: &str, n: usize, make: impl Fn(usize) -> String) -> Vec<Diagnostic> {
    let (_, half) = measure(what, make(n / 2));
    let (found, full) = measure(what, make(n));
    assert!(
        full as f64 <= 2.5 * half as f64,
        "{what}: {:.1} MB of heap at {n}, {:.1} MB at {}",
        full as f64 / 1e6,
        half as f64 / 1e6,
        n / 2
    );
    found
}

fn rules(found: &[Diagnostic]) -> Vec<&'static str> {
    found.iter().map(|d| d.rule).collect()
}

/// A clean process whose one open stage exits when `criterion` holds (`ok` is a bool field it
/// captures), with `extra` statements in that stage.
fn process_with(criterion: &str, extra: &str) -> String {
    format!(
        "process \"P\" {{\n  owner r\n  role r\n  field ok: bool\n  start stage a {{\n    owner r\n    probability 10%\n{extra}    activity record \"Record\" {{ outcome \"ok recorded\"; captures ok }}\n    exit when {criterion}\n    advance to won\n    route to lost\n  }}\n  stage won {{ terminal won }}\n  stage lost {{ terminal lost }}\n}}\n"
    )
}

#[test]
fn the_base_process_checks_clean() {
    let _alone = alone();
    assert_eq!(rules(&check_hostile("base", process_with("ok", ""))), Vec::<&str>::new());
}

#[test]
fn parentheses_nested_100_000_deep() {
    let _alone = alone();
    let depth = 100_000;
    let nested = format!("{}ok{}", "(".repeat(depth), ")".repeat(depth));
    let found = check_hostile("parentheses", process_with(&nested, ""));
    assert_eq!(rules(&found), ["syntax-error"], "{found:?}");
    assert!(found[0].message.contains("more than 64 deep"), "{}", found[0].message);

    // `not (` and `and (` nest the same way, and the same bound stops them.
    let nots = format!("{}ok{}", "not (".repeat(depth), ")".repeat(depth));
    assert_eq!(rules(&check_hostile("not (", process_with(&nots, ""))), ["syntax-error"]);
    let ands = format!("{}ok{}", "ok and (".repeat(depth), ")".repeat(depth));
    assert_eq!(rules(&check_hostile("and (", process_with(&ands, ""))), ["syntax-error"]);

    // Never closed: one error, and the lines after it are read again.
    let open = process_with(&"(".repeat(depth), "");
    let found = check_hostile("unclosed", open);
    assert!(found.iter().any(|d| d.message.contains("is never closed")), "{found:?}");
}

#[test]
fn nesting_at_the_limit_checks_on_a_small_stack() {
    let _alone = alone();
    let depth = salesproc_parser::MAX_PAREN_DEPTH;
    let nested = format!("{}not ok or ok{}", "(ok and ".repeat(depth - 1) + "(", ")".repeat(depth));
    assert_eq!(rules(&check_hostile("at the limit", process_with(&nested, ""))), Vec::<&str>::new());
}

#[test]
fn not_repeated_100_000_times() {
    let _alone = alone();
    let even = |n: usize| process_with(&format!("{}ok", "not ".repeat(n)), "");
    assert_eq!(rules(&assert_linear("even nots", 100_000, even)), Vec::<&str>::new());
    // An odd count leaves `not ok`, which can still hold: the process is still clean.
    let odd = format!("{}ok", "not ".repeat(100_001));
    assert_eq!(rules(&check_hostile("odd nots", process_with(&odd, ""))), Vec::<&str>::new());
    // Against `ok` itself the odd chain contradicts: the solver says so, and `won` is cut off.
    let contradiction = format!("ok and {}ok", "not ".repeat(100_001));
    let found = check_hostile("contradiction", process_with(&contradiction, ""));
    assert_eq!(rules(&found), ["unreachable-stage", "unsatisfiable-criteria", "no-won-stage"]);
}

#[test]
fn a_string_literal_of_20_mb() {
    let _alone = alone();
    let unit = "é and \\\"quoted\\\" ";
    let goal = |bytes: usize| process_with("ok", &format!("    goal \"{}\"\n", unit.repeat(bytes / unit.len() + 1)));
    assert!(goal(20_000_000).len() > 20_000_000);
    assert_eq!(rules(&assert_linear("20 MB string", 20_000_000, goal)), Vec::<&str>::new());
    // Unterminated, it is one error.
    let open = format!("    goal \"{}\n", "x".repeat(20_000_000));
    assert_eq!(rules(&check_hostile("unterminated", process_with("ok", &open))), ["invalid-literal"]);
}

/// `stages` stages `s0 → s1 → … → won`, one line each, every one with a way to lost.
fn chain(stages: usize) -> String {
    let mut text = String::with_capacity(stages * 80);
    text.push_str("process \"Chain\" {\n  owner r\n  role r\n  field ok: bool\n");
    for i in 0..stages {
        let next = if i + 1 == stages { "won".to_string() } else { format!("s{}", i + 1) };
        text.push_str(&format!(
            "  stage s{i} {{ owner r; probability 10%; requires ok; advance to {next}; route to lost }}\n"
        ));
    }
    text.push_str("  stage won { terminal won }\n  stage lost { terminal lost }\n}\n");
    text
}

#[test]
fn a_hundred_thousand_stages() {
    let _alone = alone();
    let found = assert_linear("100,000 stages", 100_000, chain);
    // More than 12 open stages: the one warning.
    assert_eq!(rules(&found), ["process-too-complex"], "{:?}", found.first());
    assert!(found[0].message.contains("100000 open stages"), "{}", found[0].message);
}

#[test]
fn a_line_of_10_mb() {
    let _alone = alone();
    // A whole process on one line: about 130,000 one-line stages.
    let one_line = |bytes: usize| {
        let mut line = String::from("process \"P\" { owner r; role r; field ok: bool");
        let mut i = 0;
        while line.len() < bytes {
            line.push_str(&format!("; stage s{i} {{ owner r; requires ok; advance to s{} ; route to lost }}", i + 1));
            i += 1;
        }
        line.push_str(&format!("; stage s{i} {{ terminal won }}; stage lost {{ terminal lost }} }}\n"));
        line
    };
    let found = assert_linear("one-line process", 10_000_000, one_line);
    assert_eq!(rules(&found), ["process-too-complex"], "{:?}", found.first());

    // Ten megabytes of one statement that means nothing: one error, with a short message.
    let junk = format!("process \"P\" {{\n  {}\n}}\n", "x ".repeat(5_000_000));
    let found = check_hostile("junk line", junk);
    assert_eq!(rules(&found), ["syntax-error"]);
    assert!(found[0].message.len() < 1_000, "{} bytes of message", found[0].message.len());

    // A comment of 10 MB is nothing at all.
    let comment = format!("# {}\n{}", "x".repeat(10_000_000), process_with("ok", ""));
    assert_eq!(rules(&check_hostile("comment", comment)), Vec::<&str>::new());
}

#[test]
fn many_diagnostics_on_one_long_line_render_in_linear_time() {
    let _alone = alone();
    // 20,000 unused roles on one line of 250 kB: the short and JSON formats find each
    // diagnostic's column from a nearby checkpoint instead of the start of the line (it used
    // to be quadratic: 14 MB of them took more than 100 s).
    let text =
        format!("process \"P\" {{ {} }}\n", (0..20_000).map(|i| format!("role r{i}")).collect::<Vec<_>>().join("; "));
    let dir = scratch("long-line");
    let path = dir.join("roles.salesproc");
    std::fs::write(&path, &text).expect("write");
    let started = std::time::Instant::now();
    let (code, out, _) = salesproc(&["check", "--format", "short", &path.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(out.lines().filter(|l| l.contains("warning[unused-role]")).count() == 20_000);
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    assert!(out.lines().last().is_some_and(|l| l.contains(":1:")));
}

#[test]
fn a_suppression_on_every_line() {
    let _alone = alone();
    // 100,000 roles, each with its own suppression comment: each diagnostic is matched
    // against the suppressions of its line only (matching against all of them took 2 s for
    // 40,000 in a release build, and grew with the square).
    let roles: String = (0..100_000).map(|i| format!("  role r{i} # salesproc: allow(unused-role)\n")).collect();
    let text = format!("process \"P\" {{\n  owner r0\n{roles}}}\n");
    let started = std::time::Instant::now();
    let found = check_hostile("suppressions", text);
    // `r0` owns the process, so its suppression suppresses nothing; no other role is reported.
    assert_eq!(rules(&found), ["no-won-stage", "missing-terminal-lost", "unused-suppression"]);
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

/// A fresh directory under the target directory for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("salesproc-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn salesproc(args: &[&str]) -> (u8, String, String) {
    let mut argv: Vec<OsString> = vec!["salesproc".into()];
    argv.extend(args.iter().map(OsString::from));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = salesproc_cli::run_with_input(argv, &mut std::io::empty(), &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

#[test]
fn files_over_the_size_limit_are_refused_before_they_are_read() {
    let _alone = alone();
    let limit = salesproc_cli::input::MAX_FILE_SIZE;
    let dir = scratch("too-large");
    let path = dir.join("huge.salesproc");
    // A sparse file: it takes no disk space, and reading it would take 64 MiB of memory.
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(limit + 1).expect("set_len");
    drop(file);

    let shown = path.to_string_lossy().into_owned();
    let ((code, out, err), peak) = on_small_stack(move || salesproc(&["check", "--format", "short", &shown]));
    assert!(peak < 4 * 1024 * 1024, "{peak} bytes of heap: the file was read");
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("MiB, more than the 64 MiB salesproc reads; it was not read"), "{out}{err}");

    // At the limit exactly it is read (and, being all zero bytes, is not a process).
    let file = std::fs::OpenOptions::new().write(true).open(&path).expect("open");
    file.set_len(limit).expect("set_len");
    drop(file);
    let bytes = salesproc_cli::input::read_file(&path).expect("a file of exactly the limit is read");
    assert_eq!(bytes.len() as u64, limit);
    let report = check_bytes("huge.salesproc", &bytes, &Options::default());
    assert!(!report.diagnostics.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn standard_input_over_the_size_limit_is_refused() {
    let _alone = alone();
    let limit = salesproc_cli::input::MAX_FILE_SIZE;
    let mut input = std::io::Read::take(std::io::repeat(b' '), limit + 2);
    let error = salesproc_cli::input::read_stdin(&mut input).expect_err("refused");
    assert!(error.describe("standard input").contains("more than the 64 MiB"), "{}", error.describe("standard input"));
}

#[test]
fn a_diagnostic_past_column_65_535_renders_in_the_human_format() {
    let _alone = alone();
    // miette pads a label with `{:width$}`, and a width past `u16::MAX` panics ("Formatting
    // argument out of range", miette 7.6.0 graphical.rs:1159); render/human.rs shows no snippet
    // for lines that long, and says where in the message instead.
    let dir = scratch("wide");
    let path = dir.join("wide.salesproc");
    std::fs::write(&path, format!("process \"P\" {{ description \"{}\"; role r }}\n", "x".repeat(70_000)))
        .expect("write");
    let shown = path.to_string_lossy().into_owned();
    let ((code, out, _), _) = on_small_stack(move || salesproc(&["check", "--color", "never", &shown]));
    assert_eq!(code, 1);
    assert!(out.contains("unused-role"), "{out}");
    assert!(out.contains(":1:70036; the line is too long to show"), "{out}");
}
