//! The formatter: one canonical layout for `.salesproc` files, so that reviews discuss the
//! process and never the spacing.
//!
//! [`format`] works on the syntax tree (structure and spans) and the comments the layout pass
//! found. The canonical layout:
//!
//! - Two spaces of indentation per block; one statement per line (`;`-joined statements are
//!   split onto lines of their own).
//! - Canonical spacing: one space between words, `field id: type`, `a, b` lists,
//!   `enum { a, b }` and `in { a, b }` sets, `(a or b)` with no space inside parentheses, one
//!   space around every comparison operator (`budget >= 10_000`).
//! - Transition clauses in the order `owner`, `within`, `when`.
//! - Blank lines: at most one in a row, none right after `{` or right before `}`, and always
//!   one around a multi-line stage block and around the process block (comments written
//!   directly above a block move with it). Other blank lines are the author's.
//! - A block written on one line (`stage won "Won" { terminal won }`) stays on one line when it
//!   holds only simple statements and fits in [`MAX_ONE_LINE_WIDTH`] columns; otherwise it is
//!   written out over several lines. A block written over several lines is never joined.
//! - A suppression comment (`# salesproc: allow(...)`) keeps covering exactly what it covered:
//!   statements joined with `;` on a line it applies to stay joined (`; ` between them), and a
//!   one-line block on such a line stays on one line, whatever its length.
//! - Every comment stays where it was: an own-line comment stays on its own line above the same
//!   statement (re-indented), an end-of-line comment stays at the end of the same statement's
//!   line, after one space. A comment at the end of a one-line block that has to be written
//!   out goes to the end of its header line.
//! - A criterion spread over several lines inside parentheses keeps its line breaks and the
//!   comments at their ends; continuation lines are indented two spaces per open parenthesis.
//! - Literals are kept exactly as written (`10_000`, `2d`, `"\t"`), as are comments' texts
//!   (trailing white space aside), a byte-order mark, and `\r\n` line ends (decided by the
//!   first line end of the file). The file ends with exactly one line end.
//!
//! A file with a `syntax-error` or `invalid-literal` is not formatted: [`format`] returns those
//! diagnostics. Before returning a text that differs from its input, the formatter parses it and
//! checks that it has no error, the same comments in the same order, and a model equal to the
//! input's; if not (a bug), it refuses with a `format-error` diagnostic rather than hand back a
//! changed process.

mod expr;

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Span};
use crate::parse::parse;
use crate::source::LineIndex;
use crate::suppression::SuppressionScope;
use crate::syntax::*;

/// Indentation per block level, in spaces.
pub const INDENT: usize = 2;

/// The widest a one-line block may be (indentation included) and stay on one line.
pub const MAX_ONE_LINE_WIDTH: usize = 100;

/// The rule name of the diagnostic returned when the formatter cannot vouch for its output.
pub const FORMAT_ERROR: &str = "format-error";

/// Formats a file's text into the canonical layout (see the [module documentation](self)).
///
/// Returns the formatted text, which equals `text` when the file is already formatted. A file
/// that does not parse is refused with its `syntax-error` and `invalid-literal` diagnostics.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = parse(text);
    if !parsed.diagnostics.is_empty() {
        return Err(parsed.diagnostics);
    }
    let mut printer = Printer::new(text, &parsed.tree);
    let nodes = top_nodes(&parsed.tree, text);
    printer.body(&nodes, 0, text.len());
    let Some(output) = printer.finish() else {
        return Err(vec![format_error("a comment would have lost its place")]);
    };
    if output != text {
        verify(&parsed.tree, text, &output)?;
    }
    Ok(output)
}

/// The diagnostic for a formatter bug caught before it could change a file.
fn format_error(problem: &str) -> Diagnostic {
    Diagnostic::error(
        FORMAT_ERROR,
        Span::at(0),
        format!("salesproc could not format this file safely: {problem}; the file was left as it is"),
    )
    .with_help("this is a bug in the formatter: please report it with the file attached")
}

