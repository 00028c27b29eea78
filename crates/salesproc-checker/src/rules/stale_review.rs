use salesproc_parser::syntax::Date;
use salesproc_parser::Diagnostic;

use crate::context::Context;
use crate::registry::{declare_rule, finding};

/// Minutes in a day.
const DAY: u64 = 24 * 60;

declare_rule! {
    /// ## What it does
    ///
    /// Reports a process whose review is overdue: the date in `reviewed` plus the cadence in
    /// `review every` lies before today. The review is due on that date and overdue from the
    /// next day on.
    ///
    /// Dates have no time of day, so a cadence that is not a whole number of days is rounded up
    /// to the next whole day: with `review every 36h` and `reviewed 2026-10-01` the review is
    /// due on 2026-10-03. A process without both statements is not checked.
    ///
    /// Today is the local date, or the date given with `--today YYYY-MM-DD` or the
    /// `SALESPROC_TODAY` variable, so results in CI are reproducible.
    ///
    /// ## Why it matters
    ///
    /// Markets, products, pricing and teams change, and a process that nobody looks at drifts
    /// away from how deals are really won: stages get skipped, exit criteria stop being
    /// checked, probabilities stop matching conversion rates. A cadence that is written down and
    /// enforced keeps the process a living document rather than a slide from two years ago.
    ///
    /// ## Example
    ///
    /// Checked on 2026-11-25, this process was due for review on 2026-06-29:
    ///
    /// ```salesproc
    /// process "Inbound" {
    ///   owner revops
    ///   review every 90d
    ///   reviewed 2026-03-31
    ///   # ...
    /// }
    /// ```
    ///
    /// ## How to fix
    ///
    /// Review the process with its owner and the teams that run it (conversion by stage,
    /// skipped steps, stale probabilities), change what needs changing, then record the review:
    ///
    /// ```salesproc
    /// process "Inbound" {
    ///   owner revops
    ///   review every 90d
    ///   reviewed 2026-11-25
    ///   # ...
    /// }
    /// ```
    pub(crate) static RULE = {
        name: "stale-review",
        severity: Info,
        summary: "The process is overdue for review: `reviewed` plus `review every` lies before today.",
        check: check,
    };
}

fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let process = cx.process;
    let (Some(today), Some(reviewed), Some(every)) = (cx.options.today, process.reviewed, process.review_every) else {
        return;
    };
    let Some(due) = due_date(reviewed.value, every.value) else {
        return; // Due after the year 9999: not overdue.
    };
    let overdue = today.days_since_epoch() - due.days_since_epoch();
    if overdue <= 0 {
        return;
    }
    out.push(
        finding(
            *reviewed.loc,
            format!(
                "the process `{}` was due for review on {due}, {} ago: last reviewed {}, with a review every {}",
                process.name,
                plural(overdue, "day"),
                reviewed.value,
                cadence(every.value)
            ),
        )
        .with_label(*every.loc, format!("reviews are due every {}", cadence(every.value)))
        .with_help(format!(
            "review the process with its owner and the teams who run it, then record the review with `reviewed {today}`"
        )),
    );
}

/// The date a review falls due: `reviewed` plus the cadence, rounded up to whole days (a
/// partial day counts as a full one, since `reviewed` has no time of day). `None` when that
/// lies beyond the year 9999.
fn due_date(reviewed: Date, cadence_minutes: u64) -> Option<Date> {
    let days = i64::try_from(cadence_minutes.div_ceil(DAY)).ok()?;
    Date::from_days_since_epoch(reviewed.days_since_epoch().checked_add(days)?)
}

/// A cadence in words, in the largest unit that divides it, to follow "every": "26 weeks",
/// "90 days", "36 hours", "week".
fn cadence(minutes: u64) -> String {
    const WEEK: u64 = 7 * DAY;
    let (unit, name) = match minutes {
        0 => return "0 days".to_string(),
        m if m % WEEK == 0 => (WEEK, "week"),
        m if m % DAY == 0 => (DAY, "day"),
        m if m % 60 == 0 => (60, "hour"),
        _ => (1, "minute"),
    };
    match minutes / unit {
        1 => name.to_string(),
        count => format!("{count} {name}s"),
    }
}

/// "1 day", "26 days".
fn plural(count: i64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: u16, month: u8, day: u8) -> Date {
        Date::new(year, month, day).expect("a real date")
    }

    #[test]
    fn whole_days_are_added() {
        assert_eq!(due_date(date(2026, 10, 1), 90 * DAY), Some(date(2026, 12, 30)));
        assert_eq!(due_date(date(2026, 3, 31), 90 * DAY), Some(date(2026, 6, 29)));
        assert_eq!(due_date(date(2024, 2, 28), DAY), Some(date(2024, 2, 29)));
        assert_eq!(due_date(date(2026, 12, 31), DAY), Some(date(2027, 1, 1)));
        assert_eq!(due_date(date(2026, 9, 1), 26 * 7 * DAY), Some(date(2027, 3, 2)));
    }

    #[test]
    fn partial_days_round_up() {
        assert_eq!(due_date(date(2026, 10, 1), 36 * 60), Some(date(2026, 10, 3)));
        assert_eq!(due_date(date(2026, 10, 1), 1), Some(date(2026, 10, 2)));
        assert_eq!(due_date(date(2026, 10, 1), 0), Some(date(2026, 10, 1)));
    }

    #[test]
    fn far_future_is_never_due() {
        let last = date(9999, 12, 31);
        assert_eq!(due_date(last, DAY), None);
        assert_eq!(due_date(date(2026, 1, 1), u64::MAX), None);
    }

    #[test]
    fn cadence_in_words() {
        assert_eq!(cadence(26 * 7 * DAY), "26 weeks");
        assert_eq!(cadence(7 * DAY), "week");
        assert_eq!(cadence(90 * DAY), "90 days");
        assert_eq!(cadence(DAY), "day");
        assert_eq!(cadence(60), "hour");
        assert_eq!(cadence(36 * 60), "36 hours");
        assert_eq!(cadence(90), "90 minutes");
        assert_eq!(cadence(0), "0 days");
    }
}
