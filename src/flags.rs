//! Every command-line option, defined once: its names, value name, help
//! text, `--help` section and the modes that accept it. From this one list
//! come argh's [`Args`] (the parser), [`FLAGS`], which the getopt
//! normaliser, `--help`, the man page (made from `--help`) and the check
//! that a mode accepts an option read, and [`ModeArgs`], the values of the
//! options only some modes accept ([`OptionGroup`]), which reach the modes
//! in `Options::args`: a new one is one entry here plus its use in a mode.
//!
//! A small table rather than argh's `ArgsInfo`: argh knows names and
//! whether a value follows, but has no place for a section, a value name
//! of its own or the modes that accept an option. The table and the
//! parser are made by one macro, so they cannot disagree.

use argh::FromArgs;

/// Mode-specific options that belong together: a mode accepts all of a
/// group or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionGroup {
    /// `--include`, `--exclude`, `--mount-warning`, `--mount-critical`.
    Mounts,
    /// `--free`.
    Free,
    /// `--reboot-state`.
    RebootState,
    /// `--window` other than 1.
    Window,
    /// `--per-cpu`.
    PerCpu,
    /// `--wear-warning`, `--wear-critical`.
    Wear,
    /// `--top`.
    Top,
    /// `--maintenance-state`.
    MaintenanceState,
}

/// One option as the user sees it.
#[derive(Debug)]
pub struct Flag {
    /// `--monitor`.
    pub long: &'static str,
    /// `'i'` for `-i`.
    pub short: Option<char>,
    /// What the value is called in `--help` (`RANGE`); `None` for a switch.
    pub value: Option<&'static str>,
    /// Another plugin's spelling of it (check_load's `--percpu`).
    pub alias: Option<&'static str>,
    /// The `--help` section it is listed in.
    pub section: &'static str,
    /// The modes that accept it, if not every mode does.
    pub accepts: Option<OptionGroup>,
    /// What a numeric option takes, for messages about a value it refused.
    pub expects: Option<&'static str>,
    /// Its `--help` text, one doc comment line each.
    pub help: &'static [&'static str],
}

impl Flag {
    /// `-w, --warning=RANGE`, as `--help` lists it.
    pub fn synopsis(&self) -> String {
        let short = self.short.map(|s| format!("-{s}, ")).unwrap_or_default();
        let value = self.value.map(|v| format!("={v}")).unwrap_or_default();
        format!("{short}{}{value}", self.long)
    }

    /// The help text on one line.
    pub fn about(&self) -> String {
        let lines: Vec<&str> = self.help.iter().map(|l| l.trim()).collect();
        lines.join(" ")
    }

    /// Whether `word` (`-w`, `--warning`) names this option.
    pub fn is(&self, word: &str) -> bool {
        word == self.long
            || word
                .strip_prefix('-')
                .and_then(|s| s.parse::<char>().ok())
                .is_some_and(|s| Some(s) == self.short)
    }
}

/// Whether an option was given on the command line, as far as its parsed
/// value tells (for options that only some modes accept).
trait Given {
    fn given(&self) -> bool;
}

impl<T> Given for Option<T> {
    fn given(&self) -> bool {
        self.is_some()
    }
}

impl<T> Given for Vec<T> {
    fn given(&self) -> bool {
        !self.is_empty()
    }
}

impl Given for bool {
    fn given(&self) -> bool {
        *self
    }
}

/// `--window`: a number of minutes; given when other than its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minutes(pub usize);

impl Default for Minutes {
    fn default() -> Self {
        Minutes::DEFAULT
    }
}

impl Minutes {
    pub const DEFAULT: Minutes = Minutes(1);
}

impl std::str::FromStr for Minutes {
    type Err = std::num::ParseIntError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(Minutes)
    }
}

impl Given for Minutes {
    fn given(&self) -> bool {
        *self != Minutes::DEFAULT
    }
}

macro_rules! some {
    () => {
        None
    };
    ($value:expr) => {
        Some($value)
    };
}

