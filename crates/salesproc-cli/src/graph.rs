//! `salesproc graph`: a process drawn as a diagram, in Mermaid (which GitHub renders in
//! markdown) or Graphviz dot (`dot -Tsvg`).
//!
//! Stages are nodes labelled with their title, owner and probability; start stages are marked
//! with an arrow from a `start` point and a thick border; won and lost terminals are green and
//! red. `advance` edges are solid and thick, `route` edges dashed. An edge is labelled with the
//! next owner when the deal changes hands (`handoff to ae`) and with its SLA (`within 2d`).
//! With `--lint`, unreachable stages are greyed and dashed, dead ends outlined in red, and
//! transitions that can never fire drawn dotted red and labelled `never fires`, using the
//! checker's own analysis.
//!
//! The output depends only on the file: stages and transitions come in source order.

use std::fmt::Write as _;
use std::io::{Read, Write};

use salesproc_checker::context::Context;
use salesproc_checker::Options;
use salesproc_parser::model::{Model, Process, TerminalKind};
use salesproc_parser::syntax::TransitionKind;
use salesproc_parser::Loc;

use crate::args::{GraphArgs, GraphFormat};
use crate::load::{load_model, stderr_color};
use crate::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};

/// Runs `graph`: 0 on success, 1 when the file has errors or no process, 2 when it cannot be
/// read.
pub fn run(args: &GraphArgs, input: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let loaded = match load_model(&args.file, input, err, stderr_color(args.color)) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let Some(process) = &loaded.model.process else {
        let _ = writeln!(
            err,
            "salesproc: `{}` declares roles and fields only: it has no process block to draw",
            loaded.shown
        );
        return EXIT_FINDINGS;
    };
    let diagram = Diagram::new(&loaded.model, process, &loaded.text, args.lint);
    let text = match args.format {
        GraphFormat::Mermaid => diagram.mermaid(),
        GraphFormat::Dot => diagram.dot(),
    };
    match out.write_all(text.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(_) => EXIT_FAILURE,
    }
}

/// A process ready to be drawn, in any diagram language.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagram {
    /// The process name.
    pub title: String,
    /// One node per stage, in source order.
    pub nodes: Vec<Node>,
    /// One edge per transition, in source order.
    pub edges: Vec<Edge>,
}

/// A stage as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The stage's identifier.
    pub name: String,
    /// Its title, or its identifier when it has none.
    pub title: String,
    /// The line under the title: owner and probability (`owner: ae · 20%`), or for a terminal
    /// stage `won · 100%` / `lost · 0%`.
    pub details: String,
    /// `terminal won` or `terminal lost`.
    pub terminal: Option<TerminalKind>,
    /// A start stage (marked `start`, or the first stage when none is).
    pub start: bool,
    /// With `--lint`: no deal can reach it.
    pub unreachable: bool,
    /// With `--lint`: deals can reach it but never leave (not terminal, no transition can fire).
    pub dead_end: bool,
    /// The stage's goal, shown on hover where the format allows.
    pub goal: Option<String>,
}

/// A transition as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// The stage it leaves.
    pub from: String,
    /// The stage it goes to.
    pub to: String,
    /// `advance` (solid) or `route` (dashed).
    pub kind: TransitionKind,
    /// The parts of its label: `never fires`, `handoff to ae`, `within 2d`.
    pub label: Vec<String>,
    /// With `--lint`: its guard can never hold.
    pub never_fires: bool,
    /// Its own `when` criterion, shown on hover where the format allows.
    pub when: Option<String>,
}

