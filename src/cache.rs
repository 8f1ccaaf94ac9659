//! The response cache shared by all runs of one user: the services of a
//! host (and hosts sharing a monitor) reuse one API response instead of
//! each spending a call of the API quota.
//!
//! An entry is one file holding a successfully parsed response body behind
//! a header with its time, HTTP status, length and checksum, so a truncated
//! or corrupt file is noticed and refetched. Entries are written to a temp
//! file with an unpredictable name and renamed into place, so readers never
//! see half an entry. Runs for the same key take an OS lock (`flock`) on a
//! per-key lock file before fetching, so N runs started together make one
//! call; the kernel drops the lock when its holder exits or is killed, so a
//! leftover lock file never blocks anyone. A failed call is recorded for a
//! few seconds, so the runs that waited for it report it instead of each
//! calling again.
//!
//! Files are opened without following symlinks and without blocking, and
//! only regular files are used: whatever is planted in the directory can
//! neither stall a run past `-t` nor make it write outside the directory.

use std::fs::{self, DirBuilder, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};

use crate::failure::{Failure, Kind};
use crate::fetch::{Client, MAX_BODY_BYTES, Response, Trust};
use crate::files::{Links, open_regular, read_regular};

/// Written first in every entry; a different first word means a different
/// (older or newer) format, read as corrupt and replaced.
const MAGIC: &str = "check_hetrix-cache-2";

/// How often a run waiting for another run's fetch looks again.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// First word of a recorded failure (see [`Store::record_failure`]). A
/// record of another format, such as the flags `check_hetrix-failure-1`
/// stored before, is no record: the run calls the API itself.
const FAILURE_MAGIC: &str = "check_hetrix-failure-2";

/// How long a failed call answers for later runs of the same key, so that
/// checks started together make one call even while the API fails.
const SHARED_FAILURE_MS: u128 = 5_000;

/// Temp files older than this belong to runs that died between write and
/// rename: a temp file lives only while one response is written, which
/// takes milliseconds, whatever `-t` is.
const STALE_TEMP: Duration = Duration::from_secs(300);

/// What the cache may do, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Seconds an entry serves later runs instead of a call (0: never).
    pub ttl: u64,
    /// Seconds an entry may be old to stand in for a failed call (0: never).
    pub stale_if_error: u64,
    pub dir: PathBuf,
}

impl Settings {
    fn enabled(&self) -> bool {
        self.ttl > 0 || self.stale_if_error > 0
    }
}

/// The cache directory when `--cache-dir` is not given: env
/// CHECK_HETRIX_CACHE_DIR, else the XDG cache home, else ~/.cache, else a
/// per-user directory in the system temp directory.
pub fn default_dir(env: impl Fn(&str) -> Option<String>) -> PathBuf {
    let set = |name: &str| env(name).filter(|value| !value.is_empty());
    if let Some(dir) = set("CHECK_HETRIX_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    // The XDG spec says to ignore a relative XDG_CACHE_HOME.
    if let Some(xdg) = set("XDG_CACHE_HOME").filter(|dir| Path::new(dir).is_absolute()) {
        return Path::new(&xdg).join("check_hetrix");
    }
    if let Some(home) = set("HOME") {
        return Path::new(&home).join(".cache").join("check_hetrix");
    }
    std::env::temp_dir().join(format!("check_hetrix-{}", euid()))
}

/// Which response an entry holds. The file name is derived from API call,
/// base URL, subject (monitor ID), a hash of the token and the run's
/// certificate policy, so two tokens never share an entry, the token never
/// appears in a name, and a response taken without verification (`-k`) or
/// trusting another `--ca-file` never serves a run that verifies.
pub struct Key {
    call: String,
    /// Call, base URL, subject and token hash, as hashed into the name.
    identity: String,
}

impl Key {
    /// `call` names the API call, e.g. `v1-server-stats`; it is the
    /// readable start of the file name.
    pub fn new(call: &str, base_url: &str, subject: &str, token: &str) -> Key {
        let token_hash = hex(&Sha256::digest(token));
        Key {
            call: call.to_string(),
            identity: [call, base_url, subject, &token_hash].join("\0"),
        }
    }

    /// The entry's file name for a run with certificate policy `trust`.
    fn file_stem(&self, trust: &Trust) -> String {
        let trust = match trust {
            Trust::System => String::new(),
            other => format!("{other:?}"),
        };
        let identity = [&self.identity, trust.as_str()].join("\0");
        let hash = hex(&Sha256::digest(&identity));
        format!("{}-{}", self.call, &hash[..32])
    }
}

/// A value with, when it came from an old entry because the API failed,
/// the note the output must carry.
pub struct Loaded<T> {
    pub value: T,
    /// `(cached N s ago: <error>)`.
    pub stale_note: Option<String>,
}

/// The value for `key`: from a fresh entry, else fetched (by this run or by
/// a concurrent run it waits for, until `client`'s deadline) and stored
/// when `parse` accepts it, else, when the fetch fails, from an entry up to
/// `--stale-if-error` old. Entries are dated by `clock`. With `-v`, says
/// what it did in `notes`.
pub fn load<T>(
    settings: &Settings,
    key: &Key,
    client: &Client,
    clock: fn() -> SystemTime,
    mut notes: Notes,
    fetch: impl FnOnce(&mut Vec<String>) -> Result<Response, Failure>,
    parse: impl Fn(u16, &[u8]) -> Result<T, Failure>,
) -> Result<Loaded<T>, Failure> {
    let fresh = |value| Loaded {
        value,
        stale_note: None,
    };
    let dir = match settings.enabled() {
        true => safe_dir(&settings.dir, euid()).map_err(|reason| format!("not used, {reason}")),
        false => Err("off (--cache-ttl 0)".to_string()),
    };
    let dir = match dir {
        Ok(dir) => dir,
        Err(why) => {
            notes.say(why);
            let response = fetch(notes.log)?;
            return parse(response.status, &response.body).map(fresh);
        }
    };
    let store = Store::new(&dir, &key.file_stem(&client.trust), clock);
    let deadline = client.deadline;
    let failure = match store.fetch_once(settings.ttl, deadline, &mut notes, fetch, &parse) {
        Ok(value) => return Ok(fresh(value)),
        Err(failure) if settings.stale_if_error > 0 => failure,
        Err(failure) => return Err(failure),
    };
    match store.read(&parse, settings.stale_if_error.saturating_add(1)) {
        Ok((value, age)) => {
            notes.say(format_args!(
                "the API failed, serving the {age} s old entry"
            ));
            Ok(Loaded {
                value,
                stale_note: Some(format!("(cached {age} s ago: {failure})")),
            })
        }
        Err(reason) => {
            notes.say(format_args!(
                "nothing to serve for --stale-if-error: {reason}"
            ));
            Err(failure)
        }
    }
}

/// The run's `-v` lines, kept only when `-v` was given.
pub struct Notes<'a> {
    pub log: &'a mut Vec<String>,
    pub verbose: u8,
}

