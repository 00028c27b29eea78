//! The layout pass: cuts a file into statements and blocks before pest sees any of it.
//!
//! This is what gives the parser its error recovery. Every statement is parsed on its own, with
//! the grammar rule of the block it sits in, so one bad statement costs one diagnostic and the
//! rest of the file is still read. The pass is a single loop over the bytes with no recursion;
//! it also bounds the nesting of parentheses, which is the only recursion in the grammar.

use crate::diagnostic::{rules, Diagnostic, Span};

/// How deep parentheses may nest in one criterion. Real criteria nest a handful of levels; the
/// bound keeps every recursive walk over a criterion (pest's, resolution's, the solver's) far
/// from the end of the stack.
pub const MAX_PAREN_DEPTH: usize = 64;

/// One piece of a file's layout.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Piece {
    /// A statement: its text without the terminator or a trailing comment. A statement that
    /// opens a block ends with its `{`.
    Statement {
        span: Span,
        opens_block: bool,
        /// Already reported by this pass (for instance nested too deeply): do not parse it.
        reported: bool,
    },
    /// The `}` that closes the innermost open block.
    Close(Span),
}

/// A file cut into pieces, with its comments and the layout errors found.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    pub pieces: Vec<Piece>,
    pub comments: Vec<Span>,
    pub errors: Vec<Diagnostic>,
    /// For each block still open at the end of the file, the span of its header.
    pub unclosed: Vec<Span>,
}

