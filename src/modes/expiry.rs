//! Shared by `ssl` and `domain`: days until a date HetrixTools tracks on an
//! uptime monitor (`YYYY-MM-DD`, read as UTC midnight). Thresholds are days
//! remaining; an expired date is CRITICAL whatever they say.

use super::status::uptime_monitor;
use super::{Apis, Context, Mode, Outcome};
use crate::api;
use crate::failure::Failure;
use crate::model::UptimeMonitor;
use crate::output::{Perfdata, State, Unit};

/// What `ssl` and `domain` have in common: dates from the uptime monitor
/// call, which only v3 has; they are as fresh as HetrixTools keeps them.
pub const MODE: Mode = Mode {
    needs_fresh_data: false,
    api: Apis::V3Only,
    source: api::uptime_monitors::CALL,
    ..Mode::DEFAULT
};

/// One tracked expiry date.
pub struct Expiry {
    /// Perfdata is `<name>_days`.
    pub name: &'static str,
    /// What expires, for the output: `certificate`, `domain`.
    pub what: &'static str,
    pub date: fn(&UptimeMonitor) -> Option<&str>,
}

const DAY: i64 = 86_400;

pub fn check(ctx: &Context, expiry: Expiry) -> Result<Outcome, Failure> {
    let monitor = uptime_monitor(ctx)?;
    let text = (expiry.date)(monitor).map(str::trim).ok_or_else(|| {
        Failure::new(format!(
            "HetrixTools tracks no {} expiry for this monitor: turn on its {} expiry \
             monitoring at HetrixTools",
            expiry.what, expiry.what
        ))
    })?;
    let midnight = parse_date(text).ok_or_else(|| {
        Failure::new(format!(
            "HetrixTools sent a {} expiry date that is not YYYY-MM-DD ({})",
            expiry.what,
            quoted(text)
        ))
    })?;
    // Whole days left, rounded down like the future side: a date that
    // began today is -1, so every `N:` range with N >= 0 alerts on it and
    // the perfdata agrees with the forced CRITICAL.
    let (days, summary) = if midnight > ctx.now {
        let days = (midnight - ctx.now).div_euclid(DAY);
        let when = match days {
            0 => "within a day".to_string(),
            1 => "in 1 day".to_string(),
            n => format!("in {n} days"),
        };
        (days, format!("{} expires {when} ({text})", expiry.what))
    } else {
        let ago = (ctx.now - midnight).div_euclid(DAY);
        let when = match ago {
            0 => "today".to_string(),
            1 => "1 day ago".to_string(),
            n => format!("{n} days ago"),
        };
        (-1 - ago, format!("{} expired {when} ({text})", expiry.what))
    };
    let perfdata = Perfdata::new(format!("{}_days", expiry.name), days as f64, Unit::None);
    let mut outcome = ctx.thresholds.judge(perfdata).outcome(summary);
    if days < 0 {
        outcome.state = State::Critical;
    }
    Ok(outcome)
}

/// Unix seconds of UTC midnight starting `YYYY-MM-DD`; `None` for anything
/// else, including dates no calendar has.
fn parse_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = bytes.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, b| n * 10 + i64::from(b - b'0')))
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=month_days).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the well-known
/// era-based conversion: 400-year eras of 146,097 days, years from March).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// At most a few printable characters of what was sent, for the message.
fn quoted(text: &str) -> String {
    let shown: String = text
        .chars()
        .take(20)
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    format!("'{}'", shown.replace(['|', ',', ';'], "?"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("1970-01-01", Some(0))]
    #[case("2000-03-01", Some(951_868_800))]
    #[case("2024-02-29", Some(1_709_164_800))]
    #[case("2026-12-31", Some(1_798_675_200))]
    #[case("2023-02-29", None)]
    #[case("2026-13-01", None)]
    #[case("2026-00-10", None)]
    #[case("2026-04-31", None)]
    #[case("2026-4-3", None)]
    #[case("03/04/2026", None)]
    #[case("2026-04-03T00:00:00Z", None)]
    #[case("２０２６-04-03", None)]
    #[case("", None)]
    fn reads_only_real_iso_dates(#[case] text: &str, #[case] expected: Option<i64>) {
        assert_eq!(parse_date(text), expected);
    }

    #[test]
    fn quotes_little_and_nothing_that_breaks_a_line() {
        assert_eq!(quoted("a|b,c;d\ne"), "'a?b?c?d?e'");
        assert_eq!(quoted(&"9".repeat(50)).len(), 22);
    }
}
