//! Source text: decoding bytes into text, and turning byte offsets into lines and columns.

use crate::diagnostic::{rules, Diagnostic, Span};

/// Decodes a file's bytes as UTF-8, or returns an `invalid-literal` diagnostic naming the
/// offset of the first byte that is not UTF-8. A leading byte-order mark stays in the text (so
/// offsets are those of the file); the layout pass skips it.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let offset = error.valid_up_to();
            let byte = bytes.get(offset).copied().unwrap_or(0);
            Err(Diagnostic::error(
                rules::INVALID_LITERAL,
                Span::new(offset, offset + 1),
                format!("the file is not valid UTF-8: byte 0x{byte:02X} at offset {offset} does not start a character"),
            )
            .with_help("save the file with UTF-8 encoding"))
        }
    }
}

/// Maps byte offsets of one text to 1-based lines and columns; columns count Unicode scalar
/// values, as editors and the JSON output do.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Points inside long lines, in file order: a byte offset (on a character boundary) and
    /// how many characters precede it on its line. A column is counted from the nearest one,
    /// so that it costs at most [`CHECKPOINT_BYTES`] whatever the line's length (counting from
    /// the start of the line made a file of many diagnostics on one long line quadratic).
    checkpoints: Vec<(usize, usize)>,
}

/// The most bytes counted to find a column.
const CHECKPOINT_BYTES: usize = 4096;

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
}

impl LineIndex {
    /// Indexes `text`. A line ends at `\n`; `\r\n` counts as one line end.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        let mut checkpoints = Vec::new();
        for (i, start) in line_starts.iter().enumerate() {
            let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
            if end - start <= CHECKPOINT_BYTES {
                continue;
            }
            let mut next = start + CHECKPOINT_BYTES;
            for (column, (at, _)) in text.get(*start..end).unwrap_or("").char_indices().enumerate() {
                if start + at >= next {
                    checkpoints.push((start + at, column));
                    next = start + at + CHECKPOINT_BYTES;
                }
            }
        }
        LineIndex { line_starts, checkpoints }
    }

    /// The line and column of byte `offset` in `text` (offsets past the end clamp to the end,
    /// offsets inside a character to its start).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset).max(1);
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        // The nearest checkpoint at or before `offset` on this line, else the line's start.
        let nearest = self.checkpoints.partition_point(|(at, _)| *at <= offset);
        let (start, before) = match nearest.checked_sub(1).and_then(|i| self.checkpoints.get(i)) {
            Some(&(at, column)) if at >= line_start && text.is_char_boundary(at) => (at, column),
            _ => (line_start, 0),
        };
        let column = text
            .get(start..)
            .map(|rest| rest.char_indices().take_while(|(i, _)| start + i < offset).count())
            .unwrap_or(0);
        LineCol { line, column: before + column + 1 }
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_scalar_values() {
        let text = "ab\nçé x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'x' sits after two two-byte characters and a space.
        assert_eq!(index.line_col(text, 8), LineCol { line: 2, column: 4 });
        assert_eq!(index.line_col(text, 999), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn columns_on_long_lines_match_counting_from_the_line_start() {
        let line = "aé€😀b".repeat(3_000);
        let text = format!("x\n{line}\n{line}y\nz");
        let index = LineIndex::new(&text);
        assert!(!index.checkpoints.is_empty());
        let slow = |offset: usize| {
            let offset = offset.min(text.len());
            let start = text.as_bytes()[..offset].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            text[start..].char_indices().take_while(|(i, _)| start + i < offset).count() + 1
        };
        for offset in (0..text.len() + 3).step_by(7).chain([text.len() - 1, text.len()]) {
            assert_eq!(index.line_col(&text, offset).column, slow(offset), "offset {offset}");
        }
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let error = decode(b"process \xFF").unwrap_err();
        assert_eq!(error.span, Span::new(8, 9));
        assert!(error.message.contains("offset 8"), "{}", error.message);
        assert!(error.message.contains("0xFF"));
    }
}
