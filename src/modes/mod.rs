//! Check modes. Each mode is one file exporting a [`Mode`]; registering it
//! is one line in [`MODES`].

use crate::api::request::Call;
use crate::api::{self, Version};
use crate::failure::Failure;
use crate::model::Snapshot;
use crate::output::{Perfdata, State, duration};
use crate::range::{Range, format_decimals, format_exact};

mod all;
mod blacklist;
mod cpu;
mod disk;
mod domain;
mod expiry;
mod freshness;
mod inodes;
mod iowait;
mod load;
mod mounts;
mod net;
pub mod options;
mod ping;
mod plan;
mod ports;
mod quota;
mod raid;
mod ram;
mod reboot;
mod services;
mod smart;
mod ssl;
mod status;
mod steal;
mod swap;
mod temp;
mod uptime;
mod usage;
mod var;

pub use options::{OptionGroup, Options};
pub use plan::{Plan, evaluate, own_defaults};

/// Every mode, in the order `--help` lists them.
pub const MODES: &[&Mode] = &[
    &cpu::MODE,
    &ram::MODE,
    &disk::MODE,
    &raid::MODE,
    &smart::MODE,
    &services::ALL,
    &services::ONE,
    &freshness::MODE,
    &swap::MODE,
    &iowait::MODE,
    &inodes::MODE,
    &net::MODE,
    &ports::ALL,
    &ports::ONE,
    &reboot::MODE,
    &uptime::MODE,
    &all::MODE,
    &quota::MODE,
    &load::MODE,
    &temp::MODE,
    &steal::MODE,
    &ping::MODE,
    &var::MODE,
    &status::MODE,
    &ssl::MODE,
    &domain::MODE,
    &blacklist::MODE,
];

pub struct Mode {
    /// What users type after `-m`, before any `:<argument>`.
    pub name: &'static str,
    /// How the mode's argument (`disk:<mount>`) is named in help and
    /// errors; `None` when the mode takes none.
    pub argument: Argument,
    /// First word of the output line.
    pub label: &'static str,
    pub default_warning: Option<&'static str>,
    pub default_critical: Option<&'static str>,
    /// Whether old data must end UNKNOWN (see `--max-age`). Only the mode
    /// that measures the age itself looks at stale data.
    pub needs_fresh_data: bool,
    /// Which APIs report the mode's data.
    pub api: Apis,
    /// Which API call the mode reads.
    pub source: Call,
    /// What `-w`/`-c` hold for this mode.
    pub thresholds: ThresholdKind,
    /// The mode-specific options it reads; any other is refused (see
    /// `options::configure`).
    pub accepts: &'static [OptionGroup],
    pub check: fn(&Context) -> Result<Outcome, Failure>,
}

/// Which APIs report a mode's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apis {
    Both,
    /// On v1 the mode ends UNKNOWN before any API call is spent.
    V3Only,
}

