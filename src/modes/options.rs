//! Options only some modes read, and the thresholds that depend on them:
//! mount selection and per-mount thresholds, free instead of used, the
//! state of a pending reboot, `--window`, `--per-cpu`, drive wear ranges,
//! comma-list thresholds and size suffixes. Which mode reads which is a
//! fact of the mode ([`Mode::accepts`], [`Mode::thresholds`]).
//!
//! Options that a mode would ignore are refused, so a typo in a service
//! definition shows up as UNKNOWN instead of as a check that silently
//! measures something else.

use std::borrow::Cow;

use regex_lite::Regex;

use super::{MODES, Mode, ThresholdKind, ThresholdLists, Thresholds};
use crate::api::Version;
use crate::failure::Failure;
pub use crate::flags::{ModeArgs, OptionGroup};
use crate::output::State;
use crate::range::{Range, has_size_suffix};

impl OptionGroup {
    /// The modes that accept the group, in `--help` order, for messages.
    pub fn modes(self) -> Vec<&'static str> {
        MODES
            .iter()
            .filter(|m| m.accepts.contains(&self))
            .map(|m| m.name)
            .collect()
    }
}

/// Refuses an option of `group` unless `mode` reads it.
pub fn refuse_unless_accepted(
    mode: &Mode,
    option: &str,
    group: OptionGroup,
) -> Result<(), Failure> {
    if mode.accepts.contains(&group) {
        return Ok(());
    }
    // The two wear ranges are one setting of one mode: named together.
    let option = match group {
        OptionGroup::Wear => "--wear-warning/--wear-critical",
        _ => option,
    };
    let modes = group.modes();
    Err(Failure::new(format!(
        "{option} applies to mode{} {} only, not to mode {}",
        if modes.len() > 1 { "s" } else { "" },
        modes.join(", "),
        mode.name
    )))
}

/// The options as typed on the command line (those [`Mode::accepts`]
/// governs already checked against the mode); enum words already read.
#[derive(Debug, Default)]
pub struct Given {
    pub warning: Option<String>,
    pub critical: Option<String>,
    /// The options only some modes accept, as parsed.
    pub args: ModeArgs,
    /// `--reboot-state`, already read as a state.
    pub reboot_state: Option<State>,
    /// `--maintenance-state`, already read as a state.
    pub maintenance_state: Option<State>,
    /// `--api`: drive wear needs v3.
    pub api: Version,
}

/// The mode-specific options, validated.
#[derive(Debug, Clone)]
pub struct Options {
    /// A mount is checked when it matches any of these (or there are none)…
    pub include: Vec<Regex>,
    /// …and none of these.
    pub exclude: Vec<Regex>,
    pub per_mount: Vec<MountThresholds>,
    /// Thresholds are sizes (bytes, inode counts) rather than percentages:
    /// they were written with a size suffix.
    pub absolute: bool,
    /// The state a pending reboot raises.
    pub reboot_state: State,
    /// `-w`/`-c` of the modes with [`ThresholdKind::Lists`]; empty for the
    /// others.
    pub lists: ThresholdLists,
    /// `--wear-warning`/`--wear-critical`, for SMART wearout percent.
    pub wear: Thresholds,
    /// How many of the heaviest processes an alert shows (0: none).
    pub top: usize,
    /// The state of a monitor in maintenance at HetrixTools.
    pub maintenance_state: State,
    /// Every option only some modes accept, as given: a mode reads one
    /// that needs no checking beyond its type (`--free`, `--per-cpu`)
    /// straight from here.
    pub args: ModeArgs,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            include: Vec::new(),
            exclude: Vec::new(),
            per_mount: Vec::new(),
            absolute: false,
            reboot_state: State::Warning,
            lists: ThresholdLists::default(),
            wear: Thresholds::default(),
            top: DEFAULT_TOP,
            maintenance_state: State::Ok,
            args: ModeArgs::default(),
        }
    }
}

/// Processes an alert shows unless `--top` says otherwise.
const DEFAULT_TOP: usize = 5;

/// The most the processes call returns in one page.
const MAX_TOP: usize = 200;

