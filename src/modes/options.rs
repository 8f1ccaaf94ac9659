//! Options only some modes read, and the thresholds that depend on them:
//! mount selection and per-mount thresholds (disk, inodes, all), free
//! instead of used (disk, inodes), the state of a pending reboot (reboot,
//! all), and which modes take size suffixes (net, disk, inodes).
//!
//! Options that a mode would ignore are refused, so a typo in a service
//! definition shows up as UNKNOWN instead of as a check that silently
//! measures something else.

use regex_lite::Regex;

use super::{Mode, Thresholds};
use crate::failure::Failure;
use crate::output::State;
use crate::range::{Range, has_size_suffix};

/// The options as typed on the command line.
#[derive(Debug, Default)]
pub struct Given {
    pub warning: Option<String>,
    pub critical: Option<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `MOUNT=RANGE`, repeatable.
    pub mount_warning: Vec<String>,
    pub mount_critical: Vec<String>,
    pub free: bool,
    pub reboot_state: Option<String>,
}

/// The mode-specific options, validated.
#[derive(Debug)]
pub struct Options {
    /// A mount is checked when it matches any of these (or there are none)…
    pub include: Vec<Regex>,
    /// …and none of these.
    pub exclude: Vec<Regex>,
    pub per_mount: Vec<MountThresholds>,
    /// Measure free space (or inodes) instead of used.
    pub free: bool,
    /// Thresholds are sizes (bytes, inode counts) rather than percentages:
    /// they were written with a size suffix.
    pub absolute: bool,
    /// The state a pending reboot raises.
    pub reboot_state: State,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            include: Vec::new(),
            exclude: Vec::new(),
            per_mount: Vec::new(),
            free: false,
            absolute: false,
            reboot_state: State::Warning,
        }
    }
}

/// Thresholds for one mount that replace the general ones; `None` keeps
/// the general range.
#[derive(Debug, Clone, PartialEq)]
pub struct MountThresholds {
    pub mount: String,
    pub warning: Option<Range>,
    pub critical: Option<Range>,
}

/// Modes that select mounts and accept per-mount thresholds.
const MOUNT_MODES: [&str; 3] = ["disk", "inodes", "all"];
/// Modes that can measure free instead of used.
const FREE_MODES: [&str; 2] = ["disk", "inodes"];
/// Modes whose thresholds may carry size suffixes.
const SIZE_MODES: [&str; 3] = ["net", "disk", "inodes"];
const REBOOT_MODES: [&str; 2] = ["reboot", "all"];

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