/// What a mode's `-w`/`-c` hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ThresholdKind {
    /// One range each, plain numbers.
    Plain,
    /// One range each, percentages: a number may end in `%` (`-w 80%`).
    Percent,
    /// One range each; size suffixes (K, M, G, T) allowed.
    Sizes,
    /// One range each, percentages, or absolute amounts when written with
    /// a size suffix; every threshold of a check in one unit.
    PercentOrSizes,
    /// Comma lists, one range per position.
    Lists(&'static ListShape),
    /// None at all; the text says why and what to use instead.
    Refused(&'static str),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Argument {
    None,
    Optional(&'static str),
    Required(&'static str),
}

impl Mode {
    /// What a mode file's `..Mode::DEFAULT` fills in: no argument, no
    /// default thresholds, fresh data from either API, plain ranges, no
    /// mode-specific options. Every mode sets its own name, label and check.
    pub const DEFAULT: Mode = Mode {
        name: "",
        argument: Argument::None,
        label: "",
        default_warning: None,
        default_critical: None,
        needs_fresh_data: true,
        api: Apis::Both,
        source: api::AGENT_DATA,
        thresholds: ThresholdKind::Plain,
        accepts: &[],
        check: |_| Err(Failure::new("this mode has no check")),
    };

    /// The mode's own default thresholds, as `all` applies them.
    pub fn default_thresholds(&self) -> Result<Thresholds, Failure> {
        if let ThresholdKind::Lists(_) = self.thresholds {
            // Its defaults are comma lists: see `ThresholdLists::parse`.
            return Ok(Thresholds::default());
        }
        let parse = |text: Option<&str>| {
            text.map(|t| {
                Range::parse_sized(t).map_err(|e| {
                    Failure::new(format!("mode {}: bad default threshold: {e}", self.name))
                })
            })
            .transpose()
        };
        Ok(Thresholds {
            warning: parse(self.default_warning)?,
            critical: parse(self.default_critical)?,
        })
    }

    /// How `--help` shows the mode, e.g. `disk[:<mount>]`.
    pub fn usage(&self) -> String {
        match self.argument {
            Argument::None => self.name.to_string(),
            Argument::Optional(arg) => format!("{}[:<{arg}>]", self.name),
            Argument::Required(arg) => format!("{}:<{arg}>", self.name),
        }
    }
}

/// Every mode as `-m` takes it, e.g. `cpu, disk[:<mount>], ...`.
pub fn usages() -> String {
    MODES
        .iter()
        .map(|m| m.usage())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds the mode for `-m` text like `disk:/var lib`, returning it with its
/// argument.
pub fn find(text: &str) -> Result<(&'static Mode, Option<String>), Failure> {
    let (name, argument) = match text.split_once(':') {
        Some((name, argument)) => (name, Some(argument.to_string())),
        None => (text, None),
    };
    let mode = MODES
        .iter()
        .find(|m| m.name == name)
        .ok_or_else(|| Failure::new(format!("unknown mode '{text}' (modes are: {})", usages())))?;
    match (mode.argument, &argument) {
        (Argument::None, Some(_)) => Err(Failure::new(format!(
            "mode '{name}' takes no ':<argument>' (use -m {name})"
        ))),
        (Argument::Required(arg), None) => Err(Failure::new(format!(
            "mode '{name}' needs a {arg}: -m {name}:<{arg}>"
        ))),
        (_, Some(a)) if a.is_empty() => Err(Failure::new(format!(
            "mode '{text}' has an empty argument after ':'"
        ))),
        _ => Ok((mode, argument)),
    }
}

/// What a mode gets to work with.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    /// The API the snapshot came from, for modes that run others (`all`).
    pub api: Version,
    /// The text after `mode:`, if any.
    pub argument: Option<&'a str>,
    pub thresholds: Thresholds,
    /// Number of newest Stats minutes to average (`--window`).
    pub window: usize,
    /// Unix seconds.
    pub now: i64,
    /// `--max-age` in seconds (0: off), for modes that gate sub-checks.
    pub max_age: u64,
    /// Options only some modes read (mount selection, `--free`, comma
    /// lists, ...).
    pub options: &'a Options,
    /// `-v` count, for modes that have more to say.
    pub verbose: u8,
}

/// Whether the agent's data is recent enough to judge the server by
/// (`--max-age`, 0 = always): a dead agent's last numbers are not the
/// server's state.
pub fn fresh_enough(snapshot: &Snapshot, now: i64, max_age: u64) -> Result<(), Failure> {
    if max_age == 0 {
        return Ok(());
    }
    let last = snapshot.last_data.ok_or_else(|| {
        Failure::new("the API did not say when the agent last sent data, so its age is unknown (--max-age 0 skips this check)")
    })?;
    // Saturating: a timestamp of i64::MIN from the API is very old, not a panic.
    let age = now.saturating_sub(last);
    if age > i64::try_from(max_age).unwrap_or(i64::MAX) {
        return Err(Failure::new(format!(
            "data is stale: last agent data {} ago (--max-age {max_age} s) - is the agent running?",
            duration(age)
        )));
    }
    Ok(())
}

/// The items a mode checks: all of them, or the one `-m mode:<name>` names.
/// An unknown name lists the names the agent does report, so a typo in a
/// service definition is quick to fix.
pub fn select<'a, T>(
    items: &'a [T],
    argument: Option<&str>,
    what: &str,
    name_of: impl Fn(&T) -> String,
) -> Result<Vec<&'a T>, Failure> {
    let Some(wanted) = argument else {
        return Ok(items.iter().collect());
    };
    match items.iter().find(|item| name_of(item) == wanted) {
        Some(item) => Ok(vec![item]),
        None => {
            let names: Vec<String> = items.iter().map(name_of).collect();
            Err(Failure::new(format!(
                "{what} '{wanted}' not reported by the agent (it reports: {})",
                names.join(", ")
            )))
        }
    }
}

/// The failure of a mode whose data the agent did not send. Windows agents
/// never send some sections; Linux agents need the feature enabled, which
/// `enable` explains.
pub fn not_reported(snapshot: &Snapshot, what: &str, enable: &str) -> Failure {
    if snapshot.windows_agent() {
        Failure::missing(format!(
            "Windows agents do not report {what}: this mode needs a Linux agent"
        ))
    } else {
        Failure::missing(format!("no {what} reported by the agent: {enable}"))
    }
}

/// Warning and critical ranges after defaults were applied.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Thresholds {
    pub warning: Option<Range>,
    pub critical: Option<Range>,
}

