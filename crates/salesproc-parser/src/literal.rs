//! Reading literals: checks the lenient shapes the grammar accepts (`120%`, `4x`, `2026-02-30`,
//! `"\q"`) and turns them into values.

use crate::diagnostic::Span;
use crate::grammar::Rule;
use crate::syntax::{Date, LiteralValue};

/// Why a literal cannot be read.
#[derive(Debug)]
pub(crate) struct Problem {
    /// The part of the literal at fault, relative to its start; the whole literal when absent.
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

fn problem(message: impl Into<String>, help: impl Into<String>) -> Problem {
    Problem { span: None, message: message.into(), help: Some(help.into()) }
}

/// The most significant digits a number may have: up to 15, every decimal number is a distinct
/// `f64` and the solver compares them exactly.
const MAX_SIGNIFICANT_DIGITS: usize = 15;

/// Reads the literal `raw` that matched grammar rule `rule`.
pub(crate) fn read(rule: Rule, raw: &str) -> Result<LiteralValue, Problem> {
    match rule {
        Rule::string => string(raw).map(LiteralValue::Text),
        Rule::bool_lit => Ok(LiteralValue::Bool(raw == "true")),
        Rule::number => number(raw).map(LiteralValue::Number),
        Rule::percent => percent(raw).map(LiteralValue::Percent),
        Rule::duration => duration(raw).map(LiteralValue::Duration),
        Rule::date => date(raw).map(LiteralValue::Date),
        _ => Err(problem(
            format!("`{raw}` is not a value"),
            "write a number, a percentage, a duration, a date or a string",
        )),
    }
}

fn string(raw: &str) -> Result<String, Problem> {
    let body = raw.strip_prefix('"').unwrap_or(raw);
    let closed = body.ends_with('"') && !ends_with_escaped_quote(body);
    if !closed {
        return Err(problem(
            "this string is not terminated: it needs a closing `\"` on the same line",
            "add the closing `\"`; a string cannot span lines (write `\\n` for a line break)",
        ));
    }
    let body = &body[..body.len() - 1];
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            other => {
                let escape_len = 1 + other.map_or(0, |(_, c)| c.len_utf8());
                let shown: String = body[i..i + escape_len].to_string();
                return Err(Problem {
                    span: Some(Span::new(1 + i, 1 + i + escape_len)),
                    message: format!("unknown escape `{shown}` in a string"),
                    help: Some("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash".into()),
                });
            }
        }
    }
    Ok(out)
}

/// Whether the `"` ending `body` is escaped by an odd number of backslashes.
fn ends_with_escaped_quote(body: &str) -> bool {
    let before = &body.as_bytes()[..body.len() - 1];
    before.iter().rev().take_while(|b| **b == b'\\').count() % 2 == 1
}

fn number(raw: &str) -> Result<f64, Problem> {
    let digits: String = raw.chars().filter(|c| *c != '_').collect();
    let significant = digits.chars().filter(char::is_ascii_digit).skip_while(|c| *c == '0').count();
    if significant > MAX_SIGNIFICANT_DIGITS {
        return Err(problem(
            format!("`{raw}` has more than {MAX_SIGNIFICANT_DIGITS} significant digits"),
            "salesproc compares numbers exactly up to 15 significant digits; round the value",
        ));
    }
    digits
        .parse::<f64>()
        .map_err(|_| problem(format!("`{raw}` is not a number"), "write a number such as `10_000` or `12.5`"))
}

fn percent(raw: &str) -> Result<f64, Problem> {
    let value = number(raw.trim_end_matches('%'))?;
    if !(0.0..=100.0).contains(&value) {
        return Err(problem(
            format!("`{raw}` is not a percentage: percentages run from 0% to 100%"),
            "write a value between 0% and 100%",
        ));
    }
    Ok(value)
}