impl Diagram {
    /// The diagram of `process` in `model`, read from `text` (for durations and percentages as
    /// written). With `lint`, the checker's analysis marks unreachable stages, dead ends and
    /// transitions that can never fire.
    pub fn new(model: &Model, process: &Process, text: &str, lint: bool) -> Diagram {
        let options = Options::default();
        let context = lint.then(|| Context::new(model, process, &options));
        let live = |index: usize| context.as_ref().is_none_or(|cx| cx.live.get(index).copied().unwrap_or(true));
        let role_name = |id: salesproc_parser::model::RoleId| model.role(id).name.clone();
        let nodes = process
            .stages
            .iter()
            .map(|stage| {
                let probability = match stage.probability {
                    Some(p) => Some(written(text, p.loc).map_or_else(|| percent(p.value), str::to_string)),
                    None => stage.effective_probability().map(percent),
                };
                let mut details = Vec::new();
                match stage.terminal {
                    Some(TerminalKind::Won) => details.push("won".to_string()),
                    Some(TerminalKind::Lost) => details.push("lost".to_string()),
                    None => details.push(match stage.owner {
                        Some(owner) => format!("owner: {}", role_name(owner.role)),
                        None => "no owner".to_string(),
                    }),
                }
                details.extend(probability);
                let reachable =
                    context.as_ref().is_none_or(|cx| cx.reachable.get(stage.id.index()).copied().unwrap_or(true));
                let dead_end = context.is_some()
                    && reachable
                    && stage.terminal.is_none()
                    && stage.transitions.iter().all(|t| !live(t.0.index()));
                Node {
                    name: stage.name.clone(),
                    title: stage.title.clone().unwrap_or_else(|| stage.name.clone()),
                    details: details.join(" · "),
                    terminal: stage.terminal,
                    start: process.starts.contains(&stage.id),
                    unreachable: !reachable,
                    dead_end,
                    goal: stage.goal.clone(),
                }
            })
            .collect();
        let edges = process
            .transitions()
            .map(|(id, transition)| {
                let never_fires = !live(id.0.index());
                let mut label = Vec::new();
                if never_fires {
                    label.push("never fires".to_string());
                }
                if process.is_handoff(transition) {
                    label.push(match process.transition_owner(transition) {
                        Some(owner) => format!("handoff to {}", role_name(owner)),
                        None => "handoff to no owner".to_string(),
                    });
                }
                if let Some(within) = transition.within {
                    let duration = written(text, within.loc)
                        .and_then(|clause| clause.split_whitespace().last())
                        .map_or_else(|| minutes(within.value), str::to_string);
                    label.push(format!("within {duration}"));
                }
                Edge {
                    from: process.stage(transition.from).name.clone(),
                    to: process.stage(transition.to).name.clone(),
                    kind: transition.kind,
                    label,
                    never_fires,
                    when: transition.when.as_ref().map(|w| format!("when {}", w.display(model))),
                }
            })
            .collect();
        Diagram { title: process.name.clone(), nodes, edges }
    }

    /// The diagram as a Mermaid flowchart (without the ```` ```mermaid ```` fence).
    pub fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        let _ = writeln!(out, "  %% {}", self.title.replace(['\n', '\r'], " "));
        let starts: Vec<&Node> = self.nodes.iter().filter(|n| n.start).collect();
        if !starts.is_empty() {
            out.push_str("  start_point((\"start\"))\n");
        }
        for node in &self.nodes {
            let mut label = mermaid_text(&node.title);
            label.push_str("<br/>");
            label.push_str(&mermaid_text(&node.details));
            if node.unreachable {
                label.push_str("<br/>(unreachable)");
            }
            if node.dead_end {
                label.push_str("<br/>(dead end)");
            }
            let (open, close) = if node.terminal.is_some() { ("([", "])") } else { ("[", "]") };
            let _ = writeln!(out, "  s_{}{open}\"{label}\"{close}", node.name);
        }
        let mut links = 0;
        for node in &starts {
            let _ = writeln!(out, "  start_point --> s_{}", node.name);
            links += 1;
        }
        let mut never = Vec::new();
        for edge in &self.edges {
            let arrow = match edge.kind {
                TransitionKind::Advance => "==>",
                TransitionKind::Route => "-.->",
            };
            let label = if edge.label.is_empty() {
                String::new()
            } else {
                format!("|\"{}\"|", mermaid_text(&edge.label.join(" · ")))
            };
            let _ = writeln!(out, "  s_{} {arrow}{label} s_{}", edge.from, edge.to);
            if edge.never_fires {
                never.push(links.to_string());
            }
            links += 1;
        }
        let classes: [(&str, &str, Vec<&Node>); 5] = [
            ("start", "stroke-width:3px", starts.clone()),
            ("won", "fill:#d8f0dc,stroke:#2e7d32,color:#1b5e20", self.of(|n| n.terminal == Some(TerminalKind::Won))),
            ("lost", "fill:#f9dcdc,stroke:#c62828,color:#8e1c1c", self.of(|n| n.terminal == Some(TerminalKind::Lost))),
            (
                "unreachable",
                "fill:#eeeeee,stroke:#9e9e9e,stroke-dasharray:5 3,color:#757575",
                self.of(|n| n.unreachable),
            ),
            ("deadend", "fill:#fff3cd,stroke:#d32f2f,stroke-width:3px", self.of(|n| n.dead_end)),
        ];
        if !starts.is_empty() {
            out.push_str("  classDef startpoint fill:#37474f,stroke:#37474f,color:#ffffff\n");
            out.push_str("  class start_point startpoint\n");
        }
        for (class, style, nodes) in &classes {
            if nodes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  classDef {class} {style}");
            let ids: Vec<String> = nodes.iter().map(|n| format!("s_{}", n.name)).collect();
            let _ = writeln!(out, "  class {} {class}", ids.join(","));
        }
        if !never.is_empty() {
            let _ = writeln!(out, "  linkStyle {} stroke:#d32f2f,stroke-dasharray:2 3,color:#d32f2f", never.join(","));
        }
        out
    }

    fn of(&self, keep: impl Fn(&Node) -> bool) -> Vec<&Node> {
        self.nodes.iter().filter(|n| keep(n)).collect()
    }

    /// The diagram as a Graphviz dot graph.
    pub fn dot(&self) -> String {
        let mut out = String::from("digraph process {\n");
        let _ = writeln!(
            out,
            "  graph [rankdir=LR, label=\"{}\", labelloc=t, fontname=\"Helvetica\", fontsize=14, nodesep=0.35, ranksep=0.55];",
            dot_text(&self.title)
        );
        out.push_str(
            "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#455a64\", fontname=\"Helvetica\", fontsize=11];\n",
        );
        out.push_str("  edge [color=\"#455a64\", fontname=\"Helvetica\", fontsize=9];\n");
        let starts: Vec<&Node> = self.nodes.iter().filter(|n| n.start).collect();
        if !starts.is_empty() {
            out.push_str(
                "  \"start\" [shape=circle, label=\"start\", fillcolor=\"#37474f\", color=\"#37474f\", fontcolor=\"#ffffff\", fontsize=9, width=0.55, fixedsize=true];\n",
            );
        }
        for node in &self.nodes {
            let mut label = format!("{}\\n{}", dot_text(&node.title), dot_text(&node.details));
            let mut attributes = Vec::new();
            match node.terminal {
                Some(TerminalKind::Won) => attributes.push("fillcolor=\"#d8f0dc\", color=\"#2e7d32\", peripheries=2"),
                Some(TerminalKind::Lost) => attributes.push("fillcolor=\"#f9dcdc\", color=\"#c62828\", peripheries=2"),
                None => {}
            }
            if node.start {
                attributes.push("penwidth=2.5");
            }
            if node.unreachable {
                label.push_str("\\n(unreachable)");
                attributes.push(
                    "style=\"rounded,filled,dashed\", fillcolor=\"#eeeeee\", color=\"#9e9e9e\", fontcolor=\"#757575\"",
                );
            }
            if node.dead_end {
                label.push_str("\\n(dead end)");
                attributes.push("fillcolor=\"#fff3cd\", color=\"#d32f2f\", penwidth=3");
            }
            let tooltip = node.goal.as_deref().unwrap_or(&node.title);
            let _ = writeln!(
                out,
                "  \"stage:{}\" [label=\"{label}\", tooltip=\"{}\"{}{}];",
                node.name,
                dot_tooltip(tooltip),
                if attributes.is_empty() { "" } else { ", " },
                attributes.join(", ")
            );
        }
        for node in &starts {
            let _ = writeln!(out, "  \"start\" -> \"stage:{}\" [color=\"#37474f\"];", node.name);
        }
        for edge in &self.edges {
            let mut attributes = vec![match edge.kind {
                TransitionKind::Advance => "style=solid, penwidth=1.8".to_string(),
                TransitionKind::Route => "style=dashed".to_string(),
            }];
            if !edge.label.is_empty() {
                attributes.push(format!("label=\"{}\"", dot_text(&edge.label.join(" · "))));
            }
            if let Some(when) = &edge.when {
                attributes.push(format!("tooltip=\"{}\"", dot_tooltip(when)));
            }
            if edge.never_fires {
                attributes.push("color=\"#d32f2f\", fontcolor=\"#d32f2f\", style=dotted, penwidth=1.8".to_string());
            }
            let _ = writeln!(out, "  \"stage:{}\" -> \"stage:{}\" [{}];", edge.from, edge.to, attributes.join(", "));
        }
        out.push_str("}\n");
        out
    }
}

