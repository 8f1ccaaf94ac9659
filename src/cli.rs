//! The command line: getopt habits normalised for argh, environment
//! fallbacks, and validation into a [`Config`]. Every problem here is a
//! [`Failure`], so bad arguments end UNKNOWN like any other failure.

use std::path::{Path, PathBuf};
use std::time::Duration;

use argh::FromArgs;

use crate::api::Version;
use crate::cache;
use crate::discovery::{Format, Listing};
use crate::failure::Failure;
use crate::fetch::Trust;
use crate::files::{Links, read_regular};
use crate::modes::{self, Apis, Mode, Plan};
use crate::output::State;

use crate::flags::{self, Args};
pub use crate::flags::{FLAGS, Flag};

pub const DEFAULT_API_URL: &str = "https://api.hetrixtools.com";

/// Where the server data comes from.
pub enum Source {
    Demo,
    Api {
        base_url: String,
        token: String,
        monitor: String,
    },
}

pub struct Config {
    /// The mode and its settings.
    pub plan: Plan,
    pub source: Source,
    pub timeout: Duration,
    pub cache: cache::Settings,
    pub trust: Trust,
    /// The state of failures to reach the API.
    pub unreachable_state: State,
}

pub enum Command {
    Check(Box<Config>),
    ListMonitors(Listing),
    /// `--help` or `--version`: print this and exit 0.
    Print(String),
}

/// A command line as typed, read once before it is validated: what even
/// an argument error must obey (the texts that could be the token,
/// `--host-check`) and the token file, read once both to mask its line
/// and to use it.
pub struct CommandLine {
    /// The arguments after the program name.
    args: Vec<String>,
    /// `args` with the getopt habits rewritten (see [`normalise`]).
    words: Vec<String>,
    /// Each `--token-file` path given and its first line, or why it could
    /// not be read.
    token_files: Vec<(String, Result<String, String>)>,
}

impl CommandLine {
    pub fn new(args: &[String]) -> CommandLine {
        let words = normalise(args);
        let token_files = values_of(&words, &["--token-file"])
            .map(|path| {
                let line = token_file_line(path).map_err(|e| e.to_string());
                (path.clone(), line)
            })
            .collect();
        CommandLine {
            args: args.to_vec(),
            words,
            token_files,
        }
    }

    /// The command the arguments give; `env` looks up environment
    /// variables (a parameter so tests need not touch the real
    /// environment).
    pub fn parse(&self, env: impl Fn(&str) -> Option<String>) -> Result<Command, Failure> {
        self.parse_unmasked(env)
            .map_err(|failure| self.masked(failure))
    }

    /// `failure` with every piece of an argument that could be the token
    /// (see [`token_shaped`]) shown as `***`: any message about a value may
    /// quote it, and a token typed after the wrong option is just another
    /// value. Monitor IDs have a key's shape and stay readable.
    fn masked(&self, failure: Failure) -> Failure {
        let monitors = self.monitors();
        let mut pieces: Vec<&str> = self
            .args
            .iter()
            .chain(&self.words)
            .flat_map(|arg| token_shaped(arg))
            .filter(|piece| !names_a_monitor(piece, &monitors))
            .collect();
        // Longest first: a cluster's value is part of the cluster's word.
        pieces.sort_by_key(|piece| std::cmp::Reverse(piece.len()));
        let mut message = failure.to_string();
        for piece in pieces {
            message = message.replace(piece, "***");
        }
        let label = failure.mode_label();
        let failure = Failure::new(message);
        match label {
            Some(label) => failure.in_mode(label),
            None => failure,
        }
    }

    /// Every text that may be the API token, before the arguments are
    /// validated, so that no message can show it: env HETRIX_API_TOKEN, the
    /// first line of the `--token-file`, whatever follows `-T`/`--token`,
    /// and the pieces of other arguments (but monitor IDs, which have the
    /// same shape) with a HetrixTools key's exact shape (see
    /// [`token_shaped`]). Texts too short to be a key are left out, see
    /// [`MIN_TOKEN_CHARS`].
    pub fn token_candidates(&self, env: impl Fn(&str) -> Option<String>) -> Vec<String> {
        let from_file = self
            .token_files
            .iter()
            .filter_map(|(_, line)| line.clone().ok());
        let monitors = self.monitors();
        // Names of things a good run prints back (a Docker mount's 64-hex
        // layer, a service) are no token: masked, the same mount would get
        // another perfdata label than without its name on the command line.
        let names: Vec<&String> = values_of(&self.words, NAMING_OPTIONS).collect();
        // Only a key's exact shape: a registered secret is masked in all
        // output, and mount names, service names and perfdata labels taken
        // from the arguments must stay readable in a good run. Raw
        // arguments too: `--monitor=ID` or `-iID` hold a monitor ID that
        // only the normalised ones show apart.
        let key_shaped = self
            .args
            .iter()
            .chain(&self.words)
            .flat_map(|arg| token_shaped(arg))
            .filter(|piece| is_key(piece))
            .filter(|piece| !names_a_monitor(piece, &monitors))
            .filter(|piece| !names.iter().any(|name| name.contains(piece)))
            .map(str::to_string)
            .collect::<Vec<_>>();
        // Paths show only in errors and -v lines: one that could be the
        // token is the token typed after the wrong option.
        let paths = values_of(&self.words, &["--ca-file", "--cache-dir"])
            .filter(|path| could_be_token(path))
            .cloned();
        let given = values_of(&self.words, &["-T", "--token"]).cloned();
        env("HETRIX_API_TOKEN")
            .into_iter()
            .chain(from_file)
            .chain(paths)
            .chain(given)
            .flat_map(|token| [token.trim().to_string(), token])
            .chain(key_shaped)
            .filter(|token| token.len() >= MIN_TOKEN_CHARS)
            .collect()
    }

