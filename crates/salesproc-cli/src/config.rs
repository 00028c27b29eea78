//! `salesproc.yaml`: per-rule severities and the limits of `process-too-complex`.
//!
//! Found in the checked file's directory or the nearest parent that has one, stopping at the
//! repository root (a directory holding `.git`), or given with `--config`. Anything unknown is
//! an error naming the file and line: a misspelt rule is never silently ignored.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use salesproc_checker::{Limits, Options, RULES};
use salesproc_parser::suggest::closest;
use salesproc_parser::Severity;
use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::yaml;

/// The configuration file's name.
pub const FILE_NAME: &str = "salesproc.yaml";

/// A configuration that could not be read or is invalid.
#[derive(Debug)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line and column, when known.
    pub location: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// The contents of a `salesproc.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Severity per rule.
    #[serde(default)]
    pub rules: BTreeMap<RuleName, Level>,
    /// Limits of `process-too-complex`.
    #[serde(default)]
    pub limits: LimitsConfig,
}

/// The `limits:` section.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsConfig {
    /// Most non-terminal stages.
    pub max_stages: Option<usize>,
    /// Most activities in one stage.
    pub max_activities_per_stage: Option<usize>,
    /// Most required fields in one stage.
    pub max_required_fields_per_stage: Option<usize>,
}

/// A process rule's name, checked while reading so the error carries its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuleName(pub &'static str);

impl<'de> Deserialize<'de> for RuleName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        if let Some(rule) = RULES.iter().find(|r| r.name == name) {
            return Ok(RuleName(rule.name));
        }
        if salesproc_parser::diagnostic::rules::ALL.iter().any(|(n, _)| *n == name) {
            return Err(de::Error::custom(format!(
                "`{name}` cannot be configured: errors that stop the model from being built are always errors"
            )));
        }
        let hint = match closest(&name, RULES.iter().map(|r| r.name)) {
            Some(suggestion) => format!("; did you mean `{suggestion}`?"),
            None => "; `salesproc rules` lists the rule names".to_string(),
        };
        Err(de::Error::custom(format!("unknown rule `{name}`{hint}")))
    }
}

/// A rule's configured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The rule does not run.
    Off,
    /// It reports with this severity.
    On(Severity),
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        match value.as_str() {
            "off" => Ok(Level::Off),
            "info" => Ok(Level::On(Severity::Info)),
            "warning" => Ok(Level::On(Severity::Warning)),
            "error" => Ok(Level::On(Severity::Error)),
            other => {
                Err(de::Error::custom(format!("unknown severity `{other}`: expected off, info, warning or error")))
            }
        }
    }
}

impl Config {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
            path: path.to_path_buf(),
            location: None,
            message: format!("cannot read the configuration: {error}"),
        })?;
        Config::parse(path, &text)
    }

    /// Reads the text of the file at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        match yaml::from_str::<Config>(text) {
            Ok(config) => Ok(config.unwrap_or_default()),
            Err(error) => {
                // serde_yaml places an error in a mapping key at the mapping; point at the key.
                let location = key_named_in(&error.message).and_then(|key| find_key(text, key)).or(error.location);
                Err(ConfigError { path: path.to_path_buf(), location, message: error.message })
            }
        }
    }

    /// The checker options this configuration gives, on top of `base`.
    pub fn apply(&self, base: &Options) -> Options {
        let mut options = base.clone();
        for (rule, level) in &self.rules {
            options.severities.insert(
                rule.0,
                match level {
                    Level::Off => None,
                    Level::On(severity) => Some(*severity),
                },
            );
        }
        let defaults = Limits::default();
        let limits = &self.limits;
        options.limits = Limits {
            max_stages: limits.max_stages.unwrap_or(defaults.max_stages),
            max_activities_per_stage: limits.max_activities_per_stage.unwrap_or(defaults.max_activities_per_stage),
            max_required_fields_per_stage: limits
                .max_required_fields_per_stage
                .unwrap_or(defaults.max_required_fields_per_stage),
        };
        options
    }
}

/// The rule name an "unknown rule `x`" or "`x` cannot be configured" message is about.
fn key_named_in(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    let is_key_error = message.contains("unknown rule") || message.contains("cannot be configured");
    is_key_error.then(|| &message[start..end])
}

/// The 1-based line and column of the first mapping key `key` in `text`.
fn find_key(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then(|| (i + 1, line.len() - trimmed.len() + 1))
    })
}

/// The checker options of every file of a run: from `--config` when it is given, else from the
/// `salesproc.yaml` discovered for each file, on top of the run's base options.
#[derive(Debug)]
pub struct Settings {
    base: Options,
    fixed: Option<Options>,
    discovery: Discovery,
}