impl Notes<'_> {
    /// Takes `format_args!` so that runs without `-v` format nothing.
    fn say(&mut self, line: impl std::fmt::Display) {
        if self.verbose >= 1 {
            self.log.push(format!("cache: {line}"));
        }
    }
}

/// The files of one key.
struct Store {
    dir: PathBuf,
    entry: PathBuf,
    lock: PathBuf,
    /// The last failed call, for the runs that waited for it.
    failed: PathBuf,
    /// The time entries and failures are dated by.
    clock: fn() -> SystemTime,
}

impl Store {
    fn new(dir: &Path, file_stem: &str, clock: fn() -> SystemTime) -> Store {
        Store {
            clock,
            dir: dir.to_path_buf(),
            entry: dir.join(file_stem),
            lock: dir.join(format!("{file_stem}.lock")),
            failed: dir.join(format!("{file_stem}.failed")),
        }
    }

    /// A fresh entry, else the response of one fetch per key at a time:
    /// a run that finds the lock taken waits, then finds the entry the
    /// holder stored. With `ttl` 0 nothing is fresh, so there is nothing
    /// to wait for.
    fn fetch_once<T>(
        &self,
        ttl: u64,
        deadline: Instant,
        notes: &mut Notes,
        fetch: impl FnOnce(&mut Vec<String>) -> Result<Response, Failure>,
        parse: &impl Fn(u16, &[u8]) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        // Held until this function returns, i.e. until the entry is stored.
        let mut _lock = None;
        if ttl > 0 {
            if let Some(value) = self.fresh(ttl, parse, notes) {
                return Ok(value);
            }
            let waiting_since = unix_millis((self.clock)());
            let waited;
            (_lock, waited) = self.wait_for_lock(deadline, notes)?;
            if let Ok((value, age)) = self.read(parse, ttl) {
                notes.say(format_args!("{age} s old entry stored by another run"));
                return Ok(value);
            }
            if let Some(failure) = self.shared_failure(waited.then_some(waiting_since), notes) {
                return Err(failure);
            }
            if waited && Instant::now() >= deadline {
                return Err(waited_too_long(
                    unix_millis((self.clock)()).saturating_sub(waiting_since),
                ));
            }
        }
        let fetched = fetch(notes.log).and_then(|response| {
            parse(response.status, &response.body).map(|value| (value, response))
        });
        let (value, response) = match fetched {
            Ok(fetched) => fetched,
            Err(failure) => {
                if ttl > 0 {
                    self.record_failure(&failure, notes);
                }
                return Err(failure);
            }
        };
        match self.write(response.status, &response.body) {
            Ok(()) => notes.say(format_args!("stored {}", self.entry.display())),
            Err(error) => notes.say(format_args!(
                "cannot store {}: {error}",
                self.entry.display()
            )),
        }
        let _ = fs::remove_file(&self.failed);
        Ok(value)
    }

