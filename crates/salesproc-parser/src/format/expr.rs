//! Criteria as the formatter writes them: the criterion's own text cut into tokens, spaced
//! canonically, with the author's line breaks and comments kept.
//!
//! A criterion may run over several lines only inside parentheses, and a comment inside it can
//! only end one of those lines. The formatter keeps every such line break where it was, indents
//! each continuation line by its parenthesis depth, and keeps each comment at the end of its
//! line (or on a line of its own, where the author put it there). It never joins or splits the
//! lines of a criterion, so no comment ever changes the line or the clause it belongs to.

/// A token of a criterion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `(`
    Open,
    /// `)`
    Close,
    /// `,`
    Comma,
    /// A line break inside parentheses.
    Newline,
    /// `# ...` up to the end of the line.
    Comment,
    /// Any other token: a word, a literal, an operator, `{` or `}`.
    Other,
}

/// A token: what it is and where it is in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// Cuts `text[start..end]`, the text of one criterion that parsed, into tokens with offsets
/// into `text`. Spaces and tabs are dropped.
pub(super) fn tokens(text: &str, start: usize, end: usize) -> Vec<Token> {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut out = Vec::new();
    let mut at = start;
    while at < end {
        let byte = bytes[at];
        let (kind, len) = match byte {
            b' ' | b'\t' => {
                at += 1;
                continue;
            }
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => (Kind::Newline, 2),
            b'\r' | b'\n' => (Kind::Newline, 1),
            b'#' => (Kind::Comment, run(bytes, at, end, |b| b != b'\n' && b != b'\r')),
            b'"' => (Kind::Other, string_len(bytes, at, end)),
            b'(' => (Kind::Open, 1),
            b')' => (Kind::Close, 1),
            b',' => (Kind::Comma, 1),
            b'=' | b'!' | b'<' | b'>' => (Kind::Other, if bytes.get(at + 1) == Some(&b'=') { 2 } else { 1 }),
            b if b.is_ascii_alphabetic() || b == b'_' => {
                (Kind::Other, run(bytes, at, end, |b| b.is_ascii_alphanumeric() || b == b'_'))
            }
            b if b.is_ascii_digit() || b == b'-' || b == b'.' => (
                Kind::Other,
                run(bytes, at, end, |b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'%' | b'-')),
            ),
            _ => (Kind::Other, char_len(text, at)),
        };
        let len = len.max(1);
        out.push(Token { kind, start: at, end: (at + len).min(end) });
        at += len;
    }
    out
}

/// The length of the run of bytes from `at` that satisfy `keep` (at least 1).
fn run(bytes: &[u8], at: usize, end: usize, keep: impl Fn(u8) -> bool) -> usize {
    bytes[at..end].iter().take_while(|b| keep(**b)).count().max(1)
}

/// The length of the string literal that starts at `at` (an unterminated one ends at the line).
fn string_len(bytes: &[u8], at: usize, end: usize) -> usize {
    let mut i = at + 1;
    while i < end {
        match bytes[i] {
            b'"' => return i + 1 - at,
            b'\\' if i + 1 < end && !matches!(bytes[i + 1], b'\n' | b'\r') => i += 2,
            b'\n' | b'\r' => return i - at,
            _ => i += 1,
        }
    }
    end - at
}

/// The length in bytes of the character at `at`.
fn char_len(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|rest| rest.chars().next()).map_or(1, char::len_utf8)
}

/// Writes the criterion `tokens` (from `text`) onto `lines`: the first tokens go at the end of
/// the last line, each line break of the criterion starts a new line indented `indent` plus two
/// spaces per open parenthesis. Returns the offsets of the comments written.
pub(super) fn write(text: &str, tokens: &[Token], indent: usize, lines: &mut Vec<String>) -> Vec<usize> {
    let mut comments = Vec::new();
    let mut depth: usize = 0;
    let mut previous: Option<Kind> = None;
    let mut line_break = false;
    for (i, token) in tokens.iter().enumerate() {
        if token.kind == Kind::Newline {
            line_break = true;
            continue;
        }
        let piece = text.get(token.start..token.end).unwrap_or("");
        if line_break {
            // A line that starts with `)` sits at the depth that parenthesis closes to.
            let closing = tokens[i..].iter().take_while(|t| t.kind == Kind::Close).count();
            let level = depth.saturating_sub(closing);
            lines.push(" ".repeat(indent + super::INDENT * level));
            previous = None;
            line_break = false;
        }
        let Some(line) = lines.last_mut() else { break };
        // One space between tokens, except at the start of a line, after `(`, before `)` and `,`.
        let spaced = !matches!((previous, token.kind), (None | Some(Kind::Open), _) | (_, Kind::Close | Kind::Comma));
        if spaced {
            line.push(' ');
        }
        match token.kind {
            Kind::Comment => {
                line.push_str(piece.trim_end());
                comments.push(token.start);
            }
            Kind::Open => {
                line.push_str(piece);
                depth += 1;
            }
            Kind::Close => {
                line.push_str(piece);
                depth = depth.saturating_sub(1);
            }
            _ => line.push_str(piece),
        }
        previous = Some(token.kind);
    }
    comments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokens(text, 0, text.len()).into_iter().map(|t| (t.kind, &text[t.start..t.end])).collect()
    }

    #[test]
    fn cuts_tokens() {
        assert_eq!(
            kinds("(budget>=-10_000 or x in {a,b}) # why\n and d <= 2026-01-02 and t != \"a # \\\" b\""),
            vec![
                (Kind::Open, "("),
                (Kind::Other, "budget"),
                (Kind::Other, ">="),
                (Kind::Other, "-10_000"),
                (Kind::Other, "or"),
                (Kind::Other, "x"),
                (Kind::Other, "in"),
                (Kind::Other, "{"),
                (Kind::Other, "a"),
                (Kind::Comma, ","),
                (Kind::Other, "b"),
                (Kind::Other, "}"),
                (Kind::Close, ")"),
                (Kind::Comment, "# why"),
                (Kind::Newline, "\n"),
                (Kind::Other, "and"),
                (Kind::Other, "d"),
                (Kind::Other, "<="),
                (Kind::Other, "2026-01-02"),
                (Kind::Other, "and"),
                (Kind::Other, "t"),
                (Kind::Other, "!="),
                (Kind::Other, "\"a # \\\" b\""),
            ]
        );
    }

    #[test]
    fn spaces_and_indents() {
        let text = "( a==1   or(b  and c) # note\r\n\t\t) and x in {p ,q}";
        let mut lines = vec!["  exit when ".to_string()];
        let comments = write(text, &tokens(text, 0, text.len()), 2, &mut lines);
        assert_eq!(lines, vec!["  exit when (a == 1 or (b and c) # note", "  ) and x in { p, q }"]);
        assert_eq!(comments, vec![22]);
    }
}
