//! Monitoring Plugins threshold ranges (`10`, `10:`, `~:10`, `10:20`, `@10:20`).
//!
//! A range describes the values that are fine; a value outside it alerts
//! (or, with a leading `@`, a value inside it alerts). Endpoints are
//! inclusive. Numbers are plain decimals: exponents, `inf` and `NaN` are
//! rejected because `strtod`-style parsers accept them and users never mean
//! them.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower bound; `f64::NEG_INFINITY` for `~`.
    pub start: f64,
    /// Upper bound; `f64::INFINITY` when omitted (`10:`).
    pub end: f64,
    /// `@`: alert when the value lies inside the range instead of outside.
    pub inside: bool,
}

impl Range {
    /// Whether `value` should raise this range's state. NaN always alerts:
    /// a number we cannot compare is never silently fine.
    pub fn alerts(&self, value: f64) -> bool {
        if value.is_nan() {
            return true;
        }
        let within = self.start <= value && value <= self.end;
        within == self.inside
    }

    /// `~:` (everything is inside, nothing alerts): used to switch a
    /// default threshold off.
    pub fn never_alerts(self) -> bool {
        !self.inside && self.start == f64::NEG_INFINITY && self.end == f64::INFINITY
    }

    /// A range of percentages as amounts of `whole`, e.g. a disk threshold
    /// in bytes. Multiplied before dividing: `55 * size / 100` is exact
    /// where `size / 100 * 55` can land a hair off and alert on equality.
    pub fn percent_of(self, whole: f64) -> Range {
        Range {
            start: self.start * whole / 100.0,
            end: self.end * whole / 100.0,
            inside: self.inside,
        }
    }

    /// The range as integer values (bytes, inodes) see it: start rounded up,
    /// end down. An integer alerts against it exactly when it does against
    /// `self`, and perfdata printed from it tells the same story as the
    /// state (80 % of 65536 inodes is 52428.8: 52429 used is past it).
    /// A range that holds no integer (0.241 % to 0.249 % of 10000 is 24.1
    /// to 24.9) stays as it is: rounded, its start would pass its end.
    pub fn for_integers(self) -> Range {
        let rounded = Range {
            start: self.start.ceil(),
            end: self.end.floor(),
            inside: self.inside,
        };
        if rounded.start > rounded.end {
            self
        } else {
            rounded
        }
    }

    fn render(&self, number: impl Fn(f64) -> String) -> String {
        let mut out = String::new();
        if self.inside {
            out.push('@');
        }
        let start = if self.start == f64::NEG_INFINITY {
            Some("~".to_string())
        } else if self.start == 0.0 && !self.inside {
            None
        } else {
            Some(number(self.start))
        };
        match (start, self.end == f64::INFINITY) {
            (None, false) => out.push_str(&number(self.end)),
            (None, true) => out.push_str("0:"),
            (Some(start), true) => {
                out.push_str(&start);
                out.push(':');
            }
            (Some(start), false) => {
                out.push_str(&start);
                out.push(':');
                out.push_str(&number(self.end));
            }
        }
        out
    }
}

/// Prints the endpoints exactly (a `-w 0.0001` must not show as `0`).
impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(format_exact))
    }
}

/// The shortest plain decimal that reads back as the same `f64`: Rust
/// never writes an `f64` with an exponent, and `+ 0.0` turns -0 into 0.
/// Perfdata and thresholds use it, so a grapher re-checking the value
/// against the printed ranges reaches the printed state.
pub fn format_exact(x: f64) -> String {
    // A whole number below 2^53 has every digit significant, so both print
    // the same; i64's is a tenth of the cost (bytes thresholds per mount).
    if x.fract() == 0.0 && x.abs() < MAX_EXACT_INTEGER {
        return (x as i64).to_string();
    }
    format!("{}", x + 0.0)
}

/// 2^53: from here on not every integer is an `f64`.
const MAX_EXACT_INTEGER: f64 = 9007199254740992.0;

