//! Plugin output: states, perfdata and the rendered text, plus the one
//! place where text leaves the process.
//!
//! Everything the plugin prints goes through [`emit`], which removes the
//! API token, so no code path (HTTP client errors, verbose logs, panics)
//! can leak it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Write;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::range::{Range, format_exact, format_integer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl State {
    pub fn exit_code(self) -> i32 {
        match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Critical => 2,
            State::Unknown => 3,
        }
    }

    /// Severity order OK < WARNING < UNKNOWN < CRITICAL, as the Monitoring
    /// Plugins output library ranks them: a known failure beats not knowing.
    fn severity(self) -> u8 {
        match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Unknown => 2,
            State::Critical => 3,
        }
    }

    pub fn worst(self, other: State) -> State {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// Sort key that puts the most severe first.
    pub fn most_severe_first(self) -> std::cmp::Reverse<u8> {
        std::cmp::Reverse(self.severity())
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        })
    }
}

/// Units of measurement that Icinga 2 and the graphers understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    None,
    Percent,
    Seconds,
    /// Printed as an integer with `B`.
    Bytes,
    /// A number of things (inodes), printed as an integer without unit.
    Count,
}

impl Unit {
    fn suffix(self) -> &'static str {
        match self {
            Unit::None | Unit::Count => "",
            Unit::Percent => "%",
            Unit::Seconds => "s",
            Unit::Bytes => "B",
        }
    }

    fn number(self, x: f64) -> String {
        match self {
            Unit::Bytes | Unit::Count => format_integer(x),
            _ => format_exact(x),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Perfdata {
    pub label: String,
    pub value: f64,
    pub unit: Unit,
    pub warning: Option<Range>,
    pub critical: Option<Range>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Perfdata {
    /// Whether the value is past its own warning or critical range.
    pub fn alerts(&self) -> bool {
        [self.warning, self.critical]
            .iter()
            .flatten()
            .any(|range| range.alerts(self.value))
    }

    pub fn new(label: impl Into<String>, value: f64, unit: Unit) -> Self {
        Perfdata {
            label: label.into(),
            value,
            unit,
            warning: None,
            critical: None,
            min: None,
            max: None,
        }
    }

    pub fn thresholds(mut self, warning: Option<Range>, critical: Option<Range>) -> Self {
        self.warning = warning;
        self.critical = critical;
        self
    }

    pub fn bounds(mut self, min: Option<f64>, max: Option<f64>) -> Self {
        self.min = min;
        self.max = max;
        self
    }

    /// `'label'=value[UOM];warn;crit;min;max` without trailing semicolons;
    /// `None` when the value is not a finite number (perfdata never says NaN).
    fn render(&self) -> Option<String> {
        if !self.value.is_finite() {
            return None;
        }
        // A range that can never alert (`-c ~:`) is no threshold; printed as
        // `~:` Icinga 2 would drop the whole value.
        let range = |r: &Option<Range>| {
            r.filter(|r| !r.never_alerts())
                .map(|r| r.to_string())
                .unwrap_or_default()
        };
        let bound = |b: Option<f64>| {
            b.filter(|b| b.is_finite())
                .map(|b| self.unit.number(b))
                .unwrap_or_default()
        };
        let mut text = String::with_capacity(self.label.len() + 64);
        text.push('\'');
        push_replacing(&mut text, &capped_label(&self.label), |c| match c {
            '=' | '\'' | '|' => Some('_'),
            c if c.is_control() => Some(' '),
            _ => None,
        });
        text.push_str("'=");
        text.push_str(&self.unit.number(self.value));
        text.push_str(self.unit.suffix());
        for part in [
            range(&self.warning),
            range(&self.critical),
            bound(self.min),
            bound(self.max),
        ] {
            text.push(';');
            text.push_str(&part);
        }
        text.truncate(text.trim_end_matches(';').len());
        Some(text)
    }
}

/// Longest perfdata label, in characters: a name the agent sends (a 7 MiB
/// mount name) must not make a 7 MB first line.
const LABEL_LIMIT: usize = 100;

/// `label`, or if longer than [`LABEL_LIMIT`] its start and a hash of the
/// whole: distinct labels stay distinct and each keeps its label from run
/// to run, as graphers need.
fn capped_label(label: &str) -> Cow<'_, str> {
    if label.chars().count() <= LABEL_LIMIT {
        return Cow::Borrowed(label);
    }
    let hash = Sha256::digest(label);
    let suffix: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    let head: String = label.chars().take(LABEL_LIMIT - suffix.len() - 1).collect();
    Cow::Owned(format!("{head}~{suffix}"))
}

/// Everything one check run prints: `LABEL STATE - summary | perfdata`,
/// then one long-output line per detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub label: String,
    pub state: State,
    pub summary: String,
    pub details: Vec<String>,
    pub perfdata: Vec<Perfdata>,
}

impl Report {
    /// A run that could not produce a result.
    pub fn unknown(label: &str, message: impl Into<String>) -> Self {
        Report {
            label: label.to_string(),
            state: State::Unknown,
            summary: message.into(),
            details: Vec::new(),
            perfdata: Vec::new(),
        }
    }

    /// The output, at most [`OUTPUT_LIMIT`] bytes: the first line, the long
    /// output, then the perfdata after a `|` of its own line (on the first
    /// line when there is no long output). Readable text gets room first;
    /// what does not fit is left out in whole lines and whole values, and a
    /// note says how much.
    pub fn render(&self) -> String {
        let mut first = format!("{} {} - ", self.label, self.state);
        push_first_line_text(&mut first, &shorten(&self.summary, SUMMARY_LIMIT, KEPT_END));
        let details: Vec<String> = self
            .details
            .iter()
            .map(|line| {
                let mut text = String::new();
                push_plain_text(&mut text, &shorten(line, DETAIL_LIMIT, KEPT_END));
                text
            })
            .collect();
        let mut perfdata: Vec<(bool, String)> = self
            .perfdata
            .iter()
            .filter_map(|p| Some((p.alerts(), p.render()?)))
            .collect();
        number_repeated_labels(&mut perfdata);
        let (details, perfdata) = fit(&first, details, perfdata, OUTPUT_LIMIT);
        let mut out = first;
        if details.is_empty() {
            push_perfdata(&mut out, " | ", &perfdata);
        } else {
            for line in &details {
                out.push('\n');
                out.push_str(line);
            }
            push_perfdata(&mut out, "\n| ", &perfdata);
        }
        out.push('\n');
        out
    }
}

/// Gives a label seen before in `values` (rendered `'label'=...`) a
/// ` #2`, ` #3`, ... suffix: graphers keep one series per label, and two
/// mounts the agent names alike (`/` twice in a container) would otherwise
/// write into one.
fn number_repeated_labels(values: &mut [(bool, String)]) {
    // Most reports repeat none: a borrowing pass first, no label copied.
    let mut labels = HashSet::with_capacity(values.len());
    let repeats = values
        .iter()
        .filter_map(|(_, value)| value.find("'=").map(|end| &value[1..end]))
        .any(|label| !labels.insert(label));
    if !repeats {
        return;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (_, value) in values.iter_mut() {
        let Some(end) = value.find("'=") else {
            continue;
        };
        let count = seen.entry(value[1..end].to_string()).or_default();
        *count += 1;
        if *count > 1 {
            value.insert_str(end, &format!(" #{count}"));
        }
    }
}

/// The most bytes a plugin's output may have to reach Nagios 4 whole: its
/// worker reads a check's pipe 4 KiB at a time and, once the plugin has
/// exited, only once more, so whatever is left beyond one read is lost
/// (README, "Large outputs").
pub const OUTPUT_LIMIT: usize = 4096;

/// Room kept for the notes that say what was left out.
const NOTES_ROOM: usize = 160;

/// The long-output lines and perfdata values that fit in `limit` bytes
/// together with `first`, plus a note line for each kind that lost some.
/// Lines come first, in order; perfdata keeps at least half of what is left
/// when it needs that much, so neither kind crowds out the other. Each
/// value comes with whether it is past its own thresholds.
fn fit(
    first: &str,
    details: Vec<String>,
    perfdata: Vec<(bool, String)>,
    limit: usize,
) -> (Vec<String>, Vec<String>) {
    // Every line and value costs its length plus a separator (newline,
    // space, or the `| ` before the first value).
    let cost = |items: &[String]| items.iter().map(|i| i.len() + 1).sum::<usize>();
    let values_cost: usize = perfdata.iter().map(|(_, value)| value.len() + 1).sum();
    let whole = first.len() + 1 + cost(&details) + values_cost + 2;
    if whole <= limit {
        return (
            details,
            perfdata.into_iter().map(|(_, value)| value).collect(),
        );
    }
    // What is wrong matters more than what is fine: when values must go,
    // those past their thresholds stay (the graph of the full mount, not
    // of forty fine ones), as the lines that are not `[OK]` do below.
    let (alerting, fine): (Vec<_>, Vec<_>) = perfdata.into_iter().partition(|(alerts, _)| *alerts);
    let perfdata: Vec<String> = alerting.into_iter().chain(fine).map(|(_, v)| v).collect();
    let room = limit.saturating_sub(first.len() + 1 + 2 + NOTES_ROOM);
    // When lines must go, the `[OK]` ones go first.
    let (mut details, fine): (Vec<String>, Vec<String>) = details
        .into_iter()
        .partition(|line| !line.starts_with("[OK] "));
    details.extend(fine);
    let perfdata_share = cost(&perfdata).min(room / 2);
    let (mut kept_details, left_details) = take_fitting(details, room - perfdata_share);
    let (kept_perfdata, left_perfdata) = take_fitting(perfdata, room - cost(&kept_details));
    if left_details > 0 {
        kept_details.push(format!(
            "… {left_details} more lines left out (output kept under {OUTPUT_LIMIT} bytes)"
        ));
    }
    if left_perfdata > 0 {
        kept_details.push(format!(
            "… {left_perfdata} of {} perfdata values left out (output kept under {OUTPUT_LIMIT} bytes)",
            left_perfdata + kept_perfdata.len()
        ));
    }
    (kept_details, kept_perfdata)
}

/// The leading items whose cost fits in `room`, and how many did not fit.
fn take_fitting(items: Vec<String>, room: usize) -> (Vec<String>, usize) {
    let total = items.len();
    let mut used = 0;
    let kept: Vec<String> = items
        .into_iter()
        .take_while(|item| {
            used += item.len() + 1;
            used <= room
        })
        .collect();
    let left = total - kept.len();
    (kept, left)
}

fn push_perfdata(out: &mut String, lead: &str, perfdata: &[String]) {
    let mut separator = lead;
    for value in perfdata {
        out.push_str(separator);
        out.push_str(value);
        separator = " ";
    }
}

/// Cuts the middle out of `text` if it is longer than `limit` characters,
/// keeping its last `kept_end` (numbers and "… and N more" sit at the end).
/// Cuts fall between words where one ends nearby, and never inside a URL:
/// half a URL looks like a working one.
pub fn shorten(text: &str, limit: usize, kept_end: usize) -> Cow<'_, str> {
    if text.chars().count() <= limit {
        return Cow::Borrowed(text);
    }
    // Redacted before cutting: a cut through the token would leave halves
    // that the redaction in `emit` no longer recognises.
    let text = redact(text);
    let length = text.chars().count();
    if length <= limit {
        return Cow::Owned(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let head_end = word_boundary(&chars, limit - kept_end - 1, Direction::Back);
    let tail_start = word_boundary(&chars, length - kept_end, Direction::Forward);
    let head: String = chars[..head_end].iter().collect();
    let tail: String = chars[tail_start..].iter().collect();
    Cow::Owned(format!("{head}…{tail}"))
}

/// How far a cut moves to reach the edge of a word (other than a URL,
/// which is left out whole however long).
const WORD_REACH: usize = 20;

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Back,
    Forward,
}

/// Where to cut `chars` near `at`: `at` itself between words, else the
/// edge of the word around it in `direction` (leaving the word out), unless
/// that edge is further than [`WORD_REACH`] and the word is no URL.
fn word_boundary(chars: &[char], at: usize, direction: Direction) -> usize {
    let is_space = |i: usize| chars.get(i).is_some_and(|c| c.is_whitespace());
    if at == 0 || at >= chars.len() || is_space(at) || is_space(at - 1) {
        return at;
    }
    let start = (0..at).rev().find(|&i| is_space(i)).map_or(0, |i| i + 1);
    let end = (at..chars.len())
        .find(|&i| is_space(i))
        .unwrap_or(chars.len());
    let word: String = chars[start..end].iter().collect();
    let edge = match direction {
        Direction::Back => start,
        Direction::Forward => end,
    };
    if word.contains("://") || edge.abs_diff(at) <= WORD_REACH {
        edge
    } else {
        at
    }
}

/// `text` in lines of at most `width` characters, broken between words.
/// A word longer than that (a URL) gets a line of its own, whole.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut length = 0;
    for word in text.split_whitespace() {
        let word_length = word.chars().count();
        if length > 0 && length + 1 + word_length > width {
            lines.push(std::mem::take(&mut line));
            length = 0;
        }
        if length > 0 {
            line.push(' ');
            length += 1;
        }
        line.push_str(word);
        length += word_length;
    }
    if length > 0 {
        lines.push(line);
    }
    lines
}

/// Longest summary and detail line, in characters: names the agent sends
/// (a 5,000-character service name) or a TLS error quoting every name of a
/// certificate must not make the first line unreadable.
const SUMMARY_LIMIT: usize = 400;
const DETAIL_LIMIT: usize = 1000;
const KEPT_END: usize = 80;

/// Human text may quote names from the agent (mounts, services). A `|`
/// would start perfdata early and a newline would end the first line, so
/// both are replaced.
fn push_plain_text(out: &mut String, text: &str) {
    push_replacing(out, text, plain_text_char);
}

fn plain_text_char(c: char) -> Option<char> {
    match c {
        '|' => Some('¦'),
        c if c.is_control() => Some(' '),
        _ => None,
    }
}

/// [`push_plain_text`] for the first line, where Nagios turns a `;` into
/// `:`: done here, a message the API sent reads the same in every daemon.
fn push_first_line_text(out: &mut String, text: &str) {
    push_replacing(out, text, |c| match c {
        ';' => Some(':'),
        c => plain_text_char(c),
    });
}

/// Appends `text` with the characters `replace` maps replaced; text
/// without any (the usual case) is copied whole instead of char by char.
fn push_replacing(out: &mut String, text: &str, replace: impl Fn(char) -> Option<char>) {
    // Printable ASCII other than these is never replaced by any caller.
    let plain = |b: &u8| matches!(b, b' '..=b'~') && !matches!(b, b'|' | b';' | b'=' | b'\'');
    if text.bytes().all(|b| plain(&b)) {
        out.push_str(text);
    } else {
        out.extend(text.chars().map(|c| replace(c).unwrap_or(c)));
    }
}

/// Byte counts for people: both numbers in the unit of the larger one,
/// e.g. `710.9 of 936.8 GiB`, unless the part would show as less than 0.1
/// of it (`44.0 KiB of 30.0 MiB`, not `0.0 of 30.0 MiB`).
pub fn bytes_of(part: u64, whole: u64) -> String {
    match binary_unit(whole as f64) {
        (_, "B") => format!("{part} of {whole} B"),
        (scale, unit) if part as f64 >= 0.1 * scale => format!(
            "{:.1} of {:.1} {unit}",
            part as f64 / scale,
            whole as f64 / scale
        ),
        (scale, unit) => format!(
            "{} of {:.1} {unit}",
            bytes(part as f64),
            whole as f64 / scale
        ),
    }
}

/// One byte count for people, e.g. `521.8 KiB`.
pub fn bytes(amount: f64) -> String {
    match binary_unit(amount) {
        (_, "B") => format!("{} B", amount.round()),
        (scale, unit) => format!("{:.1} {unit}", amount / scale),
    }
}

/// The largest binary unit not above `amount`, with its size in bytes.
fn binary_unit(amount: f64) -> (f64, &'static str) {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut exponent = 0;
    while exponent + 1 < UNITS.len() && amount >= 1024f64.powi(exponent as i32 + 1) {
        exponent += 1;
    }
    (1024f64.powi(exponent as i32), UNITS[exponent])
}

/// A duration for people: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86400, s % 86400 / 3600),
    }
}