    fn fresh<T>(
        &self,
        ttl: u64,
        parse: &impl Fn(u16, &[u8]) -> Result<T, Failure>,
        notes: &mut Notes,
    ) -> Option<T> {
        match self.read(parse, ttl) {
            Ok((value, age)) => {
                notes.say(format_args!(
                    "{age} s old entry {} (fresh for --cache-ttl {ttl})",
                    self.entry.display()
                ));
                Some(value)
            }
            Err(reason) => {
                notes.say(reason);
                None
            }
        }
    }

    /// The key's lock, held until dropped, and whether another run held it
    /// first. `None` when locking is not possible here (the run then
    /// fetches without it); a failure when another run holds it past the
    /// deadline.
    fn wait_for_lock(
        &self,
        deadline: Instant,
        notes: &mut Notes,
    ) -> Result<(Option<File>, bool), Failure> {
        let waiting_since = unix_millis((self.clock)());
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(false).mode(0o600);
        let file = match open_regular(&self.lock, &mut options, Links::Refuse) {
            Ok((file, _)) => file,
            Err(error) => {
                notes.say(format_args!("cannot open {}: {error}", self.lock.display()));
                return Ok((None, false));
            }
        };
        let mut waited = false;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    if waited {
                        notes.say("waited for another run's fetch");
                    }
                    return Ok((Some(file), waited));
                }
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    waited = true;
                    let left = deadline.saturating_duration_since(Instant::now());
                    std::thread::sleep(LOCK_POLL.min(left));
                }
                // The run holding the lock is stuck on the API: as much an
                // outage as its own timeout, for --unreachable-state too.
                Err(TryLockError::WouldBlock) => {
                    return Err(waited_too_long(
                        unix_millis((self.clock)()).saturating_sub(waiting_since),
                    ));
                }
                Err(TryLockError::Error(error)) => {
                    notes.say(format_args!("cannot lock {}: {error}", self.lock.display()));
                    return Ok((None, false));
                }
            }
        }
    }

    /// Records a failed call for the runs waiting for it, with its kind so
    /// that they report it in the state the caller did, and its message
    /// redacted (the server may have echoed the token). Best effort:
    /// without the record they call again.
    fn record_failure(&self, failure: &Failure, notes: &mut Notes) {
        let text = format!(
            "{FAILURE_MAGIC} {} {}\n{}",
            unix_millis((self.clock)()),
            kind_word(failure.kind()),
            crate::output::redact(&failure.to_string())
        );
        if let Err(error) = self.write_file(&self.failed, text.as_bytes()) {
            notes.say(format_args!(
                "cannot record the failure in {}: {error}",
                self.failed.display()
            ));
        }
    }

    /// The failure another run's call ended in, if it is recent, or if it
    /// happened while this run waited for it (`waiting_since`, Unix ms):
    /// calling again would only add to what made it fail.
    fn shared_failure(&self, waiting_since: Option<u128>, notes: &mut Notes) -> Option<Failure> {
        let bytes = read_regular(&self.failed, 64 * 1024, Links::Refuse).ok()?;
        let text = String::from_utf8_lossy(&bytes);
        let (header, message) = text.split_once('\n')?;
        let [FAILURE_MAGIC, at, kind] = header.split(' ').collect::<Vec<_>>()[..] else {
            return None;
        };
        let kind = kind_named(kind)?;
        let at: u128 = at.parse().ok()?;
        let now = unix_millis((self.clock)());
        let recent = now
            .checked_sub(at)
            .is_some_and(|age| age < SHARED_FAILURE_MS);
        let while_waiting = waiting_since.is_some_and(|since| at >= since && at <= now);
        if !(recent || while_waiting) {
            return None;
        }
        let age = now.saturating_sub(at) / 1000;
        notes.say(format_args!(
            "another run's call failed {age} s ago: reporting its failure instead of calling again"
        ));
        Some(Failure::of(
            kind,
            format!("{message} (shared: another check's call failed {age} s ago)"),
        ))
    }

    /// The entry's value and age if it is intact, parses, and is younger
    /// than `max_age` seconds; otherwise why not.
    fn read<T>(
        &self,
        parse: &impl Fn(u16, &[u8]) -> Result<T, Failure>,
        max_age: u64,
    ) -> Result<(T, u64), String> {
        let name = self.entry.display();
        let bytes = match read_regular(&self.entry, MAX_BODY_BYTES + 256, Links::Refuse) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(format!("no entry {name}"));
            }
            Err(e) => return Err(format!("cannot read {name}: {e}")),
        };
        let (stored, status, body) =
            decode(&bytes).ok_or_else(|| format!("ignoring corrupt entry {name}"))?;
        // Checked: the header's time is not under the checksum.
        let age = crate::unix_seconds((self.clock)())
            .checked_sub(stored)
            .and_then(|age| u64::try_from(age).ok())
            .ok_or_else(|| format!("ignoring entry {name} from the future (clock changed?)"))?;
        if age >= max_age {
            return Err(format!("entry {name} is {age} s old, too old"));
        }
        let value = parse(status, body).map_err(|e| format!("ignoring entry {name}: {e}"))?;
        Ok((value, age))
    }

    /// Replaces the entry atomically: readers see the old or the new one.
    fn write(&self, status: u16, body: &[u8]) -> io::Result<()> {
        self.remove_stale_temp_files();
        self.write_file(
            &self.entry,
            &encode(crate::unix_seconds((self.clock)()), status, body),
        )
    }

    /// Writes `path` through a new temp file of an unpredictable name,
    /// created exclusively (never through a planted file or symlink).
    fn write_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut random = [0u8; 8];
        SystemRandom::new()
            .fill(&mut random)
            .map_err(|_| io::Error::other("no randomness for a temp file name"))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let temp = self.dir.join(format!("{name}.{}.tmp", hex(&random)));
        let written = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&temp)
            .and_then(|mut file| file.write_all(bytes))
            .and_then(|()| fs::rename(&temp, path));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }

    /// Removes temp files left by runs killed between write and rename.
    /// Only when storing (once per TTL and key), not on every warm run.
    fn remove_stale_temp_files(&self) {
        let Ok(list) = fs::read_dir(&self.dir) else {
            return;
        };
        for item in list.flatten() {
            let is_temp = is_our_temp_file(&item.file_name().to_string_lossy());
            let stale = item
                .metadata()
                .and_then(|meta| meta.modified())
                .is_ok_and(|modified| modified.elapsed().is_ok_and(|age| age > STALE_TEMP));
            if is_temp && stale {
                let _ = fs::remove_file(item.path());
            }
        }
    }
}