/// Checks that `output` parses cleanly, holds the same comments as `input` in the same order,
/// and resolves to an equal model.
fn verify(input: &SourceFile, input_text: &str, output: &str) -> Result<(), Vec<Diagnostic>> {
    let again = parse(output);
    let problem = if !again.diagnostics.is_empty() {
        Some("the formatted text would not parse")
    } else if !same_comments(input, &again.tree, input_text, output) {
        Some("the formatted text would move, lose or repeat a comment")
    } else if crate::resolve(input).model != crate::resolve(&again.tree).model {
        Some("the formatted text would describe a different process")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(vec![format_error(problem)]),
    }
}

/// Whether two files hold the same comments, in the same order.
fn same_comments(a: &SourceFile, b: &SourceFile, a_text: &str, b_text: &str) -> bool {
    let texts = |file: &SourceFile, text: &str| -> Vec<String> {
        file.comments.iter().map(|c| text.get(c.start..c.end).unwrap_or("").trim_end().to_string()).collect()
    };
    texts(a, a_text) == texts(b, b_text)
}

/// A piece of a statement as the formatter writes it: pieces are joined by one space.
enum Piece<'a> {
    /// Text written as it is.
    Word(String),
    /// A criterion, written from its own tokens.
    Criterion(&'a ExprSyntax),
}

/// A statement or a block, ready to be written.
struct Node<'a> {
    /// From the first keyword to the end of the statement or the block's closing `}`.
    span: Span,
    /// The statement; for a block, its header without the `{`.
    pieces: Vec<Piece<'a>>,
    /// The block's contents, for a block.
    block: Option<Block<'a>>,
}

/// The contents of a block.
struct Block<'a> {
    /// The statements, in order.
    children: Vec<Node<'a>>,
    /// The offset just after the header's `{`.
    header_end: usize,
    /// Stage and process blocks get a blank line on either side when written over several lines.
    spaced: bool,
}

fn word<'a>(text: impl Into<String>) -> Piece<'a> {
    Piece::Word(text.into())
}

fn raw<'a>(literal: &Literal) -> Piece<'a> {
    Piece::Word(literal.raw.clone())
}

fn names<'a>(list: &[Name]) -> Piece<'a> {
    Piece::Word(list.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(", "))
}

fn simple<'a>(span: Span, pieces: Vec<Piece<'a>>) -> Node<'a> {
    Node { span, pieces, block: None }
}

/// The top-level statements of a file, in source order.
fn top_nodes<'a>(tree: &'a SourceFile, text: &str) -> Vec<Node<'a>> {
    let mut nodes: Vec<Node> = Vec::new();
    // The tree keeps a `use` line's string only: the statement starts at the `use` before it.
    nodes.extend(tree.uses.iter().map(|u| {
        let start = text.get(..u.span.start).and_then(|before| before.rfind("use")).unwrap_or(u.span.start);
        simple(Span::new(start, u.span.end), vec![word("use"), raw(u)])
    }));
    nodes.extend(tree.roles.iter().map(role));
    nodes.extend(tree.fields.iter().map(field));
    nodes.extend(tree.processes.iter().map(process));
    nodes.sort_by_key(|n| n.span.start);
    nodes
}

fn role<'a>(role: &RoleDecl) -> Node<'a> {
    let mut pieces = vec![word("role"), word(role.name.text.clone())];
    pieces.extend(role.title.as_ref().map(raw));
    simple(role.span, pieces)
}

fn field<'a>(field: &FieldDecl) -> Node<'a> {
    let ty = match &field.ty {
        TypeSyntax::Builtin(name) => name.text.clone(),
        TypeSyntax::Enum { members, .. } => {
            format!("enum {{ {} }}", members.iter().map(|m| m.text.as_str()).collect::<Vec<_>>().join(", "))
        }
    };
    let mut pieces = vec![word("field"), word(format!("{}:", field.name.text)), word(ty)];
    pieces.extend(field.title.as_ref().map(raw));
    simple(field.span, pieces)
}