/// Thresholds for one mount that replace the general ones; `None` keeps
/// the general range.
#[derive(Debug, Clone, PartialEq)]
pub struct MountThresholds {
    pub mount: String,
    pub warning: Option<Range>,
    pub critical: Option<Range>,
}

/// `--free` flips the defaults: alert when less than 20 % / 10 % is free.
const FREE_WARNING: &str = "20:";
const FREE_CRITICAL: &str = "10:";

impl Options {
    /// The thresholds for `mount`: its `--mount-warning/--mount-critical`
    /// where given, else the general ones.
    pub fn thresholds_for(&self, mount: &str, general: Thresholds) -> Thresholds {
        self.per_mount
            .iter()
            .filter(|m| m.mount == mount)
            .fold(general, |t, m| Thresholds {
                warning: m.warning.or(t.warning),
                critical: m.critical.or(t.critical),
            })
    }

    /// Whether the mount selection keeps `mount`.
    pub fn selects(&self, mount: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|r| r.is_match(mount)))
            && !self.exclude.iter().any(|r| r.is_match(mount))
    }

    pub fn selects_mounts(&self) -> bool {
        !self.include.is_empty() || !self.exclude.is_empty()
    }
}

/// The modes whose thresholds may carry size suffixes, for messages: those
/// where sizes are the only unit first, then those where a suffix makes
/// thresholds absolute (the order `--help` explains them in).
fn sized_modes() -> Vec<&'static str> {
    let of = |kind: ThresholdKind| MODES.iter().filter(move |m| m.thresholds == kind);
    of(ThresholdKind::Sizes)
        .chain(of(ThresholdKind::PercentOrSizes))
        .map(|m| m.name)
        .collect()
}

/// A percentage range as Monitoring Plugins users write it (`80%`,
/// `@10%:20%`) without the signs: a `%` may end each number.
fn without_percent_signs(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let parts: Vec<&str> = text
        .split(':')
        .map(|part| part.strip_suffix('%').unwrap_or(part))
        .collect();
    Cow::Owned(parts.join(":"))
}

/// Validates the options for `mode` and resolves its thresholds. Errors
/// come in the order the options are read here.
pub fn configure(mode: &Mode, given: Given) -> Result<(Thresholds, Options), Failure> {
    // Comma lists (`ThresholdKind::Lists`) are not single ranges: the
    // single-range thresholds must not see them.
    let lists = ThresholdLists::parse(mode, given.warning.as_deref(), given.critical.as_deref())?;
    let (warning, critical) = match lists {
        Some(_) => (None, None),
        None => (given.warning.as_deref(), given.critical.as_deref()),
    };
    if let ThresholdKind::Refused(why) = mode.thresholds
        && (warning.is_some() || critical.is_some())
    {
        return Err(Failure::new(why));
    }
    let (default_warning, default_critical) = if given.args.free {
        (Some(FREE_WARNING), Some(FREE_CRITICAL))
    } else if lists.is_some() {
        // Its defaults are comma lists, read by `ThresholdLists`.
        (None, None)
    } else {
        (mode.default_warning, mode.default_critical)
    };
    let mut unit = Unit::new(mode);
    let mut threshold = |given: Option<&str>, default: Option<&str>, option: &str| {
        let named = match given {
            Some(_) => option.to_string(),
            None => format!("the default {option}"),
        };
        given
            .or(default)
            .map(|text| {
                unit.agree(text, &named)?;
                range(mode, text, option)
            })
            .transpose()
    };
    let thresholds = Thresholds {
        warning: threshold(warning, default_warning, "-w")?,
        critical: threshold(critical, default_critical, "-c")?,
    };
    let per_mount = per_mount(mode, &given, &mut unit)?;
    let options = Options {
        include: regexes(&given.args.include, "--include")?,
        exclude: regexes(&given.args.exclude, "--exclude")?,
        per_mount,
        absolute: unit.is_sizes(),
        reboot_state: given.reboot_state.unwrap_or(State::Warning),
        lists: lists.unwrap_or_default(),
        wear: wear(&given)?,
        top: top(&given)?,
        maintenance_state: given.maintenance_state.unwrap_or(State::Ok),
        args: given.args,
    };
    Ok((thresholds, options))
}