fn duration(raw: &str) -> Result<u64, Problem> {
    let split = raw.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(raw.len());
    let (count, unit) = raw.split_at(split);
    let minutes_per_unit: u64 = match unit {
        "m" => 1,
        "h" => 60,
        "d" => 24 * 60,
        "w" => 7 * 24 * 60,
        _ => {
            return Err(problem(
                format!("unknown duration unit `{unit}` in `{raw}`"),
                "a duration is a whole number and a unit: m (minutes), h (hours), d (days) or w (weeks), as in `30m`, `4h`, `2d`, `1w`",
            ))
        }
    };
    let digits: String = count.chars().filter(|c| *c != '_').collect();
    if digits.starts_with('-') || digits.contains('.') {
        return Err(problem(
            format!(
                "`{raw}` is not a duration: durations are whole, non-negative numbers of {unit_name}",
                unit_name = unit_name(unit)
            ),
            "use a smaller unit for a fraction: `90m` rather than `1.5h`",
        ));
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(minutes_per_unit))
        .filter(|minutes| *minutes <= MAX_DURATION_MINUTES)
        .ok_or_else(|| problem(format!("`{raw}` is too long a duration"), "durations are limited to about 1,900 years"))
}

/// Durations stay below 10^9 minutes, so sums and comparisons never overflow.
const MAX_DURATION_MINUTES: u64 = 1_000_000_000;

fn unit_name(unit: &str) -> &'static str {
    match unit {
        "m" => "minutes",
        "h" => "hours",
        "d" => "days",
        _ => "weeks",
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn date(raw: &str) -> Result<Date, Problem> {
    let parts: Vec<u32> = raw.split('-').filter_map(|p| p.parse().ok()).collect();
    let [year, month, day] = parts[..] else {
        return Err(problem(format!("`{raw}` is not a date"), "write a date as YYYY-MM-DD"));
    };
    let (Ok(year), Ok(month), Ok(day)) = (u16::try_from(year), u8::try_from(month), u8::try_from(day)) else {
        return Err(problem(format!("`{raw}` is not a date"), "write a date as YYYY-MM-DD"));
    };
    if let Some(date) = Date::new(year, month, day) {
        return Ok(date);
    }
    let Some(month_name) = month.checked_sub(1).and_then(|m| MONTHS.get(usize::from(m))) else {
        return Err(problem(
            format!("`{raw}` is not a calendar date: there is no month {month}"),
            "months run from 01 to 12",
        ));
    };
    let last_day = (28..=31).rev().find(|d| Date::new(year, month, *d).is_some()).unwrap_or(28);
    Err(problem(
        format!("`{raw}` is not a calendar date: {month_name} {year} has {last_day} days"),
        format!("write a day between 01 and {last_day}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_escapes() {
        assert_eq!(string(r#""a \"b\" \\ \n \t""#).unwrap(), "a \"b\" \\ \n \t");
        let error = string(r#""bad \q escape""#).unwrap_err();
        assert_eq!(error.span, Some(Span::new(5, 7)));
        assert!(string(r#""unterminated"#).is_err());
        assert!(string(r#""ends in backslash-quote \""#).is_err());
        assert_eq!(string(r#""ends in backslash \\""#).unwrap(), "ends in backslash \\");
    }

    #[test]
    fn numbers_percentages_durations() {
        assert_eq!(number("10_000").unwrap(), 10_000.0);
        assert_eq!(number("-3").unwrap(), -3.0);
        assert_eq!(number("12.5").unwrap(), 12.5);
        assert!(number("1234567890123456").is_err());
        assert_eq!(percent("12.5%").unwrap(), 12.5);
        assert!(percent("120%").is_err());
        assert!(percent("-1%").is_err());
        assert_eq!(duration("30m").unwrap(), 30);
        assert_eq!(duration("4h").unwrap(), 240);
        assert_eq!(duration("2d").unwrap(), 2880);
        assert_eq!(duration("1w").unwrap(), 10_080);
        assert!(duration("4x").unwrap_err().message.contains("unknown duration unit `x`"));
        assert!(duration("1.5h").is_err());
        assert!(duration("99999999999999999999d").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(date("2026-10-01").unwrap(), Date::new(2026, 10, 1).unwrap());
        let error = date("2026-02-30").unwrap_err();
        assert_eq!(error.message, "`2026-02-30` is not a calendar date: February 2026 has 28 days");
        assert!(date("2026-13-01").unwrap_err().message.contains("no month 13"));
    }
}