/// Whether `name` is a temp file [`Store::write_file`] makes,
/// `<call>-<hex>[.failed].<16 hex>.tmp`, or one of the `<call>-<hex>.<pid>.tmp`
/// older versions left: `--cache-dir` may name a directory other programs
/// use too, and their files are not ours to remove.
fn is_our_temp_file(name: &str) -> bool {
    let lower_hex = |text: &str| {
        !text.is_empty() && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    let Some((target, random)) = name.strip_suffix(".tmp").and_then(|n| n.rsplit_once('.')) else {
        return false;
    };
    let random = (random.len() == 16 && lower_hex(random))
        || (random.len() <= 10 && random.parse::<u32>().is_ok());
    let stem = target.strip_suffix(".failed").unwrap_or(target);
    random
        && stem
            .rsplit_once('-')
            .is_some_and(|(call, hash)| !call.is_empty() && lower_hex(hash))
}

/// How a failure record names the failure's kind.
fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::General => "general",
        Kind::MissingData => "missing-data",
        Kind::Unreachable => "unreachable",
    }
}

/// The kind a failure record names; `None` for any other word (a planted
/// or damaged record, or a kind of a newer version).
fn kind_named(word: &str) -> Option<Kind> {
    [Kind::General, Kind::MissingData, Kind::Unreachable]
        .into_iter()
        .find(|&kind| kind_word(kind) == word)
}

/// The failure of a run whose deadline came while another run fetched,
/// after waiting `waited` ms. Rounded, not up: the wait ends a few ms past
/// the deadline, and `-t 2` must not read "waited 3 s".
fn waited_too_long(waited: u128) -> Failure {
    let seconds = (waited.saturating_add(500) / 1000).max(1);
    Failure::unreachable(format!(
        "waited {seconds} s for another check of this monitor to get the data until -t ran out (raise -t or check how fast the API answers)"
    ))
}

/// Milliseconds since the epoch at `time`; 0 before it.
fn unix_millis(time: SystemTime) -> u128 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