/// Formats a number rounded to an integer (bytes, counts). Through i64
/// when it fits: printing an i128 costs several times as much, and a disk
/// check prints four of these per mount.
pub fn format_integer(x: f64) -> String {
    let n = x.round() as i128;
    match i64::try_from(n) {
        Ok(n) => n.to_string(),
        Err(_) => n.to_string(),
    }
}

/// Formats a finite number for people: no exponent, at most three
/// decimals, no trailing zeros (`80`, `0.5`, `12.125`). Never for
/// perfdata (see [`format_exact`]).
pub fn format_number(x: f64) -> String {
    format_decimals(x, 3)
}

/// [`format_number`] with at most `decimals` decimals.
pub fn format_decimals(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RangeError(String);

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Range {
    type Err = RangeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_range(text, parse_number, "")
    }
}

/// Size suffixes, powers of 1024 (bytes, as `df -h` and the GiB in the
/// plugin's own output): `K` KiB, `M` MiB, `G` GiB, `T` TiB.
const SIZE_SUFFIXES: [(char, f64); 4] = [
    ('K', 1024.0),
    ('M', 1048576.0),
    ('G', 1073741824.0),
    ('T', 1099511627776.0),
];

impl Range {
    /// Like `parse`, but numbers may end in a size suffix (`50M`, `20G:`).
    pub fn parse_sized(text: &str) -> Result<Range, RangeError> {
        parse_range(text, parse_size, " where N may end in K, M, G or T")
    }
}

/// Whether a range's text uses a size suffix (its numbers are then sizes,
/// not percentages).
pub fn has_size_suffix(text: &str) -> bool {
    text.contains(|c| SIZE_SUFFIXES.iter().any(|(suffix, _)| *suffix == c))
}

fn parse_size(text: &str) -> Result<f64, String> {
    let Some((suffix, factor)) = SIZE_SUFFIXES.iter().find(|(s, _)| text.ends_with(*s)) else {
        return parse_number(text);
    };
    parse_number(&text[..text.len() - suffix.len_utf8()])
        .map(|x| x * factor)
        .and_then(|x| {
            x.is_finite()
                .then_some(x)
                .ok_or_else(|| format!("'{text}' is too large"))
        })
}

fn parse_range(
    text: &str,
    parse_number: fn(&str) -> Result<f64, String>,
    hint: &str,
) -> Result<Range, RangeError> {
    let invalid = |why: &str| {
        RangeError(format!(
            "invalid range '{text}': {why} (expected N, N:, ~:N, N:M or @N:M{hint})"
        ))
    };
    if text.contains(char::is_whitespace) {
        return Err(invalid("it holds a space (write it without spaces)"));
    }
    let (inside, body) = match text.strip_prefix('@') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    // `:` alone would read as `0:` (alert below 0): an unset `$LOW:$HIGH`
    // template must not silently mean that.
    if body.is_empty() || body == ":" {
        return Err(invalid("empty"));
    }
    let (start, end) = match body.split_once(':') {
        None => (0.0, parse_number(body).map_err(|e| invalid(&e))?),
        Some((start, end)) => {
            let start = match start {
                "~" => f64::NEG_INFINITY,
                // `:10` means `0:10`, as in the C Monitoring Plugins.
                "" => 0.0,
                s => parse_number(s).map_err(|e| invalid(&format!("start {e}")))?,
            };
            let end = if end.is_empty() {
                f64::INFINITY
            } else {
                parse_number(end).map_err(|e| invalid(&format!("end {e}")))?
            };
            (start, end)
        }
    };
    if start > end {
        return Err(invalid("start is greater than end"));
    }
    Ok(Range { start, end, inside })
}

