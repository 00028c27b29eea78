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
}

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
        LineIndex { line_starts }
    }

    /// The line and column of byte `offset` in `text` (offsets past the end clamp to the end,
    /// offsets inside a character to its start).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = text
            .get(start..)
            .map(|rest| rest.char_indices().take_while(|(i, _)| start + i < offset).count())
            .unwrap_or(0);
        LineCol { line, column: column + 1 }
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
    fn invalid_utf8_names_the_offset() {
        let error = decode(b"process \xFF").unwrap_err();
        assert_eq!(error.span, Span::new(8, 9));
        assert!(error.message.contains("offset 8"), "{}", error.message);
        assert!(error.message.contains("0xFF"));
    }
}