/// The text at `loc` in `text`.
fn written(text: &str, loc: Loc) -> Option<&str> {
    text.get(loc.start..loc.end)
}

fn percent(value: f64) -> String {
    format!("{value}%")
}

/// A duration in minutes in the largest unit that divides it.
fn minutes(value: u64) -> String {
    match value {
        0 => "0m".to_string(),
        v if v % (7 * 24 * 60) == 0 => format!("{}w", v / (7 * 24 * 60)),
        v if v % (24 * 60) == 0 => format!("{}d", v / (24 * 60)),
        v if v % 60 == 0 => format!("{}h", v / 60),
        v => format!("{v}m"),
    }
}

/// Text for a quoted Mermaid label: characters Mermaid would read as syntax become its
/// `#...;` entity codes, line breaks become `<br/>`.
pub fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            ';' => out.push_str("#59;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for a quoted dot string: backslashes and quotes escaped (so `\N` and friends stay
/// literal), line breaks as `\n`.
pub fn dot_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for a quoted dot tooltip: as [`dot_text`], but a backslash is escaped twice, since
/// Graphviz (2.43 at least) expands `\N` and friends in tooltips once more than in labels.
pub fn dot_tooltip(text: &str) -> String {
    dot_text(&text.replace('\\', "\\\\"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(mermaid_text("a \"b\" <c> & #d | e;\nf"), "a #quot;b#quot; #lt;c#gt; #amp; #35;d #124; e#59;<br/>f");
        assert_eq!(dot_text("a \"b\" \\N <c>\nd"), "a \\\"b\\\" \\\\N <c>\\nd");
        assert_eq!(minutes(2880), "2d");
        assert_eq!(minutes(20160), "2w");
        assert_eq!(minutes(90), "90m");
    }
}