/// A plain decimal: optional `-`, digits, optional `.` and fraction
/// (`5.`, `.5`). No `+`, exponent, `inf` or `nan`; the error says why.
fn parse_number(text: &str) -> Result<f64, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, frac),
        None => (digits, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let decimal = all_digits(int) && all_digits(frac) && !(int.is_empty() && frac.is_empty());
    let parsed = text.parse::<f64>().ok().filter(|x| x.is_finite());
    Err(match parsed {
        Some(x) if decimal => return Ok(x),
        Some(x) if text.starts_with('+') => format!("'{text}' has a '+': write {}", x + 0.0),
        Some(x) if text.contains(['e', 'E']) => {
            format!("'{text}' has an exponent: write {}", x + 0.0)
        }
        _ => format!("'{text}' is not a number"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn r(text: &str) -> Range {
        text.parse().unwrap()
    }

    #[rstest]
    #[case(804695497113.0, "804695497113")]
    #[case(-0.0, "0")]
    #[case(9007199254740991.0, "9007199254740991")]
    #[case(9007199254740992.0, "9007199254740992")]
    #[case(1e300, &format!("1{}", "0".repeat(300)))]
    #[case(-17.0, "-17")]
    #[case(0.1, "0.1")]
    #[case(80.5, "80.5")]
    fn exact_numbers_print_whole_and_shortest(#[case] x: f64, #[case] expected: &str) {
        assert_eq!(format_exact(x), expected);
    }

    #[rstest]
    #[case("10", 0.0, 10.0, false)]
    #[case("10:", 10.0, f64::INFINITY, false)]
    #[case("~:10", f64::NEG_INFINITY, 10.0, false)]
    #[case("10:20", 10.0, 20.0, false)]
    #[case("@10:20", 10.0, 20.0, true)]
    #[case(":10", 0.0, 10.0, false)]
    #[case("-5:-1", -5.0, -1.0, false)]
    #[case("0.5", 0.0, 0.5, false)]
    #[case(".5", 0.0, 0.5, false)]
    #[case("~:", f64::NEG_INFINITY, f64::INFINITY, false)]
    #[case("@10", 0.0, 10.0, true)]
    #[case("5:5", 5.0, 5.0, false)]
    #[case("5.", 0.0, 5.0, false)]
    #[case("1.:2.5", 1.0, 2.5, false)]
    fn parses(#[case] text: &str, #[case] start: f64, #[case] end: f64, #[case] inside: bool) {
        assert_eq!(r(text), Range { start, end, inside });
    }

    #[rstest]
    #[case("")]
    #[case("@")]
    #[case("20:10")]
    #[case("NaN")]
    #[case("nan")]
    #[case("inf")]
    #[case("-inf")]
    #[case("1e3")]
    #[case("1E3")]
    #[case("+5")]
    #[case("abc")]
    #[case("10:abc")]
    #[case("1,5")]
    #[case(":")]
    #[case("@:")]
    #[case(".")]
    #[case("-")]
    #[case("10:20:30")]
    #[case(" 10")]
    #[case("~")]
    #[case("-3")]
    #[case("@@10")]
    fn rejects(#[case] text: &str) {
        assert!(
            text.parse::<Range>().is_err(),
            "{text:?} should be rejected"
        );
    }

    #[rstest]
    #[case("+5", "'+5' has a '+': write 5")]
    #[case("1e3", "'1e3' has an exponent: write 1000")]
    #[case("10:2E-1", "end '2E-1' has an exponent: write 0.2")]
    #[case("1 0", "it holds a space")]
    #[case("x:5", "start 'x' is not a number")]
    #[case(":", "empty")]
    #[case("@:", "empty")]
    fn says_why_a_range_is_rejected(#[case] text: &str, #[case] why: &str) {
        let error = text.parse::<Range>().unwrap_err().to_string();
        assert!(error.contains(why), "{error:?} should say {why:?}");
    }

    #[rstest]
    // N: alerts outside 0..N, endpoints inclusive.
    #[case("10", -0.1, true)]
    #[case("10", 0.0, false)]
    #[case("10", 10.0, false)]
    #[case("10", 10.01, true)]
    // N: alerts below N.
    #[case("10:", 9.99, true)]
    #[case("10:", 10.0, false)]
    #[case("10:", 1e12, false)]
    // ~:N alerts above N.
    #[case("~:10", -1e12, false)]
    #[case("~:10", 10.0, false)]
    #[case("~:10", 10.5, true)]
    // N:M alerts outside N..M.
    #[case("10:20", 9.0, true)]
    #[case("10:20", 10.0, false)]
    #[case("10:20", 20.0, false)]
    #[case("10:20", 21.0, true)]
    // @N:M alerts inside N..M, endpoints included.
    #[case("@10:20", 9.0, false)]
    #[case("@10:20", 10.0, true)]
    #[case("@10:20", 20.0, true)]
    #[case("@10:20", 21.0, false)]
    // NaN always alerts.
    #[case("10", f64::NAN, true)]
    #[case("@10:20", f64::NAN, true)]
    fn alerts(#[case] text: &str, #[case] value: f64, #[case] expected: bool) {
        assert_eq!(r(text).alerts(value), expected);
    }

    #[rstest]
    #[case("10", "10")]
    #[case("10:", "10:")]
    #[case("~:10", "~:10")]
    #[case("10:20", "10:20")]
    #[case("@10:20", "@10:20")]
    #[case(":10", "10")]
    #[case("0:", "0:")]
    #[case("@0:10", "@0:10")]
    #[case("0.50", "0.5")]
    #[case("-5:-3", "-5:-3")]
    #[case(".0001", "0.0001")]
    #[case("-0:12345678.123456", "12345678.123456")]
    fn prints_back(#[case] text: &str, #[case] printed: &str) {
        assert_eq!(r(text).to_string(), printed);
        assert_eq!(
            r(printed),
            r(text),
            "printed form must parse to the same range"
        );
    }

    #[rstest]
    #[case("50M", 0.0, 52428800.0)]
    #[case("20G:", 21474836480.0, f64::INFINITY)]
    #[case("1.5K:2T", 1536.0, 2199023255552.0)]
    #[case("~:10", f64::NEG_INFINITY, 10.0)]
    fn parses_size_suffixes_as_powers_of_1024(
        #[case] text: &str,
        #[case] start: f64,
        #[case] end: f64,
    ) {
        let range = Range::parse_sized(text).unwrap();
        assert_eq!((range.start, range.end), (start, end));
    }

    #[rstest]
    #[case("50MB")]
    #[case("50m")]
    #[case("M")]
    #[case("5KK")]
    #[case("2G:1G")]
    fn rejects_bad_sizes(#[case] text: &str) {
        assert!(Range::parse_sized(text).is_err(), "{text:?}");
    }

    #[test]
    fn plain_ranges_reject_size_suffixes() {
        assert!("50M".parse::<Range>().is_err());
        assert!(has_size_suffix("20G:") && !has_size_suffix("~:20"));
    }

    #[test]
    fn scales_to_integer_bytes() {
        assert_eq!(r("80").percent_of(100000.0).to_string(), "80000");
        assert_eq!(r("10:").percent_of(250.0).to_string(), "25:");
        assert_eq!(r("@10:20").percent_of(50.0).to_string(), "@5:10");
        // No whole number inside: kept exact, never printed as `25:24`.
        let empty = r("0.241:0.249").percent_of(10000.0).for_integers();
        assert_eq!(empty.to_string(), "24.1:24.9");
        assert_eq!(r("80").percent_of(65536.0).for_integers(), r("52428"));
        assert_eq!(r("@10.1:20.9").for_integers(), r("@11:20"));
        assert_eq!(r("~:5.5").for_integers(), r("~:5"));
        // 55 % of 100 GiB is exactly 55 GiB, however the size divides.
        let size = 107_374_182_400.0;
        assert_eq!(r("55").percent_of(size).end, 59_055_800_320.0);
    }

    #[rstest]
    #[case(80.0, "80")]
    #[case(0.5, "0.5")]
    #[case(9.2600001, "9.26")]
    #[case(-0.0001, "0")]
    #[case(1e21, "1000000000000000000000")]
    fn formats_numbers(#[case] x: f64, #[case] text: &str) {
        assert_eq!(format_number(x), text);
    }
}
