//! Reading what the user asked to be read, with the size limit every command shares: files
//! larger than [`MAX_FILE_SIZE`] are refused before anything is read, and standard input is
//! read only up to it.

use std::io::Read;
use std::path::Path;

/// Files larger than this are refused before they are read.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Why an input could not be read.
#[derive(Debug)]
pub enum ReadFailure {
    /// The file system said no.
    Io(std::io::Error),
    /// The path is a directory.
    Directory,
    /// The input is larger than [`MAX_FILE_SIZE`]; its size when known.
    TooLarge(Option<u64>),
}

impl ReadFailure {
    /// The failure in words, about `subject` ("this file", "`a.salesproc`", "standard input").
    pub fn describe(&self, subject: &str) -> String {
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        match self {
            ReadFailure::Io(error) => format!("cannot read {subject}: {error}"),
            ReadFailure::Directory => format!("{subject} is a directory"),
            ReadFailure::TooLarge(Some(size)) => format!(
                "{subject} is {:.1} MiB, more than the {:.0} MiB salesproc reads; it was not read",
                mib(*size),
                mib(MAX_FILE_SIZE)
            ),
            ReadFailure::TooLarge(None) => {
                format!("{subject} is more than the {:.0} MiB salesproc reads", mib(MAX_FILE_SIZE))
            }
        }
    }
}

/// Reads a file, refusing directories and files over the size limit without reading them.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadFailure> {
    let metadata = std::fs::metadata(path).map_err(ReadFailure::Io)?;
    if metadata.is_dir() {
        return Err(ReadFailure::Directory);
    }
    if metadata.len() > MAX_FILE_SIZE {
        return Err(ReadFailure::TooLarge(Some(metadata.len())));
    }
    std::fs::read(path).map_err(ReadFailure::Io)
}

/// Reads standard input (or whatever `input` is) up to the size limit.
pub fn read_stdin(input: &mut dyn Read) -> Result<Vec<u8>, ReadFailure> {
    let mut bytes = Vec::new();
    input.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes).map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadFailure::TooLarge(None));
    }
    Ok(bytes)
}