/// [`ModeArgs`] and [`Args::mode_args`] from `flags!`'s entries
/// (`field [Group] (Type);`), keeping those that name a group.
macro_rules! mode_args {
    (@kept [$($field:ident $group:ident ($($ty:tt)*))*]) => {
        /// The values of the options only some modes accept (`for Group`),
        /// as parsed; [`Options`](crate::modes::Options) carries them to
        /// the modes, so a new one needs no plumbing.
        #[derive(Debug, Clone, Default)]
        pub struct ModeArgs {
            $(
                #[doc = concat!("For ", stringify!($group), ".")]
                pub $field: $($ty)*,
            )*
        }

        impl Args {
            /// The options only some modes accept.
            pub(crate) fn mode_args(&self) -> ModeArgs {
                ModeArgs {
                    $($field: self.$field.clone(),)*
                }
            }
        }
    };
    (@kept [$($kept:tt)*] $field:ident [] ($($ty:tt)*); $($rest:tt)*) => {
        mode_args! { @kept [$($kept)*] $($rest)* }
    };
    (@kept [$($kept:tt)*] $field:ident [$group:ident] ($($ty:tt)*); $($rest:tt)*) => {
        mode_args! { @kept [$($kept)* $field $group ($($ty)*)] $($rest)* }
    };
    ($($entries:tt)*) => {
        mode_args! { @kept [] $($entries)* }
    };
}

/// Defines [`Args`], [`ModeArgs`] and [`FLAGS`] from one list, by `--help` section
/// (types are plain `Name` or `Name<Name>` tokens, as argh reads
/// `Option`/`Vec` from how the type is written):
/// `/// help text` then `field: Type = option("VALUE") | switch`, `long
/// "name"`, and as needed `short 'x'`, `alias "other"`, `default "expr"`,
/// `expects "what a number must be"`, `for Group` (the modes that accept
/// it, when not all do).
macro_rules! flags {
    ($(
        $section:literal {
            $(
                $(#[doc = $doc:tt])*
                $field:ident: $ty:ident $(<$inner:ident>)? = $kind:ident $(($value:tt))? long $long:tt
                    $(short $short:tt)? $(alias $alias:tt)? $(default $default:tt)?
                    $(expects $expects:tt)? $(for $group:ident)?;
            )*
        }
    )*) => {
        #[derive(FromArgs)]
        #[cfg_attr(test, derive(argh::ArgsInfo))]
        #[argh(help_triggers("-h", "--help"))]
        /// Check what HetrixTools knows about a server, a site or a
        /// blacklisted address (see `crate::help` for the help text).
        pub(super) struct Args {
            $($(
                $(#[doc = $doc])*
                #[argh($kind, long = $long $(, short = $short)? $(, arg_name = $value)?
                    $(, default = $default)?)]
                pub(super) $field: $ty $(<$inner>)?,
            )*)*
        }

        /// Every option, in `--help` order (argh handles `-h/--help`).
        pub const FLAGS: &[Flag] = &[$($(
            Flag {
                long: concat!("--", $long),
                short: some!($($short)?),
                value: some!($($value)?),
                alias: some!($(concat!("--", $alias))?),
                section: $section,
                accepts: some!($((OptionGroup::$group))?),
                expects: some!($($expects)?),
                help: &[$($doc),*],
            },
        )*)*];

        mode_args! { $($( $field [$($group)?] ($ty $(<$inner>)?); )*)* }

        impl Args {
            /// Whether an option only some modes accept was given, by its
            /// long name.
            fn given(&self, long: &str) -> bool {
                $($($(
                    // Names `$group` only to repeat for the options that have one.
                    let _ = OptionGroup::$group;
                    if long == concat!("--", $long) {
                        return Given::given(&self.$field);
                    }
                )?)*)*
                false
            }
        }
    };
}

impl Args {
    /// The options given that only some modes accept, with the modes that
    /// do.
    pub(super) fn mode_options(&self) -> impl Iterator<Item = (&'static str, OptionGroup)> {
        FLAGS
            .iter()
            .filter_map(|flag| Some((flag.long, flag.accepts?)))
            .filter(|(long, _)| self.given(long))
    }
}