impl Thresholds {
    /// Critical is checked first, so a value past both is CRITICAL.
    pub fn state_of(&self, value: f64) -> State {
        if self.critical.is_some_and(|r| r.alerts(value)) {
            State::Critical
        } else if self.warning.is_some_and(|r| r.alerts(value)) {
            State::Warning
        } else {
            State::Ok
        }
    }

    /// Judges `metric`'s value and gives its perfdata these thresholds, so
    /// what the graph shows always agrees with the state beside it.
    pub fn judge(&self, metric: Perfdata) -> Judged {
        Judged {
            state: self.state_of(metric.value),
            perfdata: metric.thresholds(self.warning, self.critical),
        }
    }

    /// The range that raised `state` (`None` for OK or UNKNOWN).
    pub fn alerting(&self, state: State) -> Option<Range> {
        match state {
            State::Critical => self.critical,
            State::Warning => self.warning,
            _ => None,
        }
    }

    /// `value` for people: to three decimals without trailing zeros,
    /// unless the rounded number would reach another state than `value`
    /// does (10.0004 past `-w 10` must not read "10"); see [`Self::shown_to`].
    pub fn shown(&self, value: f64) -> String {
        self.shown_to(value, self.state_of(value), 3, format_decimals)
    }

    /// `value` written by `format` with `decimals` decimals, or with as
    /// many more as the rounded number needs to reach `state` (the state
    /// the reader sees next to it), or else exactly, as perfdata prints it.
    pub fn shown_to(
        &self,
        value: f64,
        state: State,
        decimals: usize,
        format: fn(f64, usize) -> String,
    ) -> String {
        (decimals..=9)
            .map(|d| format(value, d))
            .find(|text| text.parse::<f64>().is_ok_and(|r| self.state_of(r) == state))
            .unwrap_or_else(|| format_exact(value))
    }
}

/// A value judged against thresholds: its state, and its perfdata carrying
/// the thresholds it was judged by (see [`Thresholds::judge`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub state: State,
    pub perfdata: Perfdata,
}

impl Judged {
    /// The verdict of a mode that checks this one value.
    pub fn outcome(self, summary: String) -> Outcome {
        Outcome {
            state: self.state,
            summary,
            details: Vec::new(),
            perfdata: vec![self.perfdata],
            subchecks: Vec::new(),
        }
    }
}

/// How `value` crosses `range`, for people, with `amount` writing the
/// numbers: `< 10.0 GiB`, `> 50.0 MiB/s`, `within 1.0 GiB … 2.0 GiB`.
pub fn crossed(range: Range, value: f64, amount: impl Fn(f64) -> String) -> String {
    if range.inside {
        format!("within {} … {}", amount(range.start), amount(range.end))
    } else if value < range.start {
        format!("< {}", amount(range.start))
    } else {
        format!("> {}", amount(range.end))
    }
}

/// `-w`/`-c` as comma lists, in the style of check_load (`-w 5,4,3`) and
/// check_ping (`-w 200,20%`): one range per position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThresholdLists {
    pub warning: Vec<Range>,
    pub critical: Vec<Range>,
}

/// What the positions of a mode's threshold lists mean.
#[derive(Debug, PartialEq)]
pub struct ListShape {
    /// Position names for messages. A name ending in `%` lets its value
    /// end in `%` too, as check_ping's packet loss does.
    pub positions: &'static [&'static str],
    /// Whether one range may stand for every position (check_load `-w 5`).
    pub one_for_all: bool,
    pub example: &'static str,
}