/// `text` as a range of `mode`'s kind: percent signs where it measures a
/// percentage, size suffixes where it measures sizes.
fn range(mode: &Mode, text: &str, option: &str) -> Result<Range, Failure> {
    let text = match (text.contains('%'), mode.thresholds) {
        (false, _) | (true, ThresholdKind::Percent | ThresholdKind::PercentOrSizes) => {
            without_percent_signs(text)
        }
        (true, ThresholdKind::Sizes) => {
            return Err(Failure::new(format!(
                "{option} {text}: mode {} measures bytes per second, not a percentage: \
                 drop the '%' (sizes may end in K, M, G or T, e.g. -w 50M)",
                mode.name
            )));
        }
        (true, _) => {
            return Err(Failure::new(format!(
                "{option} {text}: mode {} does not measure a percentage: drop the '%'",
                mode.name
            )));
        }
    };
    let text = text.as_ref();
    let sizes = matches!(
        mode.thresholds,
        ThresholdKind::Sizes | ThresholdKind::PercentOrSizes
    );
    // Only a number with a suffix gets this answer: `fooG` is no number.
    if !sizes && has_size_suffix(text) && Range::parse_sized(text).is_ok() {
        return Err(Failure::new(format!(
            "{option}: size suffixes (K, M, G, T) apply to modes {} only, not {}",
            sized_modes().join(", "),
            mode.name
        )));
    }
    let parsed = if sizes {
        Range::parse_sized(text)
    } else {
        text.parse()
    };
    parsed.map_err(|e| Failure::new(format!("{option}: {e}")))
}

/// Every threshold of a disk/inodes check must be in one unit: all
/// percentages or all sizes. The unit of the first one sets it.
struct Unit {
    /// Whether the mode takes either unit (other modes have one).
    checked: bool,
    /// Whether the first threshold is a size, and how it was written.
    first: Option<(bool, String)>,
}

impl Unit {
    fn new(mode: &Mode) -> Unit {
        Unit {
            checked: mode.thresholds == ThresholdKind::PercentOrSizes,
            first: None,
        }
    }

    fn agree(&mut self, text: &str, option: &str) -> Result<(), Failure> {
        if !self.checked {
            return Ok(());
        }
        let sized = has_size_suffix(text);
        match &self.first {
            Some((first, first_text)) if *first != sized => Err(Failure::new(format!(
                "{option} {text} and {first_text} mix a size and a percentage: write every \
                 threshold of this check in one unit (e.g. -w 20G: -c 10G:, or -w 20: -c 10:)"
            ))),
            Some(_) => Ok(()),
            None => {
                self.first = Some((sized, format!("{option} {text}")));
                Ok(())
            }
        }
    }

    /// The thresholds are sizes (bytes, inode counts), not percentages.
    fn is_sizes(&self) -> bool {
        self.first.as_ref().is_some_and(|(sized, _)| *sized)
    }
}

/// `--mount-warning`/`--mount-critical`: `MOUNT=RANGE` each.
fn per_mount(mode: &Mode, given: &Given, unit: &mut Unit) -> Result<Vec<MountThresholds>, Failure> {
    let mut per_mount = Vec::new();
    for (texts, option, is_warning) in [
        (&given.args.mount_warning, "--mount-warning", true),
        (&given.args.mount_critical, "--mount-critical", false),
    ] {
        for text in texts {
            // Split at the last `=`: mounts may hold one, ranges never do.
            let (mount, range_text) = text
                .rsplit_once('=')
                .filter(|(mount, _)| !mount.is_empty())
                .ok_or_else(|| {
                    Failure::new(format!(
                        "{option} '{text}': expected MOUNT=RANGE, e.g. {option} /bak=95"
                    ))
                })?;
            // Two ranges for one mount are a typo or a copy-paste left-over;
            // keeping either silently would alert on the one not meant.
            // Each entry holds a warning or a critical range, not both.
            let same = |m: &MountThresholds| m.mount == mount && m.warning.is_some() == is_warning;
            if per_mount.iter().any(same) {
                return Err(Failure::new(format!(
                    "{option} names mount '{mount}' twice: give one range per mount"
                )));
            }
            unit.agree(range_text, option)?;
            let parsed = Some(range(mode, range_text, option)?);
            per_mount.push(MountThresholds {
                mount: mount.to_string(),
                warning: parsed.filter(|_| is_warning),
                critical: parsed.filter(|_| !is_warning),
            });
        }
    }
    Ok(per_mount)
}

