//! `salesproc graph`: every example draws in Mermaid and in dot, deterministically; the dot
//! renders with Graphviz (skipped with a note when `dot` is not installed); the Mermaid is
//! checked for structure here (and, with mermaid-js installed, by its parser in an ignored
//! test); `--lint` marks what the checker finds; labels are escaped for each language.
//!
//! `cargo test -p salesproc-tests --test graph -- --ignored render_docs_svg` regenerates the
//! pictures in `docs/images/`.

use salesproc_tests::salesproc;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use salesproc_tests::{repository, root, salesproc_files, salesproc_with_input, TempDir};

fn examples() -> Vec<PathBuf> {
    let files = salesproc_files(&repository().join("examples"));
    assert!(files.len() >= 5, "the examples are there");
    files
}

fn graph(file: &Path, format: &str, lint: bool) -> String {
    let path = file.to_string_lossy();
    let mut args = vec!["graph", &path, "--format", format];
    if lint {
        args.push("--lint");
    }
    let (code, out, err) = salesproc(&args);
    assert_eq!((code, err.as_str()), (0, ""), "{}", file.display());
    out
}

/// Whether Graphviz's `dot` can be run.
fn dot_installed() -> bool {
    Command::new("dot").arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// Renders `source` with `dot -Tsvg`; the SVG, or what `dot` said.
fn render_svg(source: &str) -> Result<String, String> {
    use std::io::Write as _;
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child.stdin.take().ok_or("no stdin")?.write_all(source.as_bytes()).map_err(|e| e.to_string())?;
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() || !stderr.trim().is_empty() {
        return Err(format!("dot failed ({}): {stderr}", output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The structure of a Mermaid flowchart as `graph` writes it: every line is one of the
/// statements it emits, nodes are declared once before use, labels are quoted with nothing
/// unescaped inside. Returns (node ids, number of links).
fn check_mermaid(text: &str) -> (BTreeSet<String>, usize) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"), "{text}");
    let mut nodes = BTreeSet::new();
    let mut links = 0;
    let mut classes = BTreeSet::new();
    let id = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !s.is_empty();
    let quoted_ok = |label: &str| {
        let plain = without_entities(&label.replace("<br/>", ""));
        !plain.contains(['"', '<', '>', '|', ';', '#', '`', '\n'])
    };
    for line in lines {
        let line = line.strip_prefix("  ").unwrap_or_else(|| panic!("indented: {line:?}"));
        if line.starts_with("%% ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("classDef ") {
            let (name, style) = rest.split_once(' ').expect("classDef NAME STYLE");
            assert!(id(name) && !style.is_empty(), "{line}");
            classes.insert(name.to_string());
            continue;
        }
        if let Some(rest) = line.strip_prefix("class ") {
            let (ids, class) = rest.split_once(' ').expect("class IDS NAME");
            assert!(classes.contains(class), "class {class} is defined first: {line}");
            for node in ids.split(',') {
                assert!(nodes.contains(node), "{node} is declared before `class`: {line}");
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("linkStyle ") {
            let (indexes, _) = rest.split_once(' ').expect("linkStyle INDEXES STYLE");
            for index in indexes.split(',') {
                let index: usize = index.parse().expect("a link index");
                assert!(index < links, "linkStyle {index} refers to a link: {line}");
            }
            continue;
        }
        // A link: `a ARROW b` or `a ARROW|"label"| b`.
        let arrow = ["-->", "==>", "-.->"].iter().find_map(|arrow| line.split_once(&format!(" {arrow}")));
        if let Some((from, rest)) = arrow {
            let (label, to) = match rest.strip_prefix("|\"") {
                Some(labelled) => {
                    let (label, to) = labelled.split_once("\"| ").expect("a closed label");
                    (Some(label), to)
                }
                None => (None, rest.trim_start()),
            };
            assert!(nodes.contains(from) && nodes.contains(to), "links join declared nodes: {line}");
            if let Some(label) = label {
                assert!(quoted_ok(label), "escaped label: {line}");
            }
            links += 1;
            continue;
        }
        // A node: `id["label"]`, `id(["label"])` or `id(("label"))`.
        let open = line.find(['[', '(']).unwrap_or_else(|| panic!("a node: {line}"));
        let (name, shape) = line.split_at(open);
        assert!(id(name), "{line}");
        let label = ["[\"", "([\"", "((\""]
            .iter()
            .find_map(|start| shape.strip_prefix(start))
            .and_then(|rest| ["\"]", "\"])", "\"))"].iter().find_map(|end| rest.strip_suffix(end)))
            .unwrap_or_else(|| panic!("a quoted label: {line}"));
        assert!(quoted_ok(label), "escaped label: {line}");
        assert!(nodes.insert(name.to_string()), "declared once: {line}");
    }
    (nodes, links)
}

/// `text` without Mermaid's entity codes (`#quot;`, `#35;`).
fn without_entities(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let code = after.chars().take_while(char::is_ascii_alphanumeric).count();
        if code > 0 && after[code..].starts_with(';') {
            rest = &after[code + 1..];
        } else {
            out.push('#');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn every_example_draws_deterministically_in_both_languages() {
    for file in examples() {
        let text = std::fs::read_to_string(&file).unwrap();
        let model = salesproc_parser::analyze(&text).model.expect("the examples are clean");
        let process = model.process.as_ref().expect("a process");
        for lint in [false, true] {
            let mermaid = graph(&file, "mermaid", lint);
            assert_eq!(mermaid, graph(&file, "mermaid", lint), "deterministic");
            let (nodes, links) = check_mermaid(&mermaid);
            assert_eq!(
                nodes.len(),
                process.stages.len() + 1,
                "{}: a node per stage and the start point",
                file.display()
            );
            assert_eq!(links, process.graph.0.edge_count() + process.starts.len(), "{}", file.display());
            for stage in &process.stages {
                assert!(nodes.contains(&format!("s_{}", stage.name)));
            }
            let dot = graph(&file, "dot", lint);
            assert_eq!(dot, graph(&file, "dot", lint), "deterministic");
            assert!(dot.starts_with("digraph process {\n") && dot.ends_with("}\n"));
            // The examples are clean: nothing to highlight.
            assert!(
                !mermaid.contains("unreachable") && !mermaid.contains("dead end") && !mermaid.contains("never fires")
            );
        }
    }
}

#[test]
fn every_example_renders_with_graphviz() {
    if !dot_installed() {
        eprintln!("note: Graphviz `dot` is not installed (apt-get install graphviz); skipping the rendering check");
        return;
    }
    for file in examples() {
        for lint in [false, true] {
            let svg = render_svg(&graph(&file, "dot", lint)).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert!(svg.contains("<svg") && svg.contains("</svg>"), "{}", file.display());
        }
    }
}

#[test]
fn the_saas_example_is_drawn_as_documented() {
    let file = repository().join("examples/saas_startup.salesproc");
    let mermaid = graph(&file, "mermaid", false);
    // Title, owner and probability on every node; start point; won and lost styled apart.
    assert!(mermaid.contains("  s_inbound[\"Inbound capture<br/>owner: sdr · 5%\"]\n"), "{mermaid}");
    assert!(mermaid.contains("  start_point --> s_inbound\n"), "{mermaid}");
    assert!(mermaid.contains("  s_closed_won([\"Closed Won<br/>won · 100%\"])\n"), "{mermaid}");
    assert!(mermaid.contains("  class s_closed_won won\n") && mermaid.contains("  class s_closed_lost lost\n"));
    // Advance solid and thick, route dashed; handoffs name the next owner, SLAs as written.
    assert!(mermaid.contains("  s_inbound ==>|\"within 4h\"| s_qualification\n"), "{mermaid}");
    assert!(mermaid.contains("  s_inbound -.->|\"handoff to marketing · within 1d\"| s_nurture\n"), "{mermaid}");
    assert!(mermaid.contains("  s_inbound -.-> s_closed_lost\n"), "{mermaid}");
    let dot = graph(&file, "dot", false);
    assert!(
        dot.contains("\"stage:inbound\" -> \"stage:qualification\" [style=solid, penwidth=1.8, label=\"within 4h\"];"),
        "{dot}"
    );
    assert!(dot.contains("\"start\" -> \"stage:inbound\""), "{dot}");
    assert!(dot.contains("peripheries=2"), "{dot}");
}

#[test]
fn lint_highlights_unreachable_stages_dead_ends_and_dead_transitions() {
    let file = root().join("fixtures/dead_end_stage/fires_all_dead.salesproc");
    let mermaid = graph(&file, "mermaid", true);
    assert!(mermaid.contains("s_security_review[\"Security review<br/>owner: ae · 50%<br/>(dead end)\"]"), "{mermaid}");
    assert!(mermaid.contains("  class s_security_review deadend\n"), "{mermaid}");
    assert!(mermaid.contains("s_security_review ==>|\"never fires\"| s_closing"), "{mermaid}");
    assert!(mermaid.contains("  linkStyle 4,5 stroke:#d32f2f"), "{mermaid}");
    let plain = graph(&file, "mermaid", false);
    assert!(!plain.contains("dead end") && !plain.contains("never fires"), "only with --lint: {plain}");
    let dot = graph(&file, "dot", true);
    assert!(dot.contains("(dead end)") && dot.contains("label=\"never fires\""), "{dot}");

    let file = root().join("fixtures/unreachable_stage/fires_no_way_in.salesproc");
    let mermaid = graph(&file, "mermaid", true);
    assert!(mermaid.contains("(unreachable)") && mermaid.contains("class s_"), "{mermaid}");
    assert!(mermaid.contains("classDef unreachable"), "{mermaid}");
    if dot_installed() {
        render_svg(&graph(&file, "dot", true)).unwrap();
    }
}

const NASTY: &str = r#"process "A \"quoted\" <process> & #1 | end; `x` \\N \n second line" {
  role end "The \"end\" role <b>"
  field x: bool
  start stage end "Stage \"end\" <i>x</i> #1 | a;b {c} [d] (e) \n line2 \\ back" {
    owner end
    probability 12.5%
    goal "Goal with \"quotes\" and \\N and <tags>"
    requires x
    exit when x
    advance to graph within 90m when x
    route to style owner end within 14d when not x
  }
  stage graph "subgraph" { owner end; probability 50%; requires x; advance to style }
  stage style { terminal won }
  stage lost { terminal lost }
}
"#;

#[test]
fn labels_are_escaped_for_each_language() {
    let dir = TempDir::new("graph-escape");
    let file = dir.write("nasty.salesproc", NASTY);
    let mermaid = graph(&file, "mermaid", true);
    check_mermaid(&mermaid);
    assert!(mermaid.contains(
        "  s_end[\"Stage #quot;end#quot; #lt;i#gt;x#lt;/i#gt; #35;1 #124; a#59;b {c} [d] (e) <br/> line2 \\ back<br/>owner: end · 12.5%\"]"
    ), "{mermaid}");
    assert!(mermaid.contains("  s_graph[\"subgraph<br/>"), "reserved words are safe as labels and ids: {mermaid}");
    let dot = graph(&file, "dot", true);
    assert!(dot.contains(
        "\"stage:end\" [label=\"Stage \\\"end\\\" <i>x</i> #1 | a;b {c} [d] (e) \\n line2 \\\\ back\\nowner: end · 12.5%\", tooltip=\"Goal with \\\"quotes\\\" and \\\\\\\\N and <tags>\""
    ), "{dot}");
    if dot_installed() {
        let svg = render_svg(&dot).unwrap();
        // The label's text reaches the picture literally (XML-escaped), `\N` not expanded.
        assert!(svg.contains("Stage &quot;end&quot; &lt;i&gt;x&lt;/i&gt; #1 | a;b {c} [d] (e) "), "{svg}");
        // `\N` stays literal in the tooltip: never the node's name.
        assert!(svg.contains("and \\N and") || svg.contains("and \\\\N and"), "{svg}");
        assert!(!svg.contains("and stage:end and"), "{svg}");
    }
}

#[test]
fn errors_are_reported_with_their_exit_codes() {
    let dir = TempDir::new("graph-errors");
    let broken = dir.write("broken.salesproc", "process \"P\" {\n  stage a { advance to nowhere }\n}\n");
    let (code, out, err) = salesproc(&["graph", &broken.to_string_lossy()]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("undefined-reference") && err.contains("fix them first"), "{err}");
    let roles = dir.write("roles.salesproc", "role ae \"Account Executive\"\n");
    let (code, _, err) = salesproc(&["graph", &roles.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(err.contains("no process block to draw"), "{err}");
    let (code, _, err) = salesproc(&["graph", "/no/such/file.salesproc"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read `/no/such/file.salesproc`"), "{err}");
    let (code, _, err) = salesproc(&["graph", &dir.path().to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(err.contains("is a directory"), "{err}");
    let (code, out, _) = salesproc_with_input(&["graph", "-", "--format", "dot"], NASTY.as_bytes());
    assert_eq!(code, 0);
    assert!(out.starts_with("digraph process {"));
}

#[test]
fn the_committed_picture_shows_the_saas_example() {
    let svg = std::fs::read_to_string(repository().join("docs/images/saas_startup.svg"))
        .expect("docs/images/saas_startup.svg is committed (see render_docs_svg)");
    let text = std::fs::read_to_string(repository().join("examples/saas_startup.salesproc")).unwrap();
    let model = salesproc_parser::analyze(&text).model.unwrap();
    for stage in &model.process.as_ref().unwrap().stages {
        let title = stage.title.as_deref().unwrap_or(&stage.name);
        let shown = svg.replace("&#45;", "-").replace("&amp;", "&");
        assert!(shown.contains(title), "the picture shows `{title}`; regenerate it with render_docs_svg");
    }
}

/// Regenerates `docs/images/saas_startup.svg` (and the lint example) with Graphviz:
/// `cargo test -p salesproc-tests --test graph -- --ignored render_docs_svg`.
#[test]
#[ignore]
fn render_docs_svg() {
    assert!(dot_installed(), "Graphviz `dot` is needed: apt-get install graphviz");
    let images = repository().join("docs/images");
    std::fs::create_dir_all(&images).unwrap();
    let pictures = [
        (repository().join("examples/saas_startup.salesproc"), "saas_startup.svg", false),
        (root().join("fixtures/dead_end_stage/fires_all_dead.salesproc"), "lint_dead_end.svg", true),
    ];
    for (file, name, lint) in pictures {
        let svg = render_svg(&graph(&file, "dot", lint)).unwrap();
        std::fs::write(images.join(name), svg).unwrap();
        println!("wrote docs/images/{name}");
    }
}

/// Parses the Mermaid output of every example with mermaid-js itself (v11, under jsdom). Needs
/// `npm install mermaid jsdom` in the directory named by `SALESPROC_MERMAID_MODULES`:
/// `SALESPROC_MERMAID_MODULES=/tmp/mm cargo test -p salesproc-tests --test graph -- --ignored mermaid`.
#[test]
#[ignore]
fn mermaid_js_parses_every_example() {
    let Some(modules) = std::env::var_os("SALESPROC_MERMAID_MODULES") else {
        eprintln!("note: set SALESPROC_MERMAID_MODULES to a directory with mermaid and jsdom installed");
        return;
    };
    let dir = TempDir::new("mermaid");
    let mut files = Vec::new();
    let mut inputs = examples();
    inputs.push(root().join("fixtures/dead_end_stage/fires_all_dead.salesproc"));
    inputs.push(dir.write("nasty.salesproc", NASTY));
    for (i, file) in inputs.iter().enumerate() {
        files.push(dir.write(&format!("{i}.mmd"), &graph(file, "mermaid", true)));
    }
    let script = dir.write(
        "check.mjs",
        "import { JSDOM } from 'jsdom';\nimport fs from 'fs';\n\
         const dom = new JSDOM('<!doctype html><html><body></body></html>');\n\
         globalThis.window = dom.window; globalThis.document = dom.window.document;\n\
         const { default: mermaid } = await import('mermaid');\n\
         mermaid.initialize({ startOnLoad: false });\n\
         for (const f of process.argv.slice(2)) { await mermaid.parse(fs.readFileSync(f, 'utf8')); }\n",
    );
    let target = PathBuf::from(modules).join("salesproc-check.mjs");
    std::fs::copy(&script, &target).unwrap();
    let output = Command::new("node").arg(&target).args(&files).output().expect("node runs");
    let _ = std::fs::remove_file(&target);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