flags! {
    "Selection" {
        /// uptime monitor ID (or env HETRIX_MONITOR_ID); for blacklist, a blacklist
        /// monitor's ID, IP or hostname
        monitor: Option<String> = option("ID") long "monitor" short 'i';
        /// what to check: see Modes below
        mode: Option<String> = option("MODE") long "mode" short 'm';
        /// disk, inodes, all: check only mounts matching REGEX (repeatable: any may match)
        include: Vec<String> = option("REGEX") long "include" for Mounts;
        /// disk, inodes, all: skip mounts matching REGEX (repeatable)
        exclude: Vec<String> = option("REGEX") long "exclude" for Mounts;
        /// check the bundled example server instead of the API (no token needed)
        demo: bool = switch long "demo";
        /// list the account's uptime monitors (API v3) and exit
        list_monitors: bool = switch long "list-monitors";
        /// with --list-monitors: list the blacklist monitors instead
        blacklists: bool = switch long "blacklists";
    }
    "Thresholds" {
        /// warning range, e.g. 80, 80%, 10:, ~:10, 10:20, @10:20 (default: the mode's)
        warning: Option<String> = option("RANGE") long "warning" short 'w';
        /// critical range (default: the mode's)
        critical: Option<String> = option("RANGE") long "critical" short 'c';
        /// disk, inodes, all: warning range for one mount, e.g. /bak=95 (repeatable)
        mount_warning: Vec<String> = option("MOUNT=RANGE") long "mount-warning" for Mounts;
        /// disk, inodes, all: critical range for one mount (repeatable)
        mount_critical: Vec<String> = option("MOUNT=RANGE") long "mount-critical" for Mounts;
        /// disk, inodes: measure free instead of used, in % or, with a size suffix,
        /// absolute (default -w 20: -c 10:)
        free: bool = switch long "free" for Free;
        /// cpu, ram, swap, iowait, steal, temp, all: average the newest MINUTES Stats
        /// minutes, 1 to 60 (default 1)
        window: Minutes = option("MINUTES") long "window" default "Minutes::DEFAULT"
            expects "takes whole minutes (1..60, the API keeps the last 60)" for Window;
        /// load: divide the load averages by the logical CPU count (also --percpu)
        per_cpu: bool = switch long "per-cpu" short 'r' alias "percpu" for PerCpu;
        /// smart on --api v3: warning range for each drive's wearout %
        wear_warning: Option<String> = option("RANGE") long "wear-warning" for Wear;
        /// smart on --api v3: critical range for each drive's wearout %
        wear_critical: Option<String> = option("RANGE") long "wear-critical" for Wear;
        /// reboot, all: state when a reboot is required, warning (default) or critical
        reboot_state: Option<String> = option("STATE") long "reboot-state" for RebootState;
        /// status: state of a monitor in maintenance at HetrixTools: ok (default),
        /// warning, critical or unknown
        maintenance_state: Option<String> = option("STATE") long "maintenance-state"
            for MaintenanceState;
    }
    "API" {
        /// read the API token from the first line of PATH (or env HETRIX_API_TOKEN)
        token_file: Option<String> = option("PATH") long "token-file";
        /// API token; visible to every local user in `ps`: prefer env HETRIX_API_TOKEN
        /// or --token-file
        token: Option<String> = option("TOKEN") long "token" short 'T';
        /// which HetrixTools API: v3 (default, key sent in a header) or v1 (legacy:
        /// deprecated by HetrixTools, metered monthly, no ping, var, status, ssl,
        /// domain, blacklist or drive wear)
        api: Option<String> = option("VERSION") long "api";
        /// API base URL (default https://api.hetrixtools.com, or env HETRIX_API_URL)
        api_url: Option<String> = option("URL") long "api-url";
        /// seconds the whole run may take, connection to last byte, 1 to 3600
        /// (default 10)
        timeout: u64 = option("SECONDS") long "timeout" short 't' default "10"
            expects "takes whole seconds (1..3600)";
        /// agent data older than this ends UNKNOWN, except in mode freshness; 0
        /// disables (default 900)
        max_age: u64 = option("SECONDS") long "max-age" default "900"
            expects "takes whole seconds (0 turns the check off)";
        /// trust only the CAs in this PEM file for the API's certificate (default: the
        /// system trust store, or env SSL_CERT_FILE/SSL_CERT_DIR)
        ca_file: Option<String> = option("PATH") long "ca-file";
        /// accept any TLS certificate: anyone on the network path can then read the
        /// token and forge the results
        insecure: bool = switch long "insecure" short 'k';
        /// state for network failures, timeouts and HTTP 5xx from the API: ok, warning,
        /// critical or unknown (default unknown)
        unreachable_state: Option<String> = option("STATE") long "unreachable-state";
        // Read before argh (cli::CommandLine::host_check), so that argument
        // errors obey it too: argh only accepts it.
        /// for host checks: end OK with "no verdict on the server" instead of UNKNOWN
        /// (API outage, 429, token or option problems), which Nagios and Icinga would
        /// show as host DOWN
        _host_check: bool = switch long "host-check";
    }
    "Cache" {
        /// later runs for the same monitor reuse an API response this long, whatever
        /// their mode; 0 never reuses one (default 60)
        cache_ttl: u64 = option("SECONDS") long "cache-ttl" default "60"
            expects "takes whole seconds (0 never reuses a response)";
        /// cache directory (default env CHECK_HETRIX_CACHE_DIR, else
        /// $XDG_CACHE_HOME/check_hetrix, else ~/.cache/check_hetrix, else one per user
        /// in the temp directory)
        cache_dir: Option<String> = option("DIR") long "cache-dir";
        /// when the API fails, use a cached response up to this old, marked as such in
        /// the output; 0 never does (default 0)
        stale_if_error: u64 = option("SECONDS") long "stale-if-error" default "0"
            expects "takes whole seconds (0 never serves an old response)";
    }
    "Output" {
        /// show more detail; repeat for more (-vvv shows the request URL with the token
        /// masked)
        verbose: u8 = switch long "verbose" short 'v';
        /// cpu, ram, all on --api v3: on WARNING or CRITICAL, show the N heaviest
        /// processes, 0 to 200 (default 5, 0 off)
        top: Option<usize> = option("N") long "top" for Top;
        /// output of --list-monitors: table (default), icinga2 or nagios (ready-to-paste
        /// host and service definitions)
        format: Option<String> = option("FORMAT") long "format";
        /// print the version and exit
        version: bool = switch long "version" short 'V';
    }
}