/// Validates the options for `mode` and resolves its thresholds.
pub fn configure(mode: &Mode, given: Given) -> Result<(Thresholds, Options), Failure> {
    let only = |used: bool, option: &str, modes: &[&str]| {
        if used && !modes.contains(&mode.name) {
            Err(Failure::new(format!(
                "{option} applies to mode{} {} only, not to mode {}",
                if modes.len() > 1 { "s" } else { "" },
                modes.join(", "),
                mode.name
            )))
        } else {
            Ok(())
        }
    };
    only(!given.include.is_empty(), "--include", &MOUNT_MODES)?;
    only(!given.exclude.is_empty(), "--exclude", &MOUNT_MODES)?;
    only(
        !given.mount_warning.is_empty(),
        "--mount-warning",
        &MOUNT_MODES,
    )?;
    only(
        !given.mount_critical.is_empty(),
        "--mount-critical",
        &MOUNT_MODES,
    )?;
    only(given.free, "--free", &FREE_MODES)?;
    only(
        given.reboot_state.is_some(),
        "--reboot-state",
        &REBOOT_MODES,
    )?;
    if mode.name == "all" && (given.warning.is_some() || given.critical.is_some()) {
        return Err(Failure::new(
            "mode all checks every mode against its own default thresholds, so -w/-c do not apply \
             (use --mount-warning/--mount-critical for mounts, or a single mode)",
        ));
    }

    let (default_warning, default_critical) = if given.free {
        (Some(FREE_WARNING), Some(FREE_CRITICAL))
    } else if super::takes_lists(mode) {
        // Its defaults are comma lists, read by `ThresholdLists`.
        (None, None)
    } else {
        (mode.default_warning, mode.default_critical)
    };
    let sizes = SIZE_MODES.contains(&mode.name);
    let range = |text: &str, option: &str| {
        if !sizes && has_size_suffix(text) {
            return Err(Failure::new(format!(
                "{option}: size suffixes (K, M, G, T) apply to modes {} only",
                SIZE_MODES.join(", ")
            )));
        }
        let parsed = if sizes {
            Range::parse_sized(text)
        } else {
            text.parse()
        };
        parsed.map_err(|e| Failure::new(format!("{option}: {e}")))
    };

    // Every threshold of a disk/inodes check must be in one unit: all
    // percentages or all sizes. The unit of the first one sets it.
    let mut unit: Option<(bool, String)> = None;
    let mut agree = |text: &str, option: &str| -> Result<(), Failure> {
        let sized = has_size_suffix(text);
        match &unit {
            Some((first, first_text)) if *first != sized => Err(Failure::new(format!(
                "{option} {text} and {first_text} mix a size and a percentage; write every \
                 threshold of this check in one unit (e.g. -w 20G: -c 10G:, or -w 20: -c 10:)"
            ))),
            Some(_) => Ok(()),
            None => {
                unit = Some((sized, format!("{option} {text}")));
                Ok(())
            }
        }
    };
    let mount_unit = FREE_MODES.contains(&mode.name);

    let mut threshold = |given: Option<String>, default: Option<&str>, option: &str| {
        let named = match given {
            Some(_) => option.to_string(),
            None => format!("the default {option}"),
        };
        given
            .as_deref()
            .or(default)
            .map(|text| {
                if mount_unit {
                    agree(text, &named)?;
                }
                range(text, option)
            })
            .transpose()
    };
    let thresholds = Thresholds {
        warning: threshold(given.warning, default_warning, "-w")?,
        critical: threshold(given.critical, default_critical, "-c")?,
    };

    let mut per_mount = Vec::new();
    for (texts, option, is_warning) in [
        (&given.mount_warning, "--mount-warning", true),
        (&given.mount_critical, "--mount-critical", false),
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
            if mount_unit {
                agree(range_text, option)?;
            }
            let parsed = Some(range(range_text, option)?);
            per_mount.push(MountThresholds {
                mount: mount.to_string(),
                warning: parsed.filter(|_| is_warning),
                critical: parsed.filter(|_| !is_warning),
            });
        }
    }

    let regexes = |patterns: &[String], option: &str| {
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
            .collect::<Result<Vec<_>, _>>()
    };
    let reboot_state = match given.reboot_state.as_deref().map(str::to_ascii_lowercase) {
        None => State::Warning,
        Some(s) if s == "warning" => State::Warning,
        Some(s) if s == "critical" => State::Critical,
        Some(_) => {
            return Err(Failure::new("--reboot-state must be warning or critical"));
        }
    };
    let options = Options {
        include: regexes(&given.include, "--include")?,
        exclude: regexes(&given.exclude, "--exclude")?,
        per_mount,
        free: given.free,
        absolute: unit.is_some_and(|(sized, _)| sized),
        reboot_state,
    };
    Ok((thresholds, options))
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
                free: true,
                ..Given::default()
            },
        )
        .unwrap();
        assert_eq!(thresholds.warning, Some("20:".parse().unwrap()));
        assert_eq!(thresholds.critical, Some("10:".parse().unwrap()));
        assert!(options.free && !options.absolute);
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
                mount_warning: vec!["/bak=95".into(), "/a=b=50".into()],
                mount_critical: vec!["/bak=98".into()],
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
                include: vec!["^/(boot|bak)".into(), "^/$".into()],
                exclude: vec!["^/bak".into()],
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
    #[case("cpu", Given { free: true, ..Given::default() }, "--free applies to modes disk, inodes only, not to mode cpu")]
    #[case("cpu", Given { include: vec!["x".into()], ..Given::default() }, "--include applies to modes disk, inodes, all only")]
    #[case("disk", Given { include: vec!["(".into()], ..Given::default() }, "--include: invalid regular expression '('")]
    #[case("disk", Given { mount_warning: vec!["95".into()], ..Given::default() }, "expected MOUNT=RANGE")]
    #[case("disk", Given { mount_warning: vec!["/=5G".into()], ..Given::default() }, "mix a size and a percentage")]
    #[case("reboot", Given { reboot_state: Some("panic".into()), ..Given::default() }, "--reboot-state must be warning or critical")]
    #[case("cpu", Given { reboot_state: Some("critical".into()), ..Given::default() }, "--reboot-state applies to modes reboot, all only")]
    #[case("all", given(Some("80"), None), "-w/-c do not apply")]
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