impl ThresholdLists {
    /// The lists of a mode with [`ThresholdKind::Lists`] (given, else the
    /// mode's defaults); `None` for modes with single ranges.
    pub fn parse(
        mode: &Mode,
        warning: Option<&str>,
        critical: Option<&str>,
    ) -> Result<Option<ThresholdLists>, Failure> {
        let ThresholdKind::Lists(shape) = mode.thresholds else {
            return Ok(None);
        };
        let list = |text: Option<&str>, flag: &str| -> Result<Vec<Range>, Failure> {
            let Some(text) = text else {
                return Ok(Vec::new());
            };
            let parts: Vec<&str> = text.split(',').collect();
            let positions = shape.positions;
            if parts.len() != positions.len() && !(parts.len() == 1 && shape.one_for_all) {
                return Err(Failure::new(format!(
                    "{flag}: mode {} takes {} comma-separated ranges ({}), e.g. {flag} {}",
                    mode.name,
                    positions.len(),
                    positions.join(","),
                    shape.example
                )));
            }
            parts
                .iter()
                .zip(positions)
                .map(|(part, position)| {
                    let part = match position.ends_with('%') {
                        true => part.strip_suffix('%').unwrap_or(part),
                        false => part,
                    };
                    part.parse::<Range>()
                        .map_err(|e| Failure::new(format!("{flag} ({position}): {e}")))
                })
                .collect()
        };
        Ok(Some(ThresholdLists {
            warning: list(warning.or(mode.default_warning), "-w")?,
            critical: list(critical.or(mode.default_critical), "-c")?,
        }))
    }

    /// The thresholds of position `index`; a single range stands for all.
    pub fn at(&self, index: usize) -> Thresholds {
        let pick = |list: &[Range]| match list {
            [one] => Some(*one),
            _ => list.get(index).copied(),
        };
        Thresholds {
            warning: pick(&self.warning),
            critical: pick(&self.critical),
        }
    }
}

/// A mode's verdict, before the label is added.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The worst of the sub-checks' states, computed once by the mode.
    pub state: State,
    pub summary: String,
    pub details: Vec<String>,
    pub perfdata: Vec<Perfdata>,
    /// The checks this verdict sums up, each with its own state, as the
    /// Monitoring Plugins' output library keeps them: `all`'s sub-checks,
    /// or (filled in by [`evaluate`]) the mode itself.
    pub subchecks: Vec<Subcheck>,
}

/// One mode's state within a verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Subcheck {
    /// The mode's name (`cpu`).
    pub mode: &'static str,
    pub state: State,
}

/// One checked item (a mount, a drive, a service) of a mode that checks
/// many.
pub struct Item {
    pub state: State,
    pub text: String,
}

impl Item {
    /// The text as one item of a first line (see [`first_line_words`]); the
    /// item's long-output line keeps it as it is.
    pub fn first_line_text(&self) -> String {
        first_line_words(&self.text)
    }
}