    /// `--host-check`: no verdict ends OK. Read here, as argh reads it (a
    /// switch, unless it is the value of the option before it or follows
    /// `--`), and not from argh's result, so that argument errors obey it.
    pub fn host_check(&self) -> bool {
        let mut words = self.words.iter().take_while(|word| *word != "--");
        while let Some(word) = words.next() {
            if word == "--host-check" {
                return true;
            }
            if flags::named(word).is_some_and(|flag| flag.value.is_some()) {
                words.next();
            }
        }
        false
    }

    /// The monitor IDs given with `-i`/`--monitor`.
    fn monitors(&self) -> Vec<&str> {
        values_of(&self.words, &["-i", "--monitor"])
            .map(String::as_str)
            .filter(|monitor| !monitor.is_empty())
            .collect()
    }

    /// The first line of the token file at `path`, as read before parsing.
    fn token_file(&self, path: &str) -> Result<String, String> {
        self.token_files
            .iter()
            .find(|(read, _)| read == path)
            .map(|(_, line)| line.clone())
            // argh takes the path from the words the files were read from.
            .unwrap_or_else(|| Err("not read".to_string()))
    }

    fn parse_unmasked(&self, env: impl Fn(&str) -> Option<String>) -> Result<Command, Failure> {
        let words: Vec<&str> = self.words.iter().map(String::as_str).collect();
        let parsed = match Args::from_args(&["check_hetrix"], &words) {
            Ok(parsed) => parsed,
            Err(exit) if exit.status.is_ok() => {
                return Ok(Command::Print(crate::help::render()));
            }
            Err(exit) => {
                let reason = argh_reason(exit.output.trim_end());
                return Err(Failure::new(format!("{reason} (see check_hetrix --help)")));
            }
        };
        if parsed.version {
            return Ok(Command::Print(format!(
                "check_hetrix {}\n",
                env!("CARGO_PKG_VERSION")
            )));
        }
        if parsed.list_monitors {
            return listing(parsed, self, &env).map(Command::ListMonitors);
        }
        if parsed.format.is_some() {
            return Err(Failure::new("--format only applies to --list-monitors"));
        }
        if parsed.blacklists {
            return Err(Failure::new("--blacklists only applies to --list-monitors"));
        }
        configure(parsed, self, env).map(|config| Command::Check(Box::new(config)))
    }
}

/// The words that follow any of `options` in normalised `words`.
fn values_of<'a>(words: &'a [String], options: &[&str]) -> impl Iterator<Item = &'a String> {
    words
        .windows(2)
        .filter(|pair| options.contains(&pair[0].as_str()))
        .map(|pair| &pair[1])
}