/// Cuts `text` into statements and blocks.
pub(crate) fn layout(text: &str) -> Layout {
    Scanner::new(text).run()
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    out: Layout,
    /// Start and end of the statement being read, if it has begun.
    stmt: Option<(usize, usize)>,
    paren_depth: usize,
    /// Where the outermost open parenthesis of the statement is.
    paren_start: usize,
    /// Whether the statement nested too deeply (reported once).
    too_deep: bool,
    /// Inside `enum { ... }` or `in { ... }`, whose braces are not a block.
    in_set: bool,
    /// The last word read, to tell `enum {` and `in {` from a block's `{`.
    last_word: &'a [u8],
    /// Open blocks: the span of each header.
    blocks: Vec<Span>,
    /// The brace of a block opened on this line with statements after it, if any.
    inline_block: Option<(usize, usize)>,
    /// Before this offset a newline ends a statement even inside parentheses: set after an
    /// unclosed parenthesis, so that recovery reads the lines it had swallowed one statement per
    /// line, and each byte is read at most twice.
    no_continuation_until: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        // A byte-order mark is accepted and ignored.
        let pos = if bytes.starts_with("\u{FEFF}".as_bytes()) { 3 } else { 0 };
        Scanner {
            bytes,
            pos,
            out: Layout::default(),
            stmt: None,
            paren_depth: 0,
            paren_start: 0,
            too_deep: false,
            in_set: false,
            last_word: b"",
            blocks: Vec::new(),
            inline_block: None,
            no_continuation_until: 0,
        }
    }

    fn run(mut self) -> Layout {
        loop {
            self.scan();
            if self.paren_depth == 0 {
                break;
            }
            // The file ended inside parentheses.
            self.unclosed_paren();
        }
        self.at_end();
        self.out
    }

    fn scan(&mut self) {
        while let Some(&byte) = self.bytes.get(self.pos) {
            match byte {
                b' ' | b'\t' => self.pos += 1,
                b'\r' | b'\n' => self.newline(),
                b'#' => self.comment(),
                b'"' => self.string(),
                b';' if self.paren_depth == 0 => {
                    self.end_statement();
                    self.pos += 1;
                }
                b'(' => {
                    if self.paren_depth == 0 {
                        self.paren_start = self.pos;
                    }
                    self.paren_depth += 1;
                    if self.paren_depth > MAX_PAREN_DEPTH && !self.too_deep {
                        self.too_deep = true;
                        self.out.errors.push(
                            Diagnostic::error(
                                rules::SYNTAX_ERROR,
                                Span::new(self.pos, self.pos + 1),
                                format!("this criterion nests parentheses more than {MAX_PAREN_DEPTH} deep"),
                            )
                            .with_help(
                                "split the criterion into several `exit` statements, or remove redundant parentheses",
                            ),
                        );
                    }
                    self.token(1);
                }
                b')' => {
                    self.paren_depth = self.paren_depth.saturating_sub(1);
                    self.token(1);
                }
                b'{' => self.open_brace(),
                b'}' => self.close_brace(),
                b if b.is_ascii_alphabetic() || b == b'_' => {
                    let start = self.pos;
                    let len =
                        self.bytes[start..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
                    self.token(len);
                    self.last_word = &self.bytes[start..start + len];
                }
                _ => {
                    // Any other character, including the bytes of non-ASCII characters: part of
                    // the statement; pest will say whether it belongs there.
                    let len = utf8_len(byte);
                    self.token(len);
                }
            }
        }
    }

    /// Adds `len` bytes at the current position to the statement.
    fn token(&mut self, len: usize) {
        let end = (self.pos + len).min(self.bytes.len());
        match &mut self.stmt {
            Some((_, stmt_end)) => *stmt_end = end,
            None => self.stmt = Some((self.pos, end)),
        }
        self.pos = end;
        self.last_word = b"";
    }

    fn newline(&mut self) {
        let len = if self.bytes[self.pos..].starts_with(b"\r\n") { 2 } else { 1 };
        if self.paren_depth > 0 && self.pos >= self.no_continuation_until {
            // Inside parentheses a criterion continues on the next line.
            self.pos += len;
            return;
        }
        self.paren_depth = 0;
        self.end_statement();
        if let Some((brace, depth)) = self.inline_block.take() {
            if self.blocks.len() >= depth {
                self.out.errors.push(
                    Diagnostic::error(
                        rules::SYNTAX_ERROR,
                        Span::new(brace, brace + 1),
                        "this block has statements on the line of its `{` but does not close on that line",
                    )
                    .with_help("put each statement of the block on its own line after `{`, or close the block with `}` on this line"),
                );
            }
        }
        self.pos += len;
    }

    fn comment(&mut self) {
        let start = self.pos;
        let len = self.bytes[start..].iter().take_while(|b| **b != b'\n' && **b != b'\r').count();
        self.out.comments.push(Span::new(start, start + len));
        self.pos += len;
    }

    fn string(&mut self) {
        let start = self.pos;
        let mut i = start + 1;
        while let Some(&b) = self.bytes.get(i) {
            match b {
                b'"' => {
                    i += 1;
                    break;
                }
                b'\\' if matches!(self.bytes.get(i + 1), Some(c) if *c != b'\n' && *c != b'\r') => i += 2,
                b'\n' | b'\r' => break,
                _ => i += 1,
            }
        }
        self.token(i - start);
    }

    fn open_brace(&mut self) {
        if matches!(self.last_word, b"enum" | b"in") {
            self.in_set = true;
            self.token(1);
            return;
        }
        if self.paren_depth > 0 {
            self.unclosed_paren();
            return;
        }
        self.token(1);
        let (start, end) = self.stmt.take().unwrap_or((self.pos - 1, self.pos));
        let too_deep = std::mem::take(&mut self.too_deep);
        self.out.pieces.push(Piece::Statement { span: Span::new(start, end), opens_block: true, reported: too_deep });
        self.blocks.push(Span::new(start, end));
        if self.inline_block.is_none() && !self.rest_of_line_is_blank() {
            self.inline_block = Some((end - 1, self.blocks.len()));
        }
    }

    fn close_brace(&mut self) {
        if self.in_set {
            self.in_set = false;
            self.token(1);
            return;
        }
        if self.paren_depth > 0 {
            self.unclosed_paren();
            return;
        }
        self.end_statement();
        let span = Span::new(self.pos, self.pos + 1);
        self.pos += 1;
        if self.blocks.pop().is_none() {
            self.out.errors.push(
                Diagnostic::error(rules::SYNTAX_ERROR, span, "unexpected `}`: no block is open here")
                    .with_help("remove this `}` or add the `{` it was meant to close"),
            );
            return;
        }
        if self.inline_block.is_some_and(|(_, depth)| depth > self.blocks.len()) {
            self.inline_block = None;
        }
        self.out.pieces.push(Piece::Close(span));
        // After `}` the line must end, or go on with `;` or another `}`.
        let rest = self.skip_blanks(self.pos);
        if let Some(&b) = self.bytes.get(rest) {
            if !matches!(b, b'\n' | b'\r' | b'#' | b';' | b'}') {
                let end = rest + utf8_len(b);
                self.out.errors.push(
                    Diagnostic::error(
                        rules::SYNTAX_ERROR,
                        Span::new(rest, end.min(self.bytes.len())),
                        "expected the end of the line after `}`",
                    )
                    .with_help("start the next statement on a new line"),
                );
            }
        }
    }

    /// A `{` or `}` or the end of the file inside parentheses: the parenthesis opened at
    /// `paren_start` is never closed. Report it, drop the statement, and read again from the
    /// end of the line that opened it, one line per statement up to here.
    fn unclosed_paren(&mut self) {
        let open = self.paren_start;
        self.out.errors.push(
            Diagnostic::error(rules::SYNTAX_ERROR, Span::new(open, open + 1), "this `(` is never closed")
                .with_help("add the missing `)`; a criterion may continue over several lines only inside parentheses"),
        );
        self.no_continuation_until = self.no_continuation_until.max(self.pos);
        self.stmt = None;
        self.paren_depth = 0;
        self.too_deep = false;
        self.in_set = false;
        let line_end =
            self.bytes[open..].iter().position(|b| *b == b'\n' || *b == b'\r').map_or(self.bytes.len(), |i| open + i);
        self.pos = line_end;
    }

    fn end_statement(&mut self) {
        if let Some((start, end)) = self.stmt.take() {
            let too_deep = std::mem::take(&mut self.too_deep);
            self.out.pieces.push(Piece::Statement {
                span: Span::new(start, end),
                opens_block: false,
                reported: too_deep,
            });
        }
        self.in_set = false;
        self.last_word = b"";
    }

    fn at_end(&mut self) {
        self.end_statement();
        self.out.unclosed = std::mem::take(&mut self.blocks);
    }

    fn skip_blanks(&self, mut at: usize) -> usize {
        while matches!(self.bytes.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        at
    }

    fn rest_of_line_is_blank(&self) -> bool {
        matches!(self.bytes.get(self.skip_blanks(self.pos)), None | Some(b'\n' | b'\r' | b'#'))
    }
}

/// The length of the UTF-8 sequence that `first` starts (1 for a stray continuation byte).
fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}