/// `text` fit to stand inside one item of a first line, where commas
/// separate the items: the agent's words may hold some (mdadm's array
/// state reads `clean, degraded, recovering`, a name may be `web, api`),
/// so they become spaces there. (`;` and `|` are the renderer's.)
pub fn first_line_words(text: &str) -> String {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One finding about an item (a drive's self-test, its error count), as
/// it reads leading an item's text and as a detail after the lead.
pub struct Finding {
    pub state: State,
    pub lead: String,
    pub detail: String,
}

impl Finding {
    pub fn new(state: State, text: impl Into<String>) -> Finding {
        let text = text.into();
        Finding {
            state,
            lead: text.clone(),
            detail: text,
        }
    }
}

/// An item whose text leads with its worst finding and keeps the rest in
/// parentheses, without commas, which separate the items of a first line:
/// `sda: 56 SMART errors (SMART PASSED)`.
pub fn problem_first(name: &str, mut findings: Vec<Finding>) -> Item {
    findings.sort_by_key(|f| f.state.most_severe_first());
    let state = findings.iter().fold(State::Ok, |s, f| s.worst(f.state));
    let mut text = name.to_string();
    if let Some((lead, rest)) = findings.split_first() {
        text.push_str(&format!(": {}", lead.lead));
        if !rest.is_empty() {
            let details: Vec<&str> = rest.iter().map(|f| f.detail.as_str()).collect();
            text.push_str(&format!(" ({})", details.join(" and ")));
        }
    }
    Item { state, text }
}

/// How many problem items the first line names before "… and N more", so
/// it stays readable on a phone.
const SUMMARY_ITEMS: usize = 3;

/// The usual verdict for a mode over many items: the worst state wins, the
/// first line names the items in trouble (most severe first) or says all is
/// well, and every item gets a long-output line.
pub fn summarize(items: &[Item], all_ok: String, perfdata: Vec<Perfdata>) -> Outcome {
    let state = items.iter().fold(State::Ok, |s, i| s.worst(i.state));
    let mut problems: Vec<&Item> = items.iter().filter(|i| i.state != State::Ok).collect();
    problems.sort_by_key(|i| i.state.most_severe_first());
    let summary = if problems.is_empty() {
        all_ok
    } else {
        let mut named: Vec<String> = problems
            .iter()
            .take(SUMMARY_ITEMS)
            .map(|i| i.first_line_text())
            .collect();
        if problems.len() > SUMMARY_ITEMS {
            named.push(format!("… and {} more", problems.len() - SUMMARY_ITEMS));
        }
        named.join(", ")
    };
    Outcome {
        state,
        summary,
        details: items
            .iter()
            .map(|i| format!("[{}] {}", i.state, i.text))
            .collect(),
        perfdata,
        subchecks: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Unit;
    use rstest::rstest;

    #[rstest]
    #[case("disk", "disk", None)]
    #[case("disk:/var lib", "disk", Some("/var lib"))]
    #[case("disk:/a:b", "disk", Some("/a:b"))]
    #[case("service:nginx", "service", Some("nginx"))]
    fn finds_modes(#[case] text: &str, #[case] name: &str, #[case] argument: Option<&str>) {
        let (mode, arg) = find(text).unwrap();
        assert_eq!(mode.name, name);
        assert_eq!(arg.as_deref(), argument);
    }

    #[test]
    fn first_line_items_lose_the_commas_their_long_output_lines_keep() {
        let items = [
            Item {
                state: State::Warning,
                text: "md0 (state clean, degraded, recovering)".into(),
            },
            Item {
                state: State::Critical,
                text: "md1 inactive, failed,".into(),
            },
        ];
        let outcome = summarize(&items, String::new(), Vec::new());
        assert_eq!(
            outcome.summary,
            "md1 inactive failed, md0 (state clean degraded recovering)"
        );
        assert_eq!(
            outcome.details[0],
            "[WARNING] md0 (state clean, degraded, recovering)"
        );
    }

    #[rstest]
    #[case("nope", "unknown mode")]
    #[case("cpu:1", "takes no")]
    #[case("service", "needs a")]
    #[case("disk:", "empty argument")]
    fn rejects_bad_modes(#[case] text: &str, #[case] message: &str) {
        let error = find(text).err().unwrap().to_string();
        assert!(error.contains(message), "{error}");
    }

    #[rstest]
    #[case(Some("80"), Some("90"), 79.0, State::Ok)]
    #[case(Some("80"), Some("90"), 80.0, State::Ok)]
    #[case(Some("80"), Some("90"), 80.5, State::Warning)]
    #[case(Some("80"), Some("90"), 90.0, State::Warning)]
    #[case(Some("80"), Some("90"), 95.0, State::Critical)]
    #[case(Some("95"), Some("90"), 92.0, State::Critical)]
    #[case(None, None, 1e9, State::Ok)]
    fn thresholds_check_critical_first(
        #[case] warning: Option<&str>,
        #[case] critical: Option<&str>,
        #[case] value: f64,
        #[case] expected: State,
    ) {
        let thresholds = Thresholds {
            warning: warning.map(|w| w.parse().unwrap()),
            critical: critical.map(|c| c.parse().unwrap()),
        };
        assert_eq!(thresholds.state_of(value), expected);
    }

    #[rstest]
    #[case(9.0, State::Ok)]
    #[case(10.5, State::Warning)]
    #[case(25.0, State::Critical)]
    fn judging_gives_the_perfdata_the_thresholds_of_the_state(
        #[case] value: f64,
        #[case] expected: State,
    ) {
        let thresholds = Thresholds {
            warning: Some("10".parse().unwrap()),
            critical: Some("20".parse().unwrap()),
        };
        let metric = Perfdata::new("x", value, Unit::None).bounds(Some(0.0), None);
        let judged = thresholds.judge(metric.clone());
        assert_eq!(judged.state, expected);
        assert_eq!(
            judged.perfdata,
            metric.thresholds(thresholds.warning, thresholds.critical)
        );
    }

    #[rstest]
    #[case("10", 10.0004, "10.0004")]
    #[case("10", 9.9996, "10")]
    #[case("10", 10.0000001, "10.0000001")]
    #[case("10", 9.9999999, "10")]
    #[case("10", 12.3456789, "12.346")]
    #[case("~:", 10.0004, "10")]
    #[case("80", 80.04, "80.04")]
    #[case("80", 80.0001, "80.0001")]
    fn values_are_rounded_only_where_the_state_cannot_tell(
        #[case] warning: &str,
        #[case] value: f64,
        #[case] shown: &str,
    ) {
        let thresholds = Thresholds {
            warning: Some(warning.parse().unwrap()),
            critical: None,
        };
        assert_eq!(thresholds.shown(value), shown);
    }

    #[rstest]
    #[case("load", Some("5"), None, 2, Some("5"), None)]
    #[case("load", Some("5,4,3"), Some("10,8,6"), 2, Some("3"), Some("6"))]
    #[case("ping", None, None, 1, Some("20"), Some("60"))]
    #[case("ping", Some("100,5%"), Some("300,10"), 0, Some("100"), Some("300"))]
    fn threshold_lists_pick_their_position(
        #[case] mode: &str,
        #[case] warning: Option<&str>,
        #[case] critical: Option<&str>,
        #[case] index: usize,
        #[case] expected_warning: Option<&str>,
        #[case] expected_critical: Option<&str>,
    ) {
        let (mode, _) = find(mode).unwrap();
        let lists = ThresholdLists::parse(mode, warning, critical)
            .unwrap()
            .unwrap();
        let at = lists.at(index);
        assert_eq!(at.warning, expected_warning.map(|w| w.parse().unwrap()));
        assert_eq!(at.critical, expected_critical.map(|c| c.parse().unwrap()));
    }

    #[rstest]
    #[case("ping", "20%,200", "-w (ms): invalid range '20%'")]
    #[case("ping", "200", "mode ping takes 2 comma-separated ranges")]
    #[case("load", "5%", "-w (load1): invalid range '5%'")]
    #[case("load", "1,2,3,4", "mode load takes 3")]
    fn threshold_lists_reject_misplaced_values(
        #[case] mode: &str,
        #[case] warning: &str,
        #[case] message: &str,
    ) {
        let (mode, _) = find(mode).unwrap();
        let error = ThresholdLists::parse(mode, Some(warning), None)
            .unwrap_err()
            .to_string();
        assert!(error.contains(message), "{error}");
    }

    #[test]
    fn single_range_modes_have_no_lists() {
        let (mode, _) = find("cpu").unwrap();
        assert_eq!(ThresholdLists::parse(mode, Some("5,4"), None), Ok(None));
    }

    #[test]
    fn every_mode_sets_what_the_default_cannot() {
        for (index, mode) in MODES.iter().enumerate() {
            assert!(!mode.name.is_empty() && !mode.label.is_empty());
            assert!(
                MODES[..index].iter().all(|m| m.name != mode.name),
                "{} registered twice",
                mode.name
            );
        }
    }

    #[test]
    fn list_modes_have_list_defaults() {
        for mode in MODES {
            let lists = ThresholdLists::parse(mode, None, None).unwrap();
            let takes_lists = matches!(mode.thresholds, ThresholdKind::Lists(_));
            assert_eq!(lists.is_some(), takes_lists, "{}", mode.name);
        }
    }

    #[test]
    fn every_default_threshold_parses() {
        for mode in MODES {
            assert!(mode.default_thresholds().is_ok(), "{}", mode.name);
        }
    }

    #[test]
    fn items_lead_with_their_worst_finding() {
        let item = problem_first(
            "sda",
            vec![
                Finding::new(State::Ok, "SMART PASSED"),
                Finding {
                    state: State::Warning,
                    lead: "56 SMART errors".into(),
                    detail: "56 errors".into(),
                },
                Finding::new(State::Ok, "3% worn out"),
            ],
        );
        assert_eq!(item.state, State::Warning);
        assert_eq!(
            item.text,
            "sda: 56 SMART errors (SMART PASSED and 3% worn out)"
        );
    }

    #[test]
    fn summary_names_the_worst_items_first_and_counts_the_rest() {
        let item = |state, text: &str| Item {
            state,
            text: text.to_string(),
        };
        let items = vec![
            item(State::Warning, "w1"),
            item(State::Ok, "fine"),
            item(State::Critical, "c1"),
            item(State::Warning, "w2"),
            item(State::Unknown, "u1"),
        ];
        let outcome = summarize(&items, "all fine".into(), Vec::new());
        assert_eq!(outcome.state, State::Critical);
        assert_eq!(outcome.summary, "c1, u1, w1, … and 1 more");
        assert_eq!(outcome.details.len(), 5);
        assert_eq!(outcome.details[1], "[OK] fine");
    }
}