impl Settings {
    /// Settings for a run with an optional `--config` file and the date `stale-review` uses.
    /// An invalid `--config` file is an error message for the user.
    pub fn new(config: Option<&Path>, today: Option<salesproc_parser::syntax::Date>) -> Result<Settings, String> {
        let base = Options { today, ..Options::default() };
        let fixed = match config {
            Some(path) => Some(Config::load(path).map_err(|e| format!("invalid configuration {e}"))?.apply(&base)),
            None => None,
        };
        Ok(Settings { base, fixed, discovery: Discovery::default() })
    }

    /// The options for `file`; an invalid discovered configuration is an error message.
    pub fn options_for(&mut self, file: &Path) -> Result<Options, String> {
        if let Some(options) = &self.fixed {
            return Ok(options.clone());
        }
        match self.discovery.for_file(file).map_err(|e| format!("invalid configuration {e}"))? {
            Some((_, config)) => Ok(config.apply(&self.base)),
            None => Ok(self.base.clone()),
        }
    }
}

/// Finds and caches the configuration of each directory.
#[derive(Debug, Default)]
pub struct Discovery {
    cache: HashMap<PathBuf, Option<PathBuf>>,
    loaded: HashMap<PathBuf, Config>,
}

impl Discovery {
    /// The configuration that applies to `file`: the nearest `salesproc.yaml` in its directory
    /// or a parent, not looking above a repository root. `None` when there is none.
    pub fn for_file(&mut self, file: &Path) -> Result<Option<(PathBuf, Config)>, ConfigError> {
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let Some(dir) = absolute.parent() else { return Ok(None) };
        let Some(path) = self.find(dir) else { return Ok(None) };
        if !self.loaded.contains_key(&path) {
            let config = Config::load(&path)?;
            self.loaded.insert(path.clone(), config);
        }
        Ok(self.loaded.get(&path).cloned().map(|config| (path, config)))
    }

    fn find(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.cache.get(dir) {
            return found.clone();
        }
        let candidate = dir.join(FILE_NAME);
        let found = if candidate.is_file() {
            Some(candidate)
        } else if dir.join(".git").exists() {
            None
        } else {
            dir.parent().and_then(|parent| self.find(parent))
        };
        self.cache.insert(dir.to_path_buf(), found.clone());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("salesproc.yaml"), text)
    }

    #[test]
    fn reads_rules_and_limits() {
        let config =
            parse("rules:\n  thin-handoff: off\n  missing-handoff-sla: error\nlimits:\n  max-stages: 20\n").unwrap();
        assert_eq!(config.rules.get(&RuleName("thin-handoff")), Some(&Level::Off));
        assert_eq!(config.rules.get(&RuleName("missing-handoff-sla")), Some(&Level::On(Severity::Error)));
        assert_eq!(config.limits.max_stages, Some(20));
        let options = config.apply(&Options::default());
        assert_eq!(options.severities.get("thin-handoff"), Some(&None));
        assert_eq!(options.limits.max_stages, 20);
        assert_eq!(options.limits.max_activities_per_stage, 7);
    }

    #[test]
    fn empty_files_are_the_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(parse("# nothing yet\n").unwrap(), Config::default());
    }

    #[test]
    fn misspelt_rule_names_the_line_and_suggests() {
        let error = parse("rules:\n  thin-handoff: off\n  missing-handof-sla: error\n").unwrap_err();
        assert_eq!(error.location.map(|l| l.0), Some(3), "{error}");
        assert!(error.message.contains("did you mean `missing-handoff-sla`?"), "{error}");
    }

    #[test]
    fn unknown_keys_and_values_are_errors() {
        let error = parse("rule:\n  thin-handoff: off\n").unwrap_err();
        assert_eq!(error.location.map(|l| l.0), Some(1), "{error}");
        let error = parse("rules:\n  thin-handoff: loud\n").unwrap_err();
        assert!(error.message.contains("unknown severity `loud`"), "{error}");
        assert_eq!(error.location.map(|l| l.0), Some(2));
        let error = parse("limits:\n  max-stage: 3\n").unwrap_err();
        assert_eq!(error.location.map(|l| l.0), Some(2), "{error}");
        let error = parse("limits:\n  max-stages: many\n").unwrap_err();
        assert_eq!(error.location.map(|l| l.0), Some(2), "{error}");
        let error = parse("rules:\n  syntax-error: off\n").unwrap_err();
        assert!(error.message.contains("cannot be configured"), "{error}");
    }
}