static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Registers a string that must never be printed (the API token, in every
/// form it was given), before anything could print it.
pub fn add_secret(secret: &str) {
    if !secret.is_empty() {
        let mut secrets = secrets();
        secrets.push(secret.to_string());
        // Longest first: a shorter secret inside a longer one (a path that
        // holds part of the token) must not break the longer one up before
        // it is replaced.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// The registered secrets, even after a panic while they were held: the
/// panic hook prints through [`redact`] too.
fn secrets() -> std::sync::MutexGuard<'static, Vec<String>> {
    SECRETS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Replaces every registered secret with `***`.
pub fn redact(text: &str) -> String {
    let mut text = text.to_string();
    for secret in secrets().iter() {
        // Copied only when the secret is there: output is rarely redacted.
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), "***");
        }
    }
    text
}

/// Writes to stdout, redacted. Plugins report on stdout only: Nagios shows
/// stderr only when stdout is empty, and Icinga mixes the two.
pub fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(redact(text).as_bytes());
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn a_secret_inside_a_longer_one_does_not_break_it_up() {
        add_secret("Part1OfTheToken");
        add_secret("Part1OfTheTokenAndTheRestOfItXYZ");
        assert_eq!(redact("key Part1OfTheTokenAndTheRestOfItXYZ"), "key ***");
    }

    #[test]
    fn worst_ranks_unknown_between_warning_and_critical() {
        assert_eq!(State::Ok.worst(State::Warning), State::Warning);
        assert_eq!(State::Warning.worst(State::Unknown), State::Unknown);
        assert_eq!(State::Unknown.worst(State::Critical), State::Critical);
        assert_eq!(State::Critical.worst(State::Unknown), State::Critical);
    }

    #[rstest]
    #[case(Perfdata::new("cpu", 9.26, Unit::Percent).thresholds(Some("80".parse().unwrap()), Some("90".parse().unwrap())).bounds(Some(0.0), Some(100.0)),
           Some("'cpu'=9.26%;80;90;0;100"))]
    #[case(Perfdata::new("/", 763354265949.0, Unit::Bytes).thresholds(Some("80".parse::<Range>().unwrap().percent_of(1000.0)), None).bounds(Some(0.0), Some(1e12)),
           Some("'/'=763354265949B;800;;0;1000000000000"))]
    #[case(Perfdata::new("age", 42.0, Unit::Seconds), Some("'age'=42s"))]
    #[case(Perfdata::new("/_inodes", 350.0, Unit::Count).thresholds(Some("80".parse::<Range>().unwrap().percent_of(65536.0)), None).bounds(Some(0.0), Some(65536.0)),
           Some("'/_inodes'=350;52428.8;;0;65536"))]
    #[case(Perfdata::new("a'b=c|d", 1.0, Unit::None), Some("'a_b_c_d'=1"))]
    #[case(Perfdata::new("x", f64::NAN, Unit::None), None)]
    #[case(Perfdata::new("x", 1e-9, Unit::None), Some("'x'=0.000000001"))]
    #[case(Perfdata::new("q", 10.0004, Unit::None).thresholds(Some("10".parse().unwrap()), None), Some("'q'=10.0004;10"))]
    fn renders_perfdata(#[case] perf: Perfdata, #[case] expected: Option<&str>) {
        assert_eq!(perf.render().as_deref(), expected);
    }

    #[test]
    fn long_labels_are_capped_and_stay_distinct() {
        let long = |tail: &str| format!("/{}{tail}", "m".repeat(7 * 1024 * 1024));
        let render = |label: String| Perfdata::new(label, 1.0, Unit::None).render().unwrap();
        let (a, b) = (render(long("a")), render(long("b")));
        assert_ne!(a, b);
        assert_eq!(a, render(long("a")), "the same label every run");
        assert_eq!(a.len(), "''=1".len() + LABEL_LIMIT, "{a}");
        let report = Report {
            summary: long("summary"),
            perfdata: vec![Perfdata::new(long("a"), 1.0, Unit::None)],
            ..Report::unknown("DISK", "")
        };
        assert!(report.render().len() < 1000, "{}", report.render().len());
        let short = "x".repeat(LABEL_LIMIT);
        assert_eq!(render(short.clone()), format!("'{short}'=1"));
        // The same label in every release too (SHA-256's first 4 bytes).
        assert!(
            render("x".repeat(LABEL_LIMIT + 1)).ends_with("~c675a2e6'=1"),
            "graphers would start a new series"
        );
    }

    #[test]
    fn report_keeps_pipes_semicolons_and_newlines_out_of_the_first_line() {
        let report = Report {
            label: "SERVICE".into(),
            state: State::Critical,
            summary: "a|b\nc;d offline".into(),
            details: vec!["x|y;z".into()],
            perfdata: vec![Perfdata::new("offline", 1.0, Unit::None)],
        };
        assert_eq!(
            report.render(),
            "SERVICE CRITICAL - a¦b c:d offline\nx¦y;z\n| 'offline'=1\n"
        );
    }

    #[test]
    fn shortening_never_cuts_a_url() {
        let url = "https://docs.hetrixtools.com/hdd-ssd-nvme-drive-health-monitor/";
        let text = format!(
            "{} see {url} then {}",
            "word ".repeat(30),
            "end ".repeat(30)
        );
        let short = shorten(&text, 120, 40);
        assert!(short.chars().count() <= 120, "{short}");
        for piece in short.split_whitespace().filter(|w| w.contains("http")) {
            assert_eq!(piece.trim_start_matches('…'), url, "{short}");
        }
        assert!(short.contains("word…end"), "cut between words: {short}");
        let words = format!("{}{url} {}", "x".repeat(100), "tail ".repeat(10));
        let short = shorten(&words, 90, 30);
        assert!(
            !short.contains("https"),
            "the URL at the cut is left out: {short}"
        );
    }

    #[rstest]
    #[case("a bb ccc dddd", 6, &["a bb", "ccc", "dddd"])]
    #[case("see https://example.com/a/very/long/path now", 10, &["see", "https://example.com/a/very/long/path", "now"])]
    #[case("  spaced   out  ", 80, &["spaced out"])]
    #[case("", 80, &[])]
    fn wraps_between_words(#[case] text: &str, #[case] width: usize, #[case] lines: &[&str]) {
        assert_eq!(wrap(text, width), lines);
    }

    fn report(details: usize, perfdata: usize) -> Report {
        Report {
            label: "DISK".into(),
            state: State::Ok,
            summary: format!("{details} mounts OK"),
            details: (0..details)
                .map(|i| format!("[OK] /srv/vol{i:04} 56.9% used (3.1 of 5.5 TiB)"))
                .collect(),
            perfdata: (0..perfdata)
                .map(|i| {
                    Perfdata::new(
                        format!("/srv/vol{i:04}"),
                        3413452694905.0 + i as f64,
                        Unit::Bytes,
                    )
                    .bounds(Some(0.0), Some(5999038128128.0))
                })
                .collect(),
        }
    }

    #[test]
    fn problems_keep_their_lines_when_ok_lines_are_left_out() {
        let mut big = report(1000, 0);
        big.details
            .push("[CRITICAL] /srv/full 99.0% used (5.4 of 5.5 TiB)".into());
        let out = big.render();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "[CRITICAL] /srv/full 99.0% used (5.4 of 5.5 TiB)");
        assert_eq!(lines[2], "[OK] /srv/vol0000 56.9% used (3.1 of 5.5 TiB)");
        // Output that fits keeps its order.
        let mut small = report(3, 0);
        small.details.push("[WARNING] /x".into());
        assert_eq!(small.render().lines().last(), Some("[WARNING] /x"));
    }

    #[test]
    fn values_past_their_thresholds_keep_their_place_when_others_are_left_out() {
        let full = |label: &str| {
            Perfdata::new(label, 5.9e12, Unit::Bytes)
                .thresholds(Some("5000000000000".parse().unwrap()), None)
                .bounds(Some(0.0), Some(5999038128128.0))
        };
        let mut big = report(0, 1000);
        big.perfdata.push(full("/srv/full"));
        let out = big.render();
        assert!(out.contains("'/srv/full'=5900000000000B;"), "{out}");
        assert!(out.contains("perfdata values left out"), "{out}");
        // Output that fits keeps its order.
        let mut small = report(0, 2);
        small.perfdata.insert(0, full("/srv/first"));
        let out = small.render();
        assert!(out.contains("| '/srv/first'="), "{out}");
        assert!(out.trim_end().ends_with(";0;5999038128128"), "{out}");
        assert!(
            out.find("'/srv/vol0000'") < out.find("'/srv/vol0001'"),
            "{out}"
        );
    }

    #[test]
    fn repeated_labels_are_numbered() {
        let mut twice = report(0, 3);
        twice.perfdata[2].label = "/srv/vol0000".into();
        let out = twice.render();
        assert!(out.contains("| '/srv/vol0000'=3413452694905B;"), "{out}");
        assert!(out.contains(" '/srv/vol0000 #2'=3413452694907B;"), "{out}");
        assert_eq!(out.matches("'=").count(), 3, "{out}");
    }

    #[test]
    fn small_outputs_are_whole_with_perfdata_after_the_long_output() {
        let out = report(3, 3).render();
        assert_eq!(out.lines().count(), 5, "{out}");
        assert!(
            out.lines()
                .last()
                .unwrap()
                .starts_with("| '/srv/vol0000'=3413452694905B;;;0;")
        );
        assert_eq!(out.matches("'=").count(), 3, "{out}");
        assert!(!out.contains("left out"), "{out}");
    }

    #[rstest]
    #[case(1000, 1000, 35, 35)]
    #[case(1000, 0, 60, 0)]
    #[case(3, 1000, 3, 60)]
    #[case(0, 1000, 0, 60)]
    fn large_outputs_fit_nagios_in_whole_lines_and_values(
        #[case] details: usize,
        #[case] perfdata: usize,
        #[case] at_least_lines: usize,
        #[case] at_least_values: usize,
    ) {
        let out = report(details, perfdata).render();
        assert!(out.len() <= OUTPUT_LIMIT, "{} bytes", out.len());
        assert!(out.starts_with(&format!("DISK OK - {details} mounts OK")));
        let lines = out
            .lines()
            .filter(|l| l.starts_with("[OK] /srv/vol"))
            .count();
        let (_, perf) = out.rsplit_once('|').unwrap_or_default();
        let values: Vec<&str> = perf.split_whitespace().collect();
        assert!(lines >= at_least_lines, "{lines} lines: {out}");
        assert!(
            values.len() >= at_least_values,
            "{} values: {out}",
            values.len()
        );
        // Whole values only: every one ends with its maximum.
        assert!(
            values.iter().all(|v| v.ends_with(";0;5999038128128")),
            "{out}"
        );
        if lines < details {
            assert!(
                out.contains(&format!("… {} more lines left out", details - lines)),
                "{out}"
            );
        }
        if values.len() < perfdata {
            let note = format!(
                "… {} of {perfdata} perfdata values left out",
                perfdata - values.len()
            );
            assert!(out.contains(&note), "{out}");
        }
    }

    #[rstest]
    #[case(763354265949, 1005869371392, "710.9 of 936.8 GiB")]
    #[case(500, 1000, "500 of 1000 B")]
    #[case(0, 2048, "0 B of 2.0 KiB")]
    #[case(45056, 31457280, "44.0 KiB of 30.0 MiB")]
    #[case(3145728, 31457280, "3.0 of 30.0 MiB")]
    fn formats_byte_pairs(#[case] part: u64, #[case] whole: u64, #[case] text: &str) {
        assert_eq!(bytes_of(part, whole), text);
    }

    #[rstest]
    #[case(534350.0, "521.8 KiB")]
    #[case(145.0, "145 B")]
    #[case(0.0, "0 B")]
    #[case(52428800.0, "50.0 MiB")]
    fn formats_single_byte_counts(#[case] amount: f64, #[case] text: &str) {
        assert_eq!(bytes(amount), text);
    }

    #[rstest]
    #[case(5, "5 s")]
    #[case(125, "2 min")]
    #[case(3700, "1 h 1 min")]
    #[case(90000, "1 d 1 h")]
    #[case(-4, "0 s")]
    fn formats_durations(#[case] seconds: i64, #[case] text: &str) {
        assert_eq!(duration(seconds), text);
    }
}