fn configure(
    mut args: Args,
    line: &CommandLine,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Config, Failure> {
    let mode_text = args.mode.take().ok_or_else(|| {
        Failure::new(format!(
            "no mode given: use -m with one of {} (see --help)",
            modes::usages()
        ))
    })?;
    let (mode, mode_argument) = modes::find(&mode_text)?;
    configure_mode(mode, mode_argument, args, line, env)
        .map_err(|failure| failure.in_mode(mode.label))
}

fn configure_mode(
    mode: &'static Mode,
    mode_argument: Option<String>,
    args: Args,
    line: &CommandLine,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Config, Failure> {
    let api = api_version(args.api.as_deref())?;
    if api == Version::V1 && mode.api == Apis::V3Only {
        return Err(Failure::new(format!(
            "mode {} needs --api v3: API v1 does not report its data",
            mode.name
        )));
    }
    for (option, group) in args.mode_options() {
        modes::options::refuse_unless_accepted(mode, option, group)?;
    }
    let mode_args = args.mode_args();
    let flags::Minutes(window) = mode_args.window;
    let (thresholds, options) = modes::options::configure(
        mode,
        modes::options::Given {
            warning: args.warning,
            critical: args.critical,
            reboot_state: word_of(
                "--reboot-state",
                mode_args.reboot_state.clone(),
                &REBOOT_STATES,
            )?,
            maintenance_state: word_of(
                "--maintenance-state",
                mode_args.maintenance_state.clone(),
                &STATES,
            )?,
            api,
            args: mode_args,
        },
    )?;
    let timeout = timeout(args.timeout)?;
    if !(1..=60).contains(&window) {
        return Err(Failure::new(format!(
            "--window {}, not '{}'",
            number_expected("--window").unwrap_or_default(),
            window
        )));
    }
    let source = if args.demo {
        Source::Demo
    } else {
        let monitor = args
            .monitor
            .or_else(|| env("HETRIX_MONITOR_ID"))
            .filter(|m| !m.is_empty())
            .or_else(|| (!mode.source.needs_monitor).then(String::new))
            .ok_or_else(|| {
                Failure::new("no monitor given: use -i <uptime monitor ID> or env HETRIX_MONITOR_ID (or --demo to try the plugin)")
            })?;
        // Dots alone (`.`, `..`) would be a path step, not an ID.
        let only_dots = !monitor.is_empty() && monitor.chars().all(|c| c == '.');
        if !is_url_safe(&monitor) || only_dots {
            return Err(Failure::new(
                "the monitor ID may only hold letters, digits, '-', '_' and '.', and not be dots alone (check -i)",
            ));
        }
        Source::Api {
            base_url: base_url(args.api_url, &env)?,
            token: token(
                args.token,
                args.token_file,
                line,
                &env,
                " (or --demo to try the plugin)",
            )?,
            monitor,
        }
    };
    Ok(Config {
        trust: trust(args.ca_file, args.insecure)?,
        unreachable_state: word_of("--unreachable-state", args.unreachable_state, &STATES)?
            .unwrap_or(State::Unknown),
        plan: Plan {
            mode,
            argument: mode_argument,
            thresholds,
            options,
            api,
            window,
            max_age: args.max_age,
            verbose: args.verbose,
        },
        source,
        timeout,
        cache: cache::Settings {
            ttl: args.cache_ttl,
            stale_if_error: args.stale_if_error,
            dir: args
                .cache_dir
                .map(PathBuf::from)
                .unwrap_or_else(|| cache::default_dir(&env)),
        },
    })
}

/// `-t`: at least a second, and at most an hour, which is already far more
/// than any monitoring core waits (a deadline beyond what the clock can
/// hold would be a panic).
fn timeout(seconds: u64) -> Result<Duration, Failure> {
    if !(1..=3600).contains(&seconds) {
        return Err(Failure::new(format!(
            "-t/--timeout {}, not '{seconds}'",
            number_expected("-t").unwrap_or_default()
        )));
    }
    Ok(Duration::from_secs(seconds))
}

fn api_version(given: Option<&str>) -> Result<Version, Failure> {
    given.map_or(Ok(Version::V3), |word| one_of("--api", word, &APIS))
}

/// The words of the options that take one of a few, with what each means.
const APIS: [(&str, Version); 2] = [("v1", Version::V1), ("v3", Version::V3)];
const STATES: [(&str, State); 4] = [
    ("ok", State::Ok),
    ("warning", State::Warning),
    ("critical", State::Critical),
    ("unknown", State::Unknown),
];
const REBOOT_STATES: [(&str, State); 2] =
    [("warning", State::Warning), ("critical", State::Critical)];
const FORMATS: [(&str, Format); 3] = [
    ("table", Format::Table),
    ("icinga2", Format::Icinga2),
    ("nagios", Format::Nagios),
];

/// What `word` means among an option's `words`, in any case; an error
/// names them all and the word (masked by [`CommandLine::parse`] if it
/// could be the token).
fn one_of<T: Copy>(option: &str, word: &str, words: &[(&str, T)]) -> Result<T, Failure> {
    if let Some((_, value)) = words
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(word.trim()))
    {
        return Ok(*value);
    }
    let names: Vec<&str> = words.iter().map(|(name, _)| *name).collect();
    let (last, others) = names.split_last().unwrap_or((&"", &[]));
    Err(Failure::new(format!(
        "{option} must be {} or {last}, not '{word}'",
        others.join(", "),
    )))
}

/// An option's word as its value, if given.
fn word_of<T: Copy>(
    option: &str,
    given: Option<String>,
    words: &[(&str, T)],
) -> Result<Option<T>, Failure> {
    given.map(|word| one_of(option, &word, words)).transpose()
}

/// `--list-monitors` always uses API v3: v1 has no monitor list with agents.
fn listing(
    args: Args,
    line: &CommandLine,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Listing, Failure> {
    if api_version(args.api.as_deref())? == Version::V1 && args.api.is_some() {
        return Err(Failure::new(
            "--list-monitors uses API v3 (v1 cannot list agents): drop --api v1",
        ));
    }
    let timeout = timeout(args.timeout)?;
    // A listing checks nothing: check options here are a mistaken command.
    let check_options = [
        (args.mode.is_some(), "-m"),
        (args.monitor.is_some(), "-i"),
        (args.warning.is_some() || args.critical.is_some(), "-w/-c"),
        (args.demo, "--demo"),
    ];
    if let Some((_, option)) = check_options.iter().find(|(given, _)| *given) {
        return Err(Failure::new(format!(
            "--list-monitors lists monitors and checks nothing: drop {option}"
        )));
    }
    Ok(Listing {
        trust: trust(args.ca_file, args.insecure)?,
        base_url: base_url(args.api_url, env)?,
        // No --demo hint: the demo has no account whose monitors to list.
        token: token(args.token, args.token_file, line, env, "")?,
        format: word_of("--format", args.format, &FORMATS)?.unwrap_or(Format::Table),
        blacklists: args.blacklists,
        timeout,
        verbose: args.verbose,
    })
}

/// `--ca-file` or `-k`, else the system trust store.
fn trust(ca_file: Option<String>, insecure: bool) -> Result<Trust, Failure> {
    match (ca_file, insecure) {
        (Some(_), true) => Err(Failure::new(
            "--ca-file and -k contradict each other: use one of them",
        )),
        (Some(path), false) => Ok(Trust::CaFile(path)),
        (None, true) => Ok(Trust::Insecure),
        (None, false) => Ok(Trust::System),
    }
}

/// `--api-url`, else env HETRIX_API_URL, else the HetrixTools API.
fn base_url(
    given: Option<String>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<String, Failure> {
    let base_url = given
        .or_else(|| env("HETRIX_API_URL"))
        .unwrap_or_else(|| DEFAULT_API_URL.to_string())
        .trim_end_matches('/')
        .to_string();
    let Some((_, rest)) = base_url
        .split_once("://")
        .filter(|(scheme, _)| matches!(*scheme, "https" | "http"))
    else {
        return Err(Failure::new(
            "--api-url must start with https:// or http://",
        ));
    };
    // Messages name the server by this URL: no password may be in it, and
    // none is needed (the token authenticates).
    if rest.split('/').next().unwrap_or_default().contains('@') {
        return Err(Failure::new(
            "--api-url must not hold a user name or password: the API token is all HetrixTools needs",
        ));
    }
    if base_url.contains(['?', '#']) {
        return Err(Failure::new(
            "--api-url must be a base URL without '?' or '#': the API's paths are added to its end",
        ));
    }
    Ok(base_url)
}

/// The token from `-T`, else `--token-file` (as `line` read it), else env
/// HETRIX_API_TOKEN. Messages never include it; `hint` ends the one for no
/// token at all.
fn token(
    given: Option<String>,
    file: Option<String>,
    line: &CommandLine,
    env: &impl Fn(&str) -> Option<String>,
    hint: &str,
) -> Result<String, Failure> {
    let token = match (given, file) {
        (Some(token), _) => token,
        // What Nagios passes for a $USERn$ macro that resource.cfg lacks.
        (None, Some(path)) if path.trim().is_empty() => {
            return Err(Failure::new(
                "--token-file names no file (the shipped Nagios commands take it from $USER32$ in resource.cfg)",
            ));
        }
        (None, Some(path)) => line
            .token_file(&path)
            .map_err(|e| Failure::new(format!("cannot read the token file {path}: {e}")))?,
        (None, None) => env("HETRIX_API_TOKEN").ok_or_else(|| {
            Failure::new(format!(
                "no API token: set env HETRIX_API_TOKEN, or use --token-file{hint}"
            ))
        })?,
    };
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err(Failure::new(
            "the API token is empty (check HETRIX_API_TOKEN, --token-file or -T)",
        ));
    }
    if token.len() < MIN_TOKEN_CHARS {
        return Err(Failure::new(
            "the API token is too short to be a HetrixTools API key (check HETRIX_API_TOKEN, --token-file or -T)",
        ));
    }
    if !is_url_safe(&token) {
        return Err(Failure::new(
            "the API token holds characters no HetrixTools token has (check HETRIX_API_TOKEN, --token-file or -T)",
        ));
    }
    Ok(token)
}

/// The first line of the token file (see [`crate::files::read_regular`]).
fn token_file_line(path: &str) -> std::io::Result<String> {
    let start = read_regular(Path::new(path), TOKEN_FILE_BYTES, Links::Follow)?;
    let text = String::from_utf8_lossy(&start);
    Ok(text.lines().next().unwrap_or_default().to_string())
}

/// Far more than a token's line, however it is padded.
const TOKEN_FILE_BYTES: u64 = 4096;

/// v1 puts both the token and the monitor ID into the URL path.
fn is_url_safe(text: &str) -> bool {
    text.chars().all(is_url_safe_char)
}

fn is_url_safe_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// HetrixTools keys are 32 characters; anything much shorter is a mistake,
/// and masking a short string (say `9`) would garble numbers in the output.
const MIN_TOKEN_CHARS: usize = 12;

/// The length of a HetrixTools API key, all letters and digits.
const KEY_CHARS: usize = 32;

/// The pieces of `text` that could be the API token, the one definition
/// both the argument errors' masking and the secret registry use: each run
/// of the characters a token may hold, without the dashes that start an
/// option, that [`could_be_token`] (a stray word is often the token pasted
/// without its `-T`), and each run with a HetrixTools key's shape (see
/// [`is_key`]), even inside a longer run or without digits.
fn token_shaped(text: &str) -> impl Iterator<Item = &str> {
    let accepted = text
        .split(|c: char| !is_url_safe_char(c))
        .map(|run| run.trim_start_matches('-'))
        .filter(|run| could_be_token(run));
    let keys = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|run| is_key(run));
    accepted.chain(keys)
}

/// Options whose values name what a good run prints: the mode's argument
/// (`disk:<mount>`, `service:<name>`, `var:<name>`) and mount patterns.
const NAMING_OPTIONS: &[&str] = &[
    "-m",
    "--mode",
    "--include",
    "--exclude",
    "--mount-warning",
    "--mount-critical",
];

/// Whether a [`token_shaped`] piece of an argument is one of the `-i`
/// monitor IDs given, which have a key's shape but stay readable: the ID
/// itself, or with the letters of its option glued on (`-iID`, `-viID`).
/// Only that: a token merely holding a short ID (`-i 1`) is still a token.
fn names_a_monitor(piece: &str, monitors: &[&str]) -> bool {
    monitors.iter().any(|monitor| {
        piece.strip_suffix(monitor).is_some_and(|option| {
            option.len() <= 3 && option.bytes().all(|b| b.is_ascii_alphabetic())
        })
    })
}

/// Whether `word` could be a token [`token`] accepts: long enough, only
/// the characters it allows, and with both letters and digits.
fn could_be_token(word: &str) -> bool {
    word.len() >= MIN_TOKEN_CHARS
        && is_url_safe(word)
        && word.bytes().any(|b| b.is_ascii_digit())
        && word.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Whether `word` has a HetrixTools key's shape: 32 or more letters and
/// digits (a key may lack either).
fn is_key(word: &str) -> bool {
    word.len() >= KEY_CHARS && word.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Rewrites the getopt habits argh rejects: `-vvv` → `-v -v -v`,
/// `--warning=80` → `--warning 80`, `-w80` → `-w 80`, and clusters of
/// switches, last maybe one with a value: `-kvT<token>` → `-k -v -T <token>`.
fn normalise(args: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut takes_value = false;
    let mut rest_verbatim = false;
    for arg in args {
        if takes_value || rest_verbatim {
            out.push(arg.clone());
            takes_value = false;
            continue;
        }
        if arg == "--" {
            rest_verbatim = true;
            out.push(arg.clone());
        } else if let Some((name, value)) = arg.split_once('=').filter(|_| arg.starts_with("--")) {
            out.push(name.to_string());
            out.push(value.to_string());
        } else if arg.len() > 2 && arg.starts_with('-') && !arg.starts_with("--") {
            let (words, value_follows) = unclustered(arg);
            out.extend(words);
            takes_value = value_follows;
        } else {
            let flag = flags::named(arg);
            takes_value = flag.is_some_and(|f| f.value.is_some());
            // Another plugin's spelling (`--percpu`) becomes ours.
            match flag.filter(|f| f.alias == Some(arg.as_str())) {
                Some(flag) => out.push(flag.long.to_string()),
                None => out.push(arg.clone()),
            }
        }
    }
    out
}

/// `-kvT<token>` as getopt reads it: switches, then maybe one option that
/// takes the rest of the word as its value, or else the next word (then
/// `true`). From an unknown letter on, the rest stays one word (`-kvx` →
/// `-k -v -x`), so argh names that letter, and `-h` still asks for help.
fn unclustered(arg: &str) -> (Vec<String>, bool) {
    let mut words = Vec::new();
    for (at, letter) in arg.bytes().enumerate().skip(1) {
        let flag = FLAGS.iter().find(|f| f.short == Some(letter as char));
        if let Some(Flag { value: None, .. }) = flag {
            words.push(format!("-{}", letter as char));
        } else if flag.is_some() {
            words.push(format!("-{}", letter as char));
            let value = &arg[at + 1..];
            if value.is_empty() {
                return (words, true);
            }
            words.push(value.to_string());
            return (words, false);
        } else {
            // Every byte before `at` was an ASCII letter: a char boundary.
            words.push(format!("-{}", &arg[at..]));
            return (words, false);
        }
    }
    (words, false)
}

/// argh's error in the plugin's own words, naming the option and the word
/// at fault (masked by [`CommandLine::parse`] if it could be the token).
fn argh_reason(output: &str) -> String {
    if let Some(word) = output.strip_prefix("Unrecognized argument: ") {
        return match word {
            "-" => "unexpected argument '-'".to_string(),
            word if word.starts_with("--") => format!("unknown option {word}"),
            // A cluster's unknown letter comes first: name that letter.
            word if word.starts_with('-') => match word.chars().nth(1) {
                Some(letter) => format!("unknown option -{letter}"),
                None => "unexpected argument '-'".to_string(),
            },
            word => format!("unexpected argument '{word}': is an option missing before it?"),
        };
    }
    if let Some(option) = output
        .strip_prefix("No value provided for option '")
        .and_then(|rest| rest.strip_suffix("'."))
    {
        return format!("{} needs a value", option_names(option));
    }
    let invalid_value = output
        .strip_prefix("Error parsing option '")
        .and_then(|rest| rest.split_once("' with value '"))
        .and_then(|(option, rest)| Some((option, rest.rsplit_once("': ")?)));
    if let Some((option, (value, reason))) = invalid_value {
        let names = option_names(option);
        if reason == "duplicate values provided" {
            return format!("{names} is given twice: give it once");
        }
        return match number_expected(option) {
            Some(expected) => format!("{names} {expected}, not '{value}'"),
            None => format!("{names} cannot take '{value}'"),
        };
    }
    output
        .lines()
        .next()
        .unwrap_or("invalid arguments")
        .to_string()
}

/// An option with its other name, if it has one: `-t` → `-t/--timeout`.
fn option_names(option: &str) -> String {
    match flags::named(option) {
        Some(Flag {
            short: Some(short),
            long,
            ..
        }) => format!("-{short}/{long}"),
        _ => option.to_string(),
    }
}

/// What a numeric option takes, for messages about a value it refused.
fn number_expected(option: &str) -> Option<&'static str> {
    flags::named(option)?.expects
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn parse(args: &[String], env: impl Fn(&str) -> Option<String>) -> Result<Command, Failure> {
        CommandLine::new(args).parse(env)
    }

    fn token_candidates(args: &[String], env: impl Fn(&str) -> Option<String>) -> Vec<String> {
        CommandLine::new(args).token_candidates(env)
    }

    fn config(args: &[&str]) -> Result<Config, Failure> {
        let env = |name: &str| (name == "HETRIX_API_TOKEN").then(|| "token-from-env".to_string());
        match parse(&strings(args), env)? {
            Command::Check(config) => Ok(*config),
            _ => panic!("expected a check"),
        }
    }

    #[rstest]
    #[case(&["-vvv"], &["-v", "-v", "-v"])]
    #[case(&["--warning=80"], &["--warning", "80"])]
    #[case(&["-w80"], &["-w", "80"])]
    #[case(&["-w", "-5:"], &["-w", "-5:"])]
    #[case(&["-c-5:-1"], &["-c", "-5:-1"])]
    #[case(&["-mdisk:/a=b"], &["-m", "disk:/a=b"])]
    #[case(&["-m", "-vv"], &["-m", "-vv"])]
    #[case(&["--", "-vv"], &["--", "-vv"])]
    #[case(&["--window=5"], &["--window", "5"])]
    #[case(&["--exclude", "-vv"], &["--exclude", "-vv"])]
    #[case(&["--mount-critical=/a=-5:"], &["--mount-critical", "/a=-5:"])]
    #[case(&["--cache-dir", "-x", "--cache-ttl=0"], &["--cache-dir", "-x", "--cache-ttl", "0"])]
    #[case(&["-kv"], &["-k", "-v"])]
    #[case(&["-vTsecretToken123"], &["-v", "-T", "secretToken123"])]
    #[case(&["-vkT", "-vv"], &["-v", "-k", "-T", "-vv"])]
    #[case(&["-vw80", "-vx"], &["-v", "-w", "80", "-v", "-x"])]
    #[case(&["-kvh"], &["-k", "-v", "-h"])]
    #[case(&["-vxT", "-vv"], &["-v", "-xT", "-v", "-v"])]
    #[case(&["-vé"], &["-v", "-é"])]
    #[case(&["--percpu", "-rv"], &["--per-cpu", "-r", "-v"])]
    fn normalises_getopt_habits(#[case] args: &[&str], #[case] expected: &[&str]) {
        assert_eq!(normalise(&strings(args)), strings(expected));
    }

    #[test]
    fn token_candidates_cover_every_place_a_token_may_hide() {
        let key = "Zq7Wm2Xk9Rt4Yp1Lc8Vb3Nf6Hd5Gs0Ja";
        let monitor = "0123456789abcdef0123456789abcdef";
        let file = std::env::temp_dir().join(format!("check_hetrix_tc_{}", std::process::id()));
        std::fs::write(&file, "from-the-file-123\n").unwrap();
        let env = |name: &str| (name == "HETRIX_API_TOKEN").then(|| " from-env-12345 ".to_string());
        let args = strings(&[
            "-i",
            monitor,
            "--token-file",
            file.to_str().unwrap(),
            "-T",
            "from-flag-12345",
            &format!("-w{key}:"),
            "-t",
            "short",
        ]);
        let mut candidates = token_candidates(&args, env);
        std::fs::remove_file(&file).unwrap();
        for monitor_given in [format!("--monitor={monitor}"), format!("-i{monitor}")] {
            candidates.extend(token_candidates(&[monitor_given], no_env));
        }
        for expected in [
            "from-env-12345",
            "from-the-file-123",
            "from-flag-12345",
            key,
        ] {
            assert!(
                candidates.iter().any(|c| c == expected),
                "{expected}: {candidates:?}"
            );
        }
        assert!(
            !candidates.iter().any(|c| c.contains(monitor)),
            "{candidates:?}"
        );
        assert!(!candidates.iter().any(|c| c == "short"), "{candidates:?}");
    }

    /// A short `-i` is no reason to let a key through: only the monitor ID
    /// itself (or glued to its option) stays readable.
    #[test]
    fn a_key_holding_a_short_monitor_id_is_still_a_candidate() {
        let key = "Zq7Wm2Xk9Rt4Yp1Lc8Vb3Nf6Hd5Gs0Ja";
        let args = strings(&["-i", "1", "-w", key]);
        assert!(token_candidates(&args, no_env).iter().any(|c| c == key));
        let Err(failure) = CommandLine::new(&strings(&["-i", "1", "-x", key])).parse(no_env) else {
            panic!("-x is no option");
        };
        assert!(!failure.to_string().contains(key), "{failure}");
        let glued = strings(&["-viZq7Wm2Xk9Rt4Yp1Lc8Vb3Nf6Hd5Gs0Ja", "-x"]);
        assert!(token_candidates(&glued, no_env).is_empty());
    }

    /// Names a good run prints back stay readable: a Docker layer's hex in
    /// a mount is no token (argument errors still mask it).
    #[test]
    fn names_of_mounts_services_and_variables_are_no_candidates() {
        let layer = "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9";
        let mount = format!("/var/lib/docker/overlay2/{layer}/merged");
        for args in [
            vec!["-m".to_string(), format!("disk:{mount}")],
            vec![format!("--mode=disk:{mount}")],
            vec![format!("-mdisk:{mount}")],
            vec!["--include".to_string(), format!("^{mount}$")],
            vec!["--mount-warning".to_string(), format!("{mount}=80")],
        ] {
            let candidates = token_candidates(&args, no_env);
            assert!(candidates.is_empty(), "{args:?}: {candidates:?}");
        }
    }

    /// What could be the token, in any argument: a run a token may be
    /// (letters and digits, both, 12 or more) and a key's shape anywhere.
    #[rstest]
    #[case("--abcdef1234567", &["abcdef1234567"])]
    #[case("-w1234567abcdef:", &["w1234567abcdef"])]
    #[case("/etc/pdclsxHK-ifxi5C-vQUS.pem", &["pdclsxHK-ifxi5C-vQUS.pem"])]
    #[case("x.ZqWmXkRtYpLcVbNfHdGsJaZqWmXkRtYp", &["ZqWmXkRtYpLcVbNfHdGsJaZqWmXkRtYp"])]
    #[case("--maintenance-state", &[])]
    #[case("disk:/srv/backup-2024", &[])]
    #[case("123456789012345", &[])]
    fn token_shaped_finds_every_piece_a_token_may_be(
        #[case] text: &str,
        #[case] expected: &[&str],
    ) {
        assert_eq!(token_shaped(text).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn an_argument_error_masks_a_key_without_digits() {
        let key = "ZqWmXkRtYpLcVbNfHdGsJaZqWmXkRtYp";
        let error = config(&["-i", "x", "-m", "cpu", "--api", key])
            .err()
            .expect("should fail")
            .to_string();
        assert!(error.ends_with("not '***'"), "{error}");
    }

    #[rstest]
    #[case(&["-m", "cpu", "--host-check"], true)]
    #[case(&["--host-check", "-m", "cpu", "--frobnicate"], true)]
    #[case(&["-kv", "--host-check", "-t"], true)]
    #[case(&["-m", "cpu"], false)]
    #[case(&["--cache-dir", "--host-check"], false)]
    #[case(&["-m", "cpu", "--", "--host-check"], false)]
    fn host_check_is_read_as_argh_reads_it(#[case] args: &[&str], #[case] expected: bool) {
        assert_eq!(CommandLine::new(&strings(args)).host_check(), expected);
    }

    /// Read with the command line, before it is validated, and not again:
    /// what was masked is what is used.
    #[test]
    fn the_token_file_is_read_once() {
        let file = std::env::temp_dir().join(format!("check_hetrix_once_{}", std::process::id()));
        std::fs::write(&file, "token-read-first-1\n").unwrap();
        let line = CommandLine::new(&strings(&[
            "-m",
            "cpu",
            "-i",
            "x",
            "--token-file",
            file.to_str().unwrap(),
        ]));
        std::fs::write(&file, "token-written-later-2\n").unwrap();
        let candidates = line.token_candidates(no_env);
        let parsed = line.parse(no_env);
        std::fs::remove_file(&file).unwrap();
        assert!(
            candidates.iter().any(|c| c == "token-read-first-1"),
            "{candidates:?}"
        );
        let Ok(Command::Check(config)) = parsed else {
            panic!("expected a check");
        };
        let Source::Api { token, .. } = config.source else {
            panic!("expected the API");
        };
        assert_eq!(token, "token-read-first-1");
    }

    #[test]
    fn accepts_all_three_getopt_forms() {
        let config = config(&["-i", "abc", "-mdisk", "--warning=70", "-c95", "-vvv"]).unwrap();
        assert_eq!(config.plan.mode.name, "disk");
        assert_eq!(config.plan.thresholds.warning, Some("70".parse().unwrap()));
        assert_eq!(config.plan.thresholds.critical, Some("95".parse().unwrap()));
        assert_eq!(config.plan.verbose, 3);
    }

    #[rstest]
    #[case(&[], State::Unknown, Trust::System)]
    #[case(&["--unreachable-state", "CRITICAL"], State::Critical, Trust::System)]
    #[case(&["--unreachable-state=ok", "-k"], State::Ok, Trust::Insecure)]
    #[case(&["--ca-file", "/etc/ca.pem"], State::Unknown, Trust::CaFile("/etc/ca.pem".into()))]
    fn reads_network_options(#[case] args: &[&str], #[case] state: State, #[case] trust: Trust) {
        let mut all = vec!["-i", "abc", "-m", "cpu"];
        all.extend_from_slice(args);
        let config = config(&all).unwrap();
        assert_eq!(config.unreachable_state, state);
        assert_eq!(config.trust, trust);
    }

    #[test]
    fn negative_ranges_are_values_not_flags() {
        let config = config(&["-i", "abc", "-m", "cpu", "-w", "-5:-1", "-c", "~:-1"]).unwrap();
        assert_eq!(
            config.plan.thresholds.warning,
            Some("-5:-1".parse().unwrap())
        );
    }

    #[rstest]
    #[case(&["-r"])]
    #[case(&["--percpu"])]
    #[case(&["-rv"])]
    fn check_load_spellings_of_per_cpu(#[case] spelling: &[&str]) {
        let mut args = vec!["-i", "abc", "-m", "load", "--api", "v3"];
        args.extend_from_slice(spelling);
        assert!(config(&args).unwrap().plan.options.args.per_cpu);
    }

    #[test]
    fn mode_defaults_apply_when_no_thresholds_are_given() {
        let config = config(&["-i", "abc", "-m", "smart"]).unwrap();
        assert_eq!(config.plan.thresholds.warning, Some("0".parse().unwrap()));
        assert_eq!(config.plan.thresholds.critical, None);
    }

    #[rstest]
    #[case(&["-m", "cpu"], "no monitor")]
    #[case(&["-i", "x"], "no mode")]
    #[case(&["-i", "x", "-m", "cpu", "-w", "1e3"], "-w: invalid range")]
    #[case(&["-i", "x", "-m", "cpu", "-c", ""], "-c: invalid range")]
    #[case(&["-i", "x", "-m", "cpu", "-t", "0"], "-t/--timeout takes whole seconds (1..3600), not '0'")]
    #[case(&["-i", "x", "-m", "cpu", "-t", "2.5"], "-t/--timeout takes whole seconds (1..3600), not '2.5'")]
    #[case(&["-i", "x", "-m", "cpu", "--timeout", "abc"], "-t/--timeout takes whole seconds (1..3600), not 'abc'")]
    #[case(&["-i", "x", "-m", "cpu", "-t", "1", "-t", "2"], "-t/--timeout is given twice: give it once")]
    #[case(&["-i", "x", "-m", "cpu", "-w"], "-w/--warning needs a value")]
    #[case(&["-i", "x", "-m", "cpu", "--max-age", "-1"], "--max-age takes whole seconds (0 turns the check off), not '-1'")]
    #[case(&["-i", "x", "-m", "cpu", "--window", "x"], "--window takes whole minutes (1..60, the API keeps the last 60), not 'x'")]
    #[case(&["-i", "x", "-m", "cpu", "stray"], "unexpected argument 'stray': is an option missing before it?")]
    #[case(&["-i", "x", "-m", "cpu", "-t", "abcdef1234567"], "not '***'")]
    #[case(&["-i", "x", "-m", "cpu", "abcdef1234567"], "unexpected argument '***'")]
    #[case(&["-i", "x", "-m", "cpu", "--api", "abcdef1234567"], "not '***'")]
    #[case(&["-i", "x", "-m", "cpu", "--token-file", "abcdef1234567"], "the token file ***:")]
    #[case(&["-i", "x", "-m", "cpu", "--abcdef1234567"], "unknown option --***")]
    #[case(&["-i", "x", "-m", "cpu", "--window", "61"], "--window")]
    #[case(&["-i", "x", "-m", "cpu", "--bogus"], "--bogus")]
    #[case(&["-i", "x", "-m", "cpu", "--api-url", "ftp://x"], "--api-url")]
    #[case(&["-i", "x", "-m", "cpu", "--api-url", "http://admin:hunter2pass@h"], "must not hold a user name or password")]
    #[case(&["-i", "x", "-m", "cpu", "--api-url", "https://h/?x=1"], "without '?' or '#'")]
    #[case(&["-i", "x", "-m", "cpu", "--api-url", "https://h/#frag"], "without '?' or '#'")]
    #[case(&["-i", "a/b", "-m", "cpu"], "monitor ID")]
    #[case(&["-i", "..", "-m", "blacklist"], "monitor ID")]
    #[case(&["-i", ".", "-m", "cpu"], "monitor ID")]
    #[case(&["-i", "x", "-m", "cpu", "--unreachable-state", "3"], "--unreachable-state must be")]
    #[case(&["-i", "x", "-m", "cpu", "--ca-file", "ca.pem", "-k"], "contradict")]
    #[case(&["-i", "x", "-m", "status", "--api", "v3", "--maintenance-state", "down"], "--maintenance-state must be ok, warning, critical or unknown")]
    #[case(&["-i", "x", "-m", "ssl", "--api", "v1"], "mode ssl needs --api v3")]
    #[case(&["-i", "x", "-m", "cpu", "--top", "-1"], "--top")]
    #[case(&["-i", "x", "-m", "cpu", "--token-file", ""], "$USER32$ in resource.cfg")]
    fn rejects_bad_arguments(#[case] args: &[&str], #[case] message: &str) {
        let error = config(args).err().expect("should fail").to_string();
        assert!(
            error.contains(message),
            "{error:?} should mention {message:?}"
        );
    }

    #[test]
    fn cache_options_reach_the_settings() {
        let settings = config(&[
            "-i",
            "x",
            "-m",
            "cpu",
            "--cache-ttl",
            "0",
            "--stale-if-error=300",
            "--cache-dir",
            "/c",
        ])
        .unwrap();
        assert_eq!(
            settings.cache,
            cache::Settings {
                ttl: 0,
                stale_if_error: 300,
                dir: PathBuf::from("/c"),
            }
        );
        assert_eq!(config(&["-i", "x", "-m", "cpu"]).unwrap().cache.ttl, 60);
    }

    #[test]
    fn quota_needs_no_monitor() {
        assert!(config(&["-m", "quota"]).is_ok());
    }

    #[test]
    fn missing_token_is_explained() {
        let error = parse(&strings(&["-i", "x", "-m", "cpu"]), no_env)
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("HETRIX_API_TOKEN"), "{error}");
    }

    #[test]
    fn token_precedence_is_flag_then_file_then_env() {
        let env = |name: &str| (name == "HETRIX_API_TOKEN").then(|| "token-from-env".to_string());
        let dir = std::env::temp_dir().join(format!("check_hetrix_cli_{}", std::process::id()));
        std::fs::write(&dir, "token-from-file\nsecond line\n").unwrap();
        let file = dir.to_string_lossy().to_string();
        let token_of = |args: &[&str]| match parse(&strings(args), env) {
            Ok(Command::Check(config)) => match config.source {
                Source::Api { token, .. } => token,
                Source::Demo => unreachable!(),
            },
            _ => panic!("expected a check"),
        };
        assert_eq!(
            token_of(&[
                "-m",
                "cpu",
                "-i",
                "x",
                "-T",
                "token-from-flag",
                "--token-file",
                &file
            ]),
            "token-from-flag"
        );
        assert_eq!(
            token_of(&["-m", "cpu", "-i", "x", "--token-file", &file]),
            "token-from-file"
        );
        assert_eq!(token_of(&["-m", "cpu", "-i", "x"]), "token-from-env");
        std::fs::remove_file(dir).unwrap();
    }

    /// Options a mode would ignore are refused, naming the modes that
    /// read them.
    #[rstest]
    #[case(&["-m", "disk", "--window", "5"], "--window applies to modes cpu, ram")]
    #[case(&["-m", "cpu", "-r"], "--per-cpu applies to mode load only, not to mode cpu")]
    #[case(&["-m", "cpu", "--wear-warning", "80"], "applies to mode smart only")]
    #[case(&["-m", "disk", "--top", "3"], "--top applies to modes cpu, ram, all only, not to mode disk")]
    #[case(&["-m", "cpu", "--maintenance-state", "critical"], "--maintenance-state applies to mode status only")]
    #[case(&["-m", "cpu", "--free"], "--free applies to modes disk, inodes only, not to mode cpu")]
    #[case(&["-m", "cpu", "--include", "x"], "--include applies to modes disk, inodes, all only")]
    #[case(&["-m", "reboot", "--reboot-state", "panic"], "--reboot-state must be warning or critical, not 'panic'")]
    #[case(&["-m", "cpu", "--reboot-state", "critical"], "--reboot-state applies to modes reboot, all only")]
    fn refuses_options_the_mode_does_not_read(#[case] args: &[&str], #[case] message: &str) {
        let mut all = vec!["-i", "x"];
        all.extend_from_slice(args);
        let error = config(&all).err().expect("should fail").to_string();
        assert!(
            error.contains(message),
            "{error:?} should mention {message:?}"
        );
    }

    #[test]
    fn a_window_of_one_minute_is_the_default_for_any_mode() {
        assert_eq!(
            config(&["-i", "x", "-m", "disk", "--window", "1"])
                .unwrap()
                .plan
                .window,
            1
        );
    }

    /// `--help` names by hand the modes an option applies to; the modes'
    /// `accepts` lists decide.
    #[test]
    fn help_names_the_modes_that_accept_an_option() {
        let mut checked = 0;
        for flag in FLAGS {
            let Some(group) = flag.accepts else { continue };
            let about = flag.about();
            let named = about
                .split(':')
                .next()
                .unwrap()
                .trim_end_matches(" on --api v3");
            let mut named: Vec<&str> = named.split(", ").collect();
            let mut accepting = group.modes();
            named.sort_unstable();
            accepting.sort_unstable();
            assert_eq!(named, accepting, "{about}");
            checked += 1;
        }
        assert_eq!(checked, 12);
    }

    #[rstest]
    #[case("--api", "v2", "--api must be v1 or v3, not 'v2'")]
    #[case(
        "--format",
        "json",
        "--format must be table, icinga2 or nagios, not 'json'"
    )]
    #[case(
        "--unreachable-state",
        "3",
        "--unreachable-state must be ok, warning, critical or unknown, not '3'"
    )]
    #[case(
        "--maintenance-state",
        "abcdef1234567",
        "--maintenance-state must be ok, warning, critical or unknown, not '***'"
    )]
    fn enum_options_name_every_word_they_take(
        #[case] option: &str,
        #[case] word: &str,
        #[case] message: &str,
    ) {
        let words: Vec<&str> = match option {
            "--format" => vec!["--list-monitors", option, word],
            _ => vec!["-i", "x", "-m", "status", option, word],
        };
        let env =
            |name: &str| (name == "HETRIX_API_TOKEN").then(|| "token-from-env-123".to_string());
        let error = parse(&strings(&words), env)
            .err()
            .expect("should fail")
            .to_string();
        assert!(error.ends_with(message), "{error:?} should end {message:?}");
    }

    #[test]
    fn enum_options_take_their_words_in_any_case() {
        let config = config(&[
            "-i",
            "x",
            "-m",
            "reboot",
            "--reboot-state",
            "Critical",
            "--api",
            "V1",
        ])
        .unwrap();
        assert_eq!(config.plan.options.reboot_state, State::Critical);
        assert_eq!(config.plan.api, Version::V1);
    }

    #[test]
    fn help_lists_every_mode_with_defaults() {
        let Ok(Command::Print(help)) = parse(&strings(&["--help"]), no_env) else {
            panic!("--help should print");
        };
        for mode in modes::MODES {
            assert!(help.contains(&mode.usage()), "help lacks {}", mode.name);
        }
        assert!(help.contains("-w 80 -c 90"));
        assert!(
            help.contains("ps"),
            "help must warn that -T is visible in ps"
        );
    }
}