fn block<'a>(span: Span, header: Span, pieces: Vec<Piece<'a>>, children: Vec<Node<'a>>, spaced: bool) -> Node<'a> {
    Node { span, pieces, block: Some(Block { children, header_end: header.end, spaced }) }
}

fn process(process: &ProcessDecl) -> Node<'_> {
    let children = process
        .items
        .iter()
        .map(|item| match item {
            ProcessItem::Owner(s) => simple(s.span, vec![word("owner"), word(s.value.text.clone())]),
            ProcessItem::Version(s) => simple(s.span, vec![word("version"), raw(&s.value)]),
            ProcessItem::Description(s) => simple(s.span, vec![word("description"), raw(&s.value)]),
            ProcessItem::ReviewEvery(s) => simple(s.span, vec![word("review every"), raw(&s.value)]),
            ProcessItem::Reviewed(s) => simple(s.span, vec![word("reviewed"), raw(&s.value)]),
            ProcessItem::Role(r) => role(r),
            ProcessItem::Field(f) => field(f),
            ProcessItem::Stage(s) => stage(s),
        })
        .collect();
    block(process.span, process.header_span, vec![word("process"), raw(&process.name)], children, true)
}

fn stage(stage: &StageDecl) -> Node<'_> {
    let mut header = Vec::new();
    if stage.start.is_some() {
        header.push(word("start"));
    }
    header.extend([word("stage"), word(stage.name.text.clone())]);
    header.extend(stage.title.as_ref().map(raw));
    let children = stage.items.iter().map(stage_item).collect();
    block(stage.span, stage.header_span, header, children, true)
}

fn stage_item(item: &StageItem) -> Node<'_> {
    match item {
        StageItem::Owner(s) => simple(s.span, vec![word("owner"), word(s.value.text.clone())]),
        StageItem::Probability(s) => simple(s.span, vec![word("probability"), raw(&s.value)]),
        StageItem::Goal(s) => simple(s.span, vec![word("goal"), raw(&s.value)]),
        StageItem::Sla(s) => simple(s.span, vec![word("sla"), raw(&s.value)]),
        StageItem::Requires(s) => simple(s.span, vec![word("requires"), names(&s.value)]),
        StageItem::Terminal(s) => simple(s.span, vec![word("terminal"), word(s.value.text.clone())]),
        StageItem::Entry(entry) => {
            let mut pieces = vec![word("entry")];
            pieces.extend(entry.trigger.as_ref().map(raw));
            if let Some(when) = &entry.when {
                pieces.extend([word("when"), Piece::Criterion(when)]);
            }
            simple(entry.span, pieces)
        }
        StageItem::Exit(exit) => {
            let mut pieces = vec![word("exit")];
            pieces.extend(exit.label.as_ref().map(raw));
            pieces.extend([word("when"), Piece::Criterion(&exit.when)]);
            simple(exit.span, pieces)
        }
        StageItem::Transition(t) => {
            let mut pieces = vec![word(t.kind.keyword()), word("to"), word(t.target.text.clone())];
            // Clause order: owner, within, when (a repeated clause, an error reported by
            // resolution, keeps its place among its kind).
            for rank in 0..3 {
                for clause in &t.clauses {
                    match clause {
                        Clause::Owner(s) if rank == 0 => pieces.extend([word("owner"), word(s.value.text.clone())]),
                        Clause::Within(s) if rank == 1 => pieces.extend([word("within"), raw(&s.value)]),
                        Clause::When(s) if rank == 2 => pieces.extend([word("when"), Piece::Criterion(&s.value)]),
                        _ => {}
                    }
                }
            }
            simple(t.span, pieces)
        }
        StageItem::Activity(activity) => {
            let mut header = vec![word("activity"), word(activity.name.text.clone())];
            header.extend(activity.title.as_ref().map(raw));
            let children = activity
                .items
                .iter()
                .map(|item| match item {
                    ActivityItem::Owner(s) => simple(s.span, vec![word("owner"), word(s.value.text.clone())]),
                    ActivityItem::Outcome(s) => simple(s.span, vec![word("outcome"), raw(&s.value)]),
                    ActivityItem::Captures(s) => simple(s.span, vec![word("captures"), names(&s.value)]),
                    ActivityItem::Optional(span) => simple(*span, vec![word("optional")]),
                })
                .collect();
            block(activity.span, activity.header_span, header, children, false)
        }
    }
}

