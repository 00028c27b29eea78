//! The one place salesproc touches YAML. `serde_yaml` is archived upstream; keeping every use
//! behind these two functions means a maintained fork can replace it here alone.

use serde::de::DeserializeOwned;

/// A YAML error with where it happened, when known.
#[derive(Debug)]
pub struct YamlError {
    /// What went wrong.
    pub message: String,
    /// 1-based line and column.
    pub location: Option<(usize, usize)>,
}

/// Reads a YAML document into `T`. An empty document (or one of only comments) is `None`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<Option<T>, YamlError> {
    let blank = text.lines().all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'));
    if blank {
        return Ok(None);
    }
    serde_yaml::from_str(text).map(Some).map_err(|error| YamlError {
        location: error.location().map(|l| (l.line(), l.column())),
        message: strip_location(&error.to_string()),
    })
}

/// Writes `value` as a YAML document.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    serde_yaml::to_string(value).map_err(|error| YamlError { message: error.to_string(), location: None })
}

/// serde_yaml appends " at line L column C" to its messages; the location is reported apart.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}