fn encode(stored: i64, status: u16, body: &[u8]) -> Vec<u8> {
    let sum = checksum(body);
    let mut bytes = format!("{MAGIC} {stored} {status} {} {sum:016x}\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Time stored, HTTP status and body, if the header is ours and the body
/// is whole and unchanged.
fn decode(bytes: &[u8]) -> Option<(i64, u16, &[u8])> {
    let newline = bytes.iter().position(|&b| b == b'\n')?;
    let header = std::str::from_utf8(&bytes[..newline]).ok()?;
    let body = &bytes[newline + 1..];
    let fields: Vec<&str> = header.split(' ').collect();
    let [magic, stored, status, length, sum] = fields[..] else {
        return None;
    };
    let intact = magic == MAGIC
        && length.parse::<usize>().ok()? == body.len()
        && u64::from_str_radix(sum, 16).ok()? == checksum(body);
    intact.then_some((stored.parse().ok()?, status.parse().ok()?, body))
}

/// `dir`, created 0700 if missing, when only this user can change what is
/// in it; otherwise why it is not used. Another user who can replace the
/// directory or files in it could feed this plugin false data, so the
/// directory must be a real directory (not a symlink) owned by this user
/// and writable by no one else, and every directory above it (symlinks
/// resolved) owned by root or this user and, if others can write to it,
/// sticky like /tmp.
fn safe_dir(dir: &Path, euid: u32) -> Result<PathBuf, String> {
    let name = dir.display();
    if !dir.is_absolute() {
        return Err(format!(
            "the cache directory {name} is not an absolute path"
        ));
    }
    let parent = dir
        .parent()
        .ok_or_else(|| format!("the cache directory {name} has no parent"))?;
    if let Err(error) = fs::create_dir_all(parent) {
        return Err(format!("cannot create {}: {error}", parent.display()));
    }
    match DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(format!("cannot create {name}: {error}")),
    }
    let meta = fs::symlink_metadata(dir).map_err(|e| format!("cannot inspect {name}: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err(format!("{name} is a symlink"));
    }
    if !meta.is_dir() {
        return Err(format!("{name} is not a directory"));
    }
    if meta.uid() != euid {
        return Err(format!(
            "{name} is owned by uid {}, not by this user (uid {euid})",
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "{name} is writable by others (mode {:o}: chmod 700 it)",
            meta.mode() & 0o7777
        ));
    }
    let real_parent = fs::canonicalize(parent)
        .map_err(|e| format!("cannot resolve {}: {e}", parent.display()))?;
    for ancestor in real_parent.ancestors() {
        let meta = fs::metadata(ancestor)
            .map_err(|e| format!("cannot inspect {}: {e}", ancestor.display()))?;
        if meta.uid() != 0 && meta.uid() != euid {
            return Err(format!(
                "{} above the cache directory is owned by another user (uid {})",
                ancestor.display(),
                meta.uid()
            ));
        }
        let sticky = meta.mode() & 0o1000 != 0;
        if meta.mode() & 0o022 != 0 && !sticky {
            return Err(format!(
                "{} above the cache directory is writable by others and not sticky",
                ancestor.display()
            ));
        }
    }
    Ok(dir.to_path_buf())
}

fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(DIGITS[usize::from(b >> 4)] as char);
        text.push(DIGITS[usize::from(b & 15)] as char);
    }
    text
}