/// Writes nodes and comments out as lines.
struct Printer<'t> {
    text: &'t str,
    /// Every comment of the file, in order.
    comments: &'t [Span],
    /// Which comments have been written.
    written: Vec<bool>,
    /// Every comment before this one has been written.
    next: usize,
    lines: Vec<String>,
    /// Nothing has been written yet in the current block: no blank line may come next.
    block_start: bool,
    /// Lines of the input.
    input_lines: LineIndex,
    /// The 1-based input lines that line-scoped suppression comments apply to.
    suppressed_lines: BTreeSet<usize>,
}

impl<'t> Printer<'t> {
    fn new(text: &'t str, tree: &'t SourceFile) -> Self {
        let suppressed_lines = tree
            .suppressions
            .iter()
            .filter_map(|s| match s.scope {
                SuppressionScope::Line(line) => Some(line),
                SuppressionScope::File => None,
            })
            .collect();
        Printer {
            text,
            comments: &tree.comments,
            written: vec![false; tree.comments.len()],
            next: 0,
            lines: Vec::new(),
            block_start: true,
            input_lines: LineIndex::new(text),
            suppressed_lines,
        }
    }

    /// The output: the lines, the input's line end, its byte-order mark; `None` if a comment
    /// was not written (a bug: the formatter then refuses rather than move or drop it).
    fn finish(self) -> Option<String> {
        if self.written.iter().any(|w| !w) {
            return None;
        }
        let newline = match self.text.find('\n') {
            Some(at) if at > 0 && self.text.as_bytes()[at - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        let mut out = String::with_capacity(self.text.len() + 64);
        if self.text.starts_with('\u{FEFF}') {
            out.push('\u{FEFF}');
        }
        for line in &self.lines {
            out.push_str(line.trim_end());
            out.push_str(newline);
        }
        Some(out)
    }

    fn comment_text(&self, index: usize) -> String {
        let span = self.comments[index];
        self.text.get(span.start..span.end).unwrap_or("#").trim_end().to_string()
    }

    /// Whether the author left a blank line just above `offset`, which starts its line.
    fn blank_before(&self, offset: usize) -> bool {
        let before = self.text.get(..offset).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        if line_start == 0 || !is_blank(&before[line_start..]) {
            return false;
        }
        let above = &before[..line_start - 1];
        let above_start = above.rfind('\n').map_or(0, |i| i + 1);
        is_blank(&above[above_start..])
    }

    /// Unwritten comments that start before `offset`, in order.
    fn comments_before(&mut self, offset: usize) -> Vec<usize> {
        while self.next < self.comments.len() && self.written[self.next] {
            self.next += 1;
        }
        let count = self.comments[self.next..].partition_point(|c| c.start < offset);
        (self.next..self.next + count).filter(|i| !self.written[*i]).collect()
    }

    /// The comment that ends the line after `offset`, if only spaces and `;` come between.
    fn trailing(&mut self, offset: usize) -> Option<String> {
        let first = self.comments.partition_point(|c| c.start < offset);
        let index = (first..self.comments.len()).find(|i| !self.written[*i])?;
        let gap = self.text.get(offset..self.comments[index].start)?;
        if !gap.bytes().all(|b| matches!(b, b' ' | b'\t' | b';')) {
            return None;
        }
        self.written[index] = true;
        Some(self.comment_text(index))
    }

    fn append_trailing(&mut self, lines: &mut [String], offset: usize) {
        if let Some(comment) = self.trailing(offset) {
            if let Some(last) = lines.last_mut() {
                last.push(' ');
                last.push_str(&comment);
            }
        }
    }

    fn gap(&mut self, blank: bool) {
        if blank && !self.block_start {
            self.lines.push(String::new());
        }
    }

    fn push(&mut self, lines: Vec<String>) {
        self.lines.extend(lines);
        self.block_start = false;
    }

    /// Writes the statements of a block, with the comments among them, up to `close`.
    fn body(&mut self, children: &[Node], indent: usize, close: usize) {
        let mut after_spaced_block = false;
        let mut i = 0;
        while i < children.len() {
            let child = &children[i];
            // Statements that share lines in the file (joined with `;`, or inside a one-line
            // block) stay together when a suppression comment applies to one of those lines,
            // so that it keeps covering all of them.
            let mut end = i + 1;
            if self.chainable(child) {
                while end < children.len()
                    && self.chainable(&children[end])
                    && self.line(children[end].span.start) == self.line(children[end - 1].span.end)
                {
                    end += 1;
                }
            }
            let together = self.chainable(child)
                && (end > i + 1 || child.block.is_some())
                && self.suppressed_between(child.span.start, children[end - 1].span.end);
            let (lines, spaced) = if together {
                (Some(self.chain(&children[i..end], indent)), false)
            } else {
                end = i + 1;
                match &child.block {
                    None => (Some(self.render(&child.pieces, indent)), false),
                    Some(block) => {
                        let line = self.one_line(child, indent);
                        let spaced = block.spaced && line.is_none();
                        (line.map(|l| vec![l]), spaced)
                    }
                }
            };
            let pending = self.comments_before(child.span.start);
            // The forced blank line before a spaced block goes above the comments written
            // directly on top of it.
            let forced_at = if spaced { self.attached_from(&pending, child.span.start) } else { usize::MAX };
            self.own_line_comments(&pending, indent, after_spaced_block, forced_at);
            let blank = self.blank_before(child.span.start)
                || (pending.is_empty() && after_spaced_block)
                || forced_at == pending.len();
            self.gap(blank);
            match lines {
                Some(mut lines) => {
                    self.append_trailing(&mut lines, children[end - 1].span.end);
                    self.push(lines);
                }
                None => self.block(child, indent),
            }
            after_spaced_block = spaced;
            i = end;
        }
        let pending = self.comments_before(close);
        self.own_line_comments(&pending, indent, after_spaced_block, usize::MAX);
    }

    /// Writes the own-line comments `pending`, each on its line at `indent`. A blank line goes
    /// where the author left one, before the first after a spaced block, and at `forced_at`.
    fn own_line_comments(&mut self, pending: &[usize], indent: usize, after_spaced_block: bool, forced_at: usize) {
        for (k, index) in pending.iter().enumerate() {
            let start = self.comments[*index].start;
            let blank = self.blank_before(start) || (k == 0 && after_spaced_block) || k == forced_at;
            self.gap(blank);
            self.written[*index] = true;
            let line = format!("{}{}", " ".repeat(indent), self.comment_text(*index));
            self.push(vec![line]);
        }
    }

    /// The 1-based input line of `offset`.
    fn line(&self, offset: usize) -> usize {
        self.input_lines.line(offset)
    }

    /// Whether a line-scoped suppression comment applies to a line from `start`'s to `end`'s.
    fn suppressed_between(&self, start: usize, end: usize) -> bool {
        !self.suppressed_lines.is_empty()
            && self.suppressed_lines.range(self.line(start)..=self.line(end)).next().is_some()
    }

    /// Of the comments `pending` above a statement at `start`, the index of the first one of
    /// the run written directly above it (no blank line in between); `pending.len()` if none.
    fn attached_from(&self, pending: &[usize], start: usize) -> usize {
        let mut k = pending.len();
        let mut at = start;
        while k > 0 && !self.blank_before(at) {
            k -= 1;
            at = self.comments[pending[k]].start;
        }
        k
    }

    /// Whether a node can be written in a chain with others on shared lines: a statement, or a
    /// block written in the file with its `{`, its statements and its `}` on shared lines
    /// (line breaks only inside parenthesised criteria).
    fn chainable(&self, node: &Node) -> bool {
        let Some(block) = &node.block else { return true };
        let mut line = self.line(block.header_end.saturating_sub(1));
        for child in &block.children {
            if self.line(child.span.start) != line || !self.chainable(child) {
                return false;
            }
            line = self.line(child.span.end);
        }
        self.line(node.span.end.saturating_sub(1)) == line
    }

    /// Chainable nodes written on shared lines, joined by `; `, one-line blocks as
    /// `header { a; b }`; line breaks only where criteria have them.
    fn chain(&mut self, nodes: &[Node], indent: usize) -> Vec<String> {
        let mut lines = vec![" ".repeat(indent)];
        for (k, node) in nodes.iter().enumerate() {
            if k > 0 {
                push_str(&mut lines, "; ");
            }
            self.chain_node(node, indent, &mut lines);
        }
        lines
    }

    fn chain_node(&mut self, node: &Node, indent: usize, lines: &mut Vec<String>) {
        let mut rendered = self.render(&node.pieces, indent).into_iter();
        if let Some(first) = rendered.next() {
            push_str(lines, first.get(indent..).unwrap_or(""));
        }
        lines.extend(rendered);
        let Some(block) = &node.block else { return };
        if block.children.is_empty() {
            push_str(lines, " {}");
            return;
        }
        push_str(lines, " { ");
        for (k, child) in block.children.iter().enumerate() {
            if k > 0 {
                push_str(lines, "; ");
            }
            self.chain_node(child, indent, lines);
        }
        push_str(lines, " }");
    }

    /// A block's canonical one-line form, when it keeps one: written on one line in the file,
    /// only simple statements, and at most [`MAX_ONE_LINE_WIDTH`] columns.
    fn one_line(&mut self, node: &Node, indent: usize) -> Option<String> {
        let block = node.block.as_ref()?;
        let source = self.text.get(node.span.start..node.span.end)?;
        if source.contains(['\n', '\r']) || block.children.iter().any(|c| c.block.is_some()) {
            return None;
        }
        let mut lines = self.chain(std::slice::from_ref(node), indent);
        let line = lines.pop().filter(|_| lines.is_empty())?;
        (line.chars().count() <= MAX_ONE_LINE_WIDTH).then_some(line)
    }

    /// Writes a block over several lines.
    fn block(&mut self, node: &Node, indent: usize) {
        let Some(block) = &node.block else { return };
        let mut header = self.render(&node.pieces, indent);
        push_str(&mut header, " {");
        self.append_trailing(&mut header, block.header_end);
        if self.chainable(node) {
            // A one-line block written out: the comment at the end of its line goes to the header.
            self.append_trailing(&mut header, node.span.end);
        }
        self.push(header);
        self.block_start = true;
        self.body(&block.children, indent + INDENT, node.span.end.saturating_sub(1));
        let mut close = vec![format!("{}}}", " ".repeat(indent))];
        self.append_trailing(&mut close, node.span.end);
        self.push(close);
    }

    /// A statement's lines: pieces joined by one space, criteria written from their tokens.
    fn render(&mut self, pieces: &[Piece], indent: usize) -> Vec<String> {
        let mut lines = vec![" ".repeat(indent)];
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                if let Some(last) = lines.last_mut() {
                    last.push(' ');
                }
            }
            match piece {
                Piece::Word(text) => {
                    if let Some(last) = lines.last_mut() {
                        last.push_str(text);
                    }
                }
                Piece::Criterion(criterion) => {
                    let span = criterion.span();
                    let tokens = expr::tokens(self.text, span.start, span.end);
                    for offset in expr::write(self.text, &tokens, indent, &mut lines) {
                        if let Ok(index) = self.comments.binary_search_by_key(&offset, |c| c.start) {
                            self.written[index] = true;
                        }
                    }
                }
            }
        }
        lines
    }
}

/// Appends `text` to the last line.
fn push_str(lines: &mut [String], text: &str) {
    if let Some(last) = lines.last_mut() {
        last.push_str(text);
    }
}

fn is_blank(line: &str) -> bool {
    line.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}')
}

#[cfg(test)]
mod tests;