/// The option `word` names (`-w`, `--warning`, `--percpu`).
pub fn named(word: &str) -> Option<&'static Flag> {
    FLAGS
        .iter()
        .find(|flag| flag.is(word) || flag.alias == Some(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use argh::{ArgsInfo, FlagInfoKind};

    /// argh parses exactly the options of the table, each taking a value
    /// exactly where the table names one.
    #[test]
    fn argh_parses_what_the_table_lists() {
        let info = Args::get_args_info();
        let parsed: Vec<_> = info.flags.iter().filter(|f| f.long != "--help").collect();
        assert_eq!(parsed.len(), FLAGS.len());
        for (argh, flag) in parsed.iter().zip(FLAGS) {
            assert_eq!(argh.long, flag.long);
            assert_eq!(argh.short, flag.short, "{}", flag.long);
            let takes_value = matches!(argh.kind, FlagInfoKind::Option { .. });
            assert_eq!(takes_value, flag.value.is_some(), "{}", flag.long);
        }
    }

    #[test]
    fn finds_an_option_by_any_of_its_names() {
        for word in ["-r", "--per-cpu", "--percpu"] {
            assert_eq!(named(word).map(|f| f.long), Some("--per-cpu"), "{word}");
        }
        assert!(named("--warning=").is_none());
        assert!(named("-x").is_none());
        assert_eq!(FLAGS[0].synopsis(), "-i, --monitor=ID");
    }
}