/// Notices a damaged entry; every warm run checks one, so it must be
/// cheap (SHA-256 was a quarter of a warm run). Not a defence against
/// forgery: whoever can write the private cache directory could forge any
/// sum. Every step is a bijection of the state for a given word, so a
/// change in any one word always changes the sum.
fn checksum(body: &[u8]) -> u64 {
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut words = body.chunks_exact(8);
    let mut sum = body.len() as u64;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        sum = (sum.rotate_left(5) ^ word).wrapping_mul(MULTIPLIER);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    (sum.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(MULTIPLIER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::os::unix::fs::PermissionsExt;

    /// A fresh directory under the system temp directory, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let path = std::env::temp_dir()
                .join(format!("check_hetrix_unit_{name}_{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            DirBuilder::new().mode(0o700).create(&path).unwrap();
            Scratch(path)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn entries_round_trip() {
        let bytes = encode(1_700_000_000, 200, b"{\"a\":1}");
        assert_eq!(
            decode(&bytes),
            Some((1_700_000_000, 200, &b"{\"a\":1}"[..]))
        );
    }

    #[test]
    fn any_changed_byte_changes_the_checksum() {
        let body = include_bytes!("demo.json");
        let sum = checksum(body);
        let mut damaged = body.to_vec();
        for i in (0..body.len()).step_by(7).chain([body.len() - 1]) {
            damaged[i] ^= 0x20;
            assert_ne!(checksum(&damaged), sum, "byte {i}");
            damaged[i] ^= 0x20;
        }
        assert_ne!(checksum(b"ab"), checksum(b"ab\0"));
        assert_eq!(hex(&[0x00, 0x9f, 0xff]), "009fff");
    }

    #[rstest]
    #[case::truncated(|b: &mut Vec<u8>| { b.pop(); })]
    #[case::extended(|b: &mut Vec<u8>| b.push(b' '))]
    #[case::flipped_byte(|b: &mut Vec<u8>| { let last = b.len() - 1; b[last] ^= 1; })]
    #[case::no_header(|b: &mut Vec<u8>| b.retain(|&c| c != b'\n'))]
    #[case::other_format(|b: &mut Vec<u8>| b[MAGIC.len() - 1] = b'9')]
    #[case::empty(|b: &mut Vec<u8>| b.clear())]
    fn damaged_entries_are_rejected(#[case] damage: fn(&mut Vec<u8>)) {
        let mut bytes = encode(1_700_000_000, 200, b"{\"a\":1}");
        damage(&mut bytes);
        assert_eq!(decode(&bytes), None);
    }

    #[test]
    fn keys_never_hold_the_token_and_separate_what_differs() {
        let key = |call, url, subject, token| {
            Key::new(call, url, subject, token).file_stem(&Trust::System)
        };
        let base = key("v1-server-stats", "https://a", "m1", "SECRETTOKEN");
        assert!(!base.contains("SECRETTOKEN"));
        assert!(base.starts_with("v1-server-stats-"));
        assert_eq!(
            base,
            key("v1-server-stats", "https://a", "m1", "SECRETTOKEN")
        );
        let trusting =
            |trust| Key::new("v1-server-stats", "https://a", "m1", "SECRETTOKEN").file_stem(&trust);
        assert_eq!(base, trusting(Trust::System));
        let stems: std::collections::HashSet<String> = [
            trusting(Trust::System),
            trusting(Trust::Insecure),
            trusting(Trust::CaFile("/a.pem".into())),
            trusting(Trust::CaFile("/b.pem".into())),
        ]
        .into();
        assert_eq!(stems.len(), 4, "each trust policy has entries of its own");
        for other in [
            key("v1-status", "https://a", "m1", "SECRETTOKEN"),
            key("v1-server-stats", "https://b", "m1", "SECRETTOKEN"),
            key("v1-server-stats", "https://a", "m2", "SECRETTOKEN"),
            key("v1-server-stats", "https://a", "m1", "OTHERTOKEN"),
        ] {
            assert_ne!(base, other);
        }
    }

    /// Names must not change between releases: a new name orphans every
    /// entry and costs each check one API call after an upgrade.
    #[test]
    fn entry_names_are_stable_across_releases() {
        let key = Key::new(
            "v1-server-stats",
            "http://127.0.0.1:39073",
            "example",
            "benchTOKEN0123456789",
        );
        assert_eq!(
            key.file_stem(&Trust::System),
            "v1-server-stats-2c817fabe00e8eeb2aa5212785eb20a3"
        );
    }

    #[test]
    fn default_dir_follows_env_then_xdg_then_home_then_temp() {
        let dir = |vars: &[(&str, &str)]| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            default_dir(move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
        };
        let all = [
            ("CHECK_HETRIX_CACHE_DIR", "/c"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/h"),
        ];
        assert_eq!(dir(&all), PathBuf::from("/c"));
        assert_eq!(dir(&all[1..]), PathBuf::from("/x/check_hetrix"));
        assert_eq!(
            dir(&[("XDG_CACHE_HOME", "relative"), ("HOME", "/h")]),
            PathBuf::from("/h/.cache/check_hetrix")
        );
        assert_eq!(
            dir(&[("CHECK_HETRIX_CACHE_DIR", ""), ("HOME", "/h")]),
            PathBuf::from("/h/.cache/check_hetrix")
        );
        assert_eq!(
            dir(&[]),
            std::env::temp_dir().join(format!("check_hetrix-{}", euid()))
        );
    }

    #[test]
    fn a_missing_directory_is_created_private() {
        let scratch = Scratch::new("create");
        let dir = scratch.0.join("a").join("cache");
        assert_eq!(safe_dir(&dir, euid()), Ok(dir.clone()));
        let mode = fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[rstest]
    #[case::world_writable(0o777, "writable by others")]
    #[case::group_writable(0o770, "writable by others")]
    fn shared_directories_are_refused(#[case] mode: u32, #[case] reason: &str) {
        let scratch = Scratch::new(&format!("mode{mode:o}"));
        let dir = scratch.0.join("cache");
        DirBuilder::new().mode(0o700).create(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(mode)).unwrap();
        let error = safe_dir(&dir, euid()).unwrap_err();
        assert!(error.contains(reason), "{error}");
    }

    #[test]
    fn another_users_directory_is_refused() {
        let scratch = Scratch::new("owner");
        let error = safe_dir(&scratch.0, euid() + 1).unwrap_err();
        assert!(error.contains("owned by uid"), "{error}");
    }

    #[test]
    fn a_symlinked_directory_is_refused() {
        let scratch = Scratch::new("symlink");
        let real = scratch.0.join("real");
        DirBuilder::new().mode(0o700).create(&real).unwrap();
        let link = scratch.0.join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let error = safe_dir(&link, euid()).unwrap_err();
        assert!(error.contains("is a symlink"), "{error}");
    }

    #[test]
    fn a_parent_others_can_write_is_refused_unless_sticky() {
        let scratch = Scratch::new("parent");
        let parent = scratch.0.join("shared");
        DirBuilder::new().mode(0o700).create(&parent).unwrap();
        fs::set_permissions(&parent, fs::Permissions::from_mode(0o777)).unwrap();
        let error = safe_dir(&parent.join("cache"), euid()).unwrap_err();
        assert!(error.contains("not sticky"), "{error}");
        fs::set_permissions(&parent, fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(safe_dir(&parent.join("cache"), euid()).is_ok());
    }

    #[test]
    fn entries_expire_and_future_entries_are_ignored() {
        let scratch = Scratch::new("age");
        let store = Store::new(&scratch.0, "e", SystemTime::now);
        let parse = |_: u16, body: &[u8]| Ok(body.to_vec());
        fs::write(
            &store.entry,
            encode(crate::unix_seconds(SystemTime::now()) - 100, 200, b"x"),
        )
        .unwrap();
        assert_eq!(store.read(&parse, 101).unwrap().0, b"x");
        assert!(store.read(&parse, 100).unwrap_err().contains("too old"));
        fs::write(
            &store.entry,
            encode(crate::unix_seconds(SystemTime::now()) + 100, 200, b"x"),
        )
        .unwrap();
        assert!(store.read(&parse, 1000).unwrap_err().contains("future"));
    }

    fn store_in(scratch: &Scratch) -> Store {
        Store::new(&scratch.0, "e", SystemTime::now)
    }

    /// A run whose deadline comes while another run holds the lock, or
    /// just as it lets go, gives up without calling the API.
    #[test]
    fn a_waiter_at_its_deadline_gives_up_without_fetching() {
        let scratch = Scratch::new("deadline");
        let store = store_in(&scratch);
        let holder = File::create(&store.lock).unwrap();
        holder.lock().unwrap();
        let deadline = Instant::now() + Duration::from_millis(100);
        let releaser = std::thread::spawn(move || {
            while Instant::now() <= deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            drop(holder);
        });
        let mut log = Vec::new();
        let mut notes = Notes {
            log: &mut log,
            verbose: 1,
        };
        let parse = |_: u16, body: &[u8]| Ok(body.to_vec());
        let failure = store
            .fetch_once(60, deadline, &mut notes, |_| panic!("fetched"), &parse)
            .unwrap_err();
        releaser.join().unwrap();
        assert!(
            failure.to_string().starts_with("waited ")
                && failure
                    .to_string()
                    .contains(" s for another check of this monitor"),
            "{failure}"
        );
        assert!(failure.is_unreachable());
    }

    #[rstest]
    #[case(300, "waited 1 s ")]
    #[case(2_004, "waited 2 s ")]
    #[case(2_600, "waited 3 s ")]
    fn a_waiter_says_how_long_it_waited_without_overstating(
        #[case] waited_ms: u128,
        #[case] said: &str,
    ) {
        let text = waited_too_long(waited_ms).to_string();
        assert!(text.starts_with(said), "{text}");
    }

    #[test]
    fn only_stale_temp_files_of_ours_are_removed() {
        let scratch = Scratch::new("temps");
        let store = store_in(&scratch);
        let stem = format!("v1-server-stats-{}", "0123456789abcdef".repeat(2));
        let ours = [
            format!("{stem}.00112233aabbccdd.tmp"),
            format!("{stem}.failed.00112233aabbccdd.tmp"),
            format!("{stem}.12345.tmp"),
        ];
        let theirs = [
            "notes.tmp",
            "icinga2.state.tmp",
            "v1-server-stats-x.00112233aabbccdd.tmp",
            "v1-server-stats-abc..tmp",
            "backup.2024.tmp",
        ];
        let ten_minutes_ago = SystemTime::now() - Duration::from_secs(600);
        for name in ours.iter().map(String::as_str).chain(theirs) {
            let file = File::create(scratch.0.join(name)).unwrap();
            file.set_modified(ten_minutes_ago).unwrap();
        }
        store.remove_stale_temp_files();
        for name in &ours {
            assert!(!scratch.0.join(name).exists(), "{name} kept");
        }
        for name in theirs {
            assert!(scratch.0.join(name).exists(), "{name} removed");
        }
    }

    #[test]
    fn a_recent_failure_is_shared_and_an_old_one_is_not() {
        let scratch = Scratch::new("shared");
        let store = store_in(&scratch);
        let mut log = Vec::new();
        let mut notes = Notes {
            log: &mut log,
            verbose: 1,
        };
        store.record_failure(&Failure::unreachable("HTTP 503"), &mut notes);
        let shared = store.shared_failure(None, &mut notes).unwrap();
        assert!(shared.is_unreachable());
        let text = shared.to_string();
        assert!(
            text.starts_with("HTTP 503 (shared: another check's call failed "),
            "{text}"
        );
        assert!(text.ends_with(" s ago)"), "{text}");
        let old = unix_millis(SystemTime::now()) - SHARED_FAILURE_MS - 1000;
        fs::write(
            &store.failed,
            format!("{FAILURE_MAGIC} {old} general\nHTTP 500"),
        )
        .unwrap();
        assert_eq!(store.shared_failure(None, &mut notes), None);
        // Recorded while this run waited: shared whatever its age.
        assert!(store.shared_failure(Some(old - 1), &mut notes).is_some());
        assert_eq!(store.shared_failure(Some(old + 1), &mut notes), None);
    }

    /// A waiter's failure has the kind the caller's had, so it takes the
    /// same state (`--unreachable-state`) and mode `all` skips the same.
    #[rstest]
    fn a_shared_failure_keeps_its_kind(
        #[values(Kind::General, Kind::MissingData, Kind::Unreachable)] kind: Kind,
    ) {
        let scratch = Scratch::new(&format!("kind_{}", kind_word(kind)));
        let store = store_in(&scratch);
        let mut log = Vec::new();
        let mut notes = Notes {
            log: &mut log,
            verbose: 0,
        };
        store.record_failure(&Failure::of(kind, "HTTP 500"), &mut notes);
        let shared = store.shared_failure(None, &mut notes).unwrap();
        assert_eq!(shared.kind(), kind);
        assert!(shared.to_string().starts_with("HTTP 500 (shared: "));
    }

    /// A record this version did not write, or that was damaged or planted,
    /// is no record: the run calls the API itself.
    #[rstest]
    #[case::previous_format("check_hetrix-failure-1 {now} 10\nHTTP 500")]
    #[case::unknown_kind("check_hetrix-failure-2 {now} refused\nHTTP 500")]
    #[case::no_kind("check_hetrix-failure-2 {now}\nHTTP 500")]
    #[case::extra_field("check_hetrix-failure-2 {now} unreachable x\nHTTP 500")]
    #[case::bad_time("check_hetrix-failure-2 -{now} unreachable\nHTTP 500")]
    #[case::no_message("check_hetrix-failure-2 {now} unreachable")]
    #[case::empty("")]
    fn an_unknown_record_is_no_record(#[case] text: &str) {
        let scratch = Scratch::new(&format!("record_{:x}", checksum(text.as_bytes())));
        let store = store_in(&scratch);
        let now = unix_millis(SystemTime::now());
        fs::write(&store.failed, text.replace("{now}", &now.to_string())).unwrap();
        let mut log = Vec::new();
        let mut notes = Notes {
            log: &mut log,
            verbose: 0,
        };
        assert_eq!(store.shared_failure(Some(now - 1), &mut notes), None);
        let ours = format!("{FAILURE_MAGIC} {now} unreachable\nHTTP 500");
        fs::write(&store.failed, ours).unwrap();
        assert!(store.shared_failure(Some(now - 1), &mut notes).is_some());
    }

    #[test]
    fn planted_non_files_are_refused_at_once() {
        let scratch = Scratch::new("planted");
        let store = store_in(&scratch);
        let name = std::ffi::CString::new(store.entry.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let parse = |_: u16, body: &[u8]| Ok(body.to_vec());
        let error = store.read(&parse, 60).unwrap_err();
        assert!(error.contains("not a regular file"), "{error}");
        fs::remove_file(&store.entry).unwrap();
        std::os::unix::fs::symlink(scratch.0.join("elsewhere"), &store.entry).unwrap();
        assert!(store.read(&parse, 60).is_err());
        store.write(200, b"x").unwrap();
        assert!(!scratch.0.join("elsewhere").exists());
        assert_eq!(store.read(&parse, 60).unwrap().0, b"x");
    }

    /// A failure shared from another run is still one --stale-if-error
    /// stands in for, and no call is made.
    #[test]
    fn a_shared_failure_still_serves_a_stale_entry() {
        let scratch = Scratch::new("shared_stale");
        let key = Key::new("v1-server-stats", "https://a", "m1", "T");
        let store = Store::new(&scratch.0, &key.file_stem(&Trust::System), SystemTime::now);
        fs::write(
            &store.entry,
            encode(crate::unix_seconds(SystemTime::now()) - 120, 200, b"x"),
        )
        .unwrap();
        let mut log = Vec::new();
        let mut notes = Notes {
            log: &mut log,
            verbose: 0,
        };
        store.record_failure(&Failure::unreachable("HTTP 503"), &mut notes);
        let settings = Settings {
            ttl: 60,
            stale_if_error: 600,
            dir: scratch.0.clone(),
        };
        let client = Client::new(
            Trust::System,
            |_| None,
            Instant::now() + Duration::from_secs(60),
        );
        let parse = |_: u16, body: &[u8]| Ok(body.to_vec());
        let notes = Notes {
            log: &mut log,
            verbose: 0,
        };
        let loaded = load(
            &settings,
            &key,
            &client,
            SystemTime::now,
            notes,
            |_| panic!("fetched"),
            parse,
        )
        .unwrap_or_else(|failure| panic!("{failure}"));
        assert_eq!(loaded.value, b"x");
        let note = loaded.stale_note.unwrap();
        assert!(note.starts_with("(cached 12"), "{note}");
        assert!(
            note.contains("HTTP 503 (shared: another check's call failed"),
            "{note}"
        );
    }
}