/// `--include`/`--exclude`.
fn regexes(patterns: &[String], option: &str) -> Result<Vec<Regex>, Failure> {
    patterns
        .iter()
        .map(|p| {
            Regex::new(p).map_err(|e| {
                Failure::new(format!(
                    "{option}: invalid regular expression '{p}': {}",
                    e.to_string().lines().last().unwrap_or_default().trim()
                ))
            })
        })
        .collect()
}

/// `--wear-warning`/`--wear-critical`: percentages, reported by v3 only.
fn wear(given: &Given) -> Result<Thresholds, Failure> {
    let wear_range = |given: &Option<String>, flag: &str| {
        given
            .as_deref()
            .map(|text| {
                without_percent_signs(text)
                    .parse::<Range>()
                    .map_err(|e| Failure::new(format!("{flag}: {e}")))
            })
            .transpose()
    };
    let wear = Thresholds {
        warning: wear_range(&given.args.wear_warning, "--wear-warning")?,
        critical: wear_range(&given.args.wear_critical, "--wear-critical")?,
    };
    if given.api == Version::V1 && wear != Thresholds::default() {
        return Err(Failure::new(
            "--wear-warning and --wear-critical need --api v3: API v1 does not report drive wear",
        ));
    }
    Ok(wear)
}

/// `--top`: how many processes, from v3 only.
fn top(given: &Given) -> Result<usize, Failure> {
    let top = given.args.top.unwrap_or(DEFAULT_TOP);
    if top > MAX_TOP {
        return Err(Failure::new(format!(
            "--top must be 0 to {MAX_TOP} processes"
        )));
    }
    if given.api == Version::V1 && given.args.top.is_some_and(|n| n > 0) {
        return Err(Failure::new(
            "--top needs --api v3: API v1 does not report processes (--top 0 turns it off)",
        ));
    }
    Ok(top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modes::find;
    use rstest::rstest;

    fn given(warning: Option<&str>, critical: Option<&str>) -> Given {
        Given {
            warning: warning.map(str::to_string),
            critical: critical.map(str::to_string),
            ..Given::default()
        }
    }

    fn configured(mode: &str, given: Given) -> Result<(Thresholds, Options), Failure> {
        configure(find(mode).unwrap().0, given)
    }

    #[test]
    fn free_flips_the_default_thresholds() {
        let (thresholds, options) = configured(
            "disk",
            Given {
                args: ModeArgs {
                    free: true,
                    ..ModeArgs::default()
                },
                ..Given::default()
            },
        )
        .unwrap();
        assert_eq!(thresholds.warning, Some("20:".parse().unwrap()));
        assert_eq!(thresholds.critical, Some("10:".parse().unwrap()));
        assert!(options.args.free && !options.absolute);
    }

    #[test]
    fn size_suffixes_make_disk_thresholds_absolute() {
        let (thresholds, options) = configured("disk", given(Some("20G:"), Some("10G:"))).unwrap();
        assert_eq!(thresholds.warning.unwrap().start, 20.0 * 1073741824.0);
        assert!(options.absolute);
    }

    #[test]
    fn per_mount_thresholds_replace_only_what_they_name() {
        let (thresholds, options) = configured(
            "disk",
            Given {
                args: ModeArgs {
                    mount_warning: vec!["/bak=95".into(), "/a=b=50".into()],
                    mount_critical: vec!["/bak=98".into()],
                    ..ModeArgs::default()
                },
                ..Given::default()
            },
        )
        .unwrap();
        let bak = options.thresholds_for("/bak", thresholds);
        assert_eq!(bak.warning, Some("95".parse().unwrap()));
        assert_eq!(bak.critical, Some("98".parse().unwrap()));
        let odd = options.thresholds_for("/a=b", thresholds);
        assert_eq!(odd.warning, Some("50".parse().unwrap()));
        assert_eq!(odd.critical, thresholds.critical);
        assert_eq!(options.thresholds_for("/", thresholds), thresholds);
    }

    #[test]
    fn include_and_exclude_combine() {
        let (_, options) = configured(
            "disk",
            Given {
                args: ModeArgs {
                    include: vec!["^/(boot|bak)".into(), "^/$".into()],
                    exclude: vec!["^/bak".into()],
                    ..ModeArgs::default()
                },
                ..Given::default()
            },
        )
        .unwrap();
        let kept: Vec<&str> = ["/", "/bak", "/boot", "/etc/pve"]
            .into_iter()
            .filter(|m| options.selects(m))
            .collect();
        assert_eq!(kept, ["/", "/boot"]);
    }

    #[test]
    fn messages_name_the_modes_that_accept_an_option_in_help_order() {
        assert_eq!(OptionGroup::Mounts.modes(), ["disk", "inodes", "all"]);
        assert_eq!(OptionGroup::Free.modes(), ["disk", "inodes"]);
        assert_eq!(OptionGroup::RebootState.modes(), ["reboot", "all"]);
        assert_eq!(OptionGroup::PerCpu.modes(), ["load"]);
        assert_eq!(OptionGroup::Wear.modes(), ["smart"]);
        assert_eq!(OptionGroup::Top.modes(), ["cpu", "ram", "all"]);
        assert_eq!(OptionGroup::MaintenanceState.modes(), ["status"]);
        assert_eq!(
            OptionGroup::Window.modes(),
            ["cpu", "ram", "swap", "iowait", "all", "temp", "steal"]
        );
        assert_eq!(sized_modes(), ["net", "disk", "inodes"]);
    }

    #[rstest]
    #[case("cpu", "80%", "90%", "80", "90")]
    #[case("ram", "@10%:20%", "~:95%", "@10:20", "~:95")]
    #[case("disk", "20%:", "10%:", "20:", "10:")]
    #[case("steal", "5.", "10", "5", "10")]
    fn percentage_modes_take_percent_signs(
        #[case] mode: &str,
        #[case] warning: &str,
        #[case] critical: &str,
        #[case] expected_warning: &str,
        #[case] expected_critical: &str,
    ) {
        let (thresholds, _) = configured(mode, given(Some(warning), Some(critical))).unwrap();
        assert_eq!(thresholds.warning, Some(expected_warning.parse().unwrap()));
        assert_eq!(
            thresholds.critical,
            Some(expected_critical.parse().unwrap())
        );
    }

    #[test]
    fn one_mode_settings_land_in_the_options() {
        let (thresholds, options) = configured("load", given(Some("5,4,3"), Some("9"))).unwrap();
        assert_eq!(thresholds, Thresholds::default());
        assert_eq!(options.lists.warning.len(), 3);
        assert_eq!(options.lists.at(2).critical, Some("9".parse().unwrap()));
        let (_, options) = configured(
            "load",
            Given {
                args: ModeArgs {
                    per_cpu: true,
                    ..ModeArgs::default()
                },
                ..Given::default()
            },
        )
        .unwrap();
        assert!(options.args.per_cpu);
        let (_, options) = configured(
            "smart",
            Given {
                args: ModeArgs {
                    wear_critical: Some("90%".into()),
                    ..ModeArgs::default()
                },
                api: Version::V3,
                ..Given::default()
            },
        )
        .unwrap();
        assert_eq!(options.wear.critical, Some("90".parse().unwrap()));
        assert_eq!(options.wear.warning, None);
    }

    #[test]
    fn top_and_maintenance_state_land_in_the_options() {
        let (_, defaults) = configured("cpu", Given::default()).unwrap();
        assert_eq!(defaults.top, 5);
        let (_, off) = configured(
            "cpu",
            Given {
                args: ModeArgs {
                    top: Some(0),
                    ..ModeArgs::default()
                },
                ..Given::default()
            },
        )
        .unwrap();
        assert_eq!(off.top, 0);
        let (_, status) = configured(
            "status",
            Given {
                maintenance_state: Some(State::Warning),
                api: Version::V3,
                ..Given::default()
            },
        )
        .unwrap();
        assert_eq!(status.maintenance_state, State::Warning);
        assert_eq!(defaults.maintenance_state, State::Ok);
    }

    #[rstest]
    #[case("smart", Given { args: ModeArgs { wear_warning: Some("80".into()), ..ModeArgs::default() }, api: Version::V1, ..Given::default() }, "need --api v3")]
    #[case("smart", Given { args: ModeArgs { wear_warning: Some("x".into()), ..ModeArgs::default() }, api: Version::V3, ..Given::default() }, "--wear-warning: invalid range 'x'")]
    #[case(
        "ping",
        given(Some("200"), None),
        "mode ping takes 2 comma-separated ranges"
    )]
    #[case("cpu", Given { args: ModeArgs { top: Some(201), ..ModeArgs::default() }, api: Version::V3, ..Given::default() }, "--top must be 0 to 200")]
    #[case("cpu", Given { args: ModeArgs { top: Some(3), ..ModeArgs::default() }, api: Version::V1, ..Given::default() }, "--top needs --api v3")]
    fn refuses_one_mode_settings_that_do_not_fit(
        #[case] mode: &str,
        #[case] given: Given,
        #[case] message: &str,
    ) {
        let error = configured(mode, given)
            .expect_err("should fail")
            .to_string();
        assert!(
            error.contains(message),
            "{error:?} should mention {message:?}"
        );
    }

    #[rstest]
    #[case(
        "cpu",
        given(Some("5K"), None),
        "-w: size suffixes (K, M, G, T) apply to modes net, disk, inodes only"
    )]
    #[case(
        "disk",
        given(Some("20G:"), None),
        "the default -c 90 and -w 20G: mix a size and a percentage"
    )]
    #[case("disk", given(Some("20GB:"), Some("1G:")), "-w: invalid range '20GB:'")]
    #[case("disk", Given { args: ModeArgs { include: vec!["(".into()], ..ModeArgs::default() }, ..Given::default() }, "--include: invalid regular expression '('")]
    #[case("disk", Given { args: ModeArgs { mount_warning: vec!["95".into()], ..ModeArgs::default() }, ..Given::default() }, "expected MOUNT=RANGE")]
    #[case("disk", Given { args: ModeArgs { mount_warning: vec!["/=5G".into()], ..ModeArgs::default() }, ..Given::default() }, "mix a size and a percentage")]
    #[case("disk", Given { args: ModeArgs { mount_warning: vec!["/bak=95".into(), "/bak=90".into()], ..ModeArgs::default() }, ..Given::default() }, "--mount-warning names mount '/bak' twice")]
    #[case("inodes", Given { args: ModeArgs { mount_critical: vec!["/=95".into(), "/=95".into()], ..ModeArgs::default() }, ..Given::default() }, "--mount-critical names mount '/' twice")]
    #[case("all", given(Some("80"), None), "-w/-c do not apply")]
    #[case(
        "net",
        given(Some("80%"), None),
        "-w 80%: mode net measures bytes per second, not a percentage: drop the '%'"
    )]
    #[case(
        "freshness",
        given(None, Some("600%")),
        "-c 600%: mode freshness does not measure a percentage"
    )]
    #[case("cpu", given(Some("80%%"), None), "-w: invalid range '80%'")]
    fn refuses_options_that_do_not_fit(
        #[case] mode: &str,
        #[case] given: Given,
        #[case] message: &str,
    ) {
        let error = configured(mode, given)
            .expect_err("should fail")
            .to_string();
        assert!(
            error.contains(message),
            "{error:?} should mention {message:?}"
        );
    }
}
