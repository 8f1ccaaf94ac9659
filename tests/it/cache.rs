//! The shared response cache: runs of one monitor share one API call, also
//! when started together; entries expire, broken ones are refetched,
//! failures are never stored, unsafe directories are not used, and an old
//! entry stands in for a failed call only when asked to and says so.
//! Every test uses a cache directory of its own.

use crate::common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{
    Gate, MONITOR, MockApi, Reply, Run, TOKEN, TempDir, example, files_ending, finish, has_open,
    start, wait_until,
};
use rstest::rstest;

/// One check against `api` with the test token, caching in `cache`.
fn cached(api: &MockApi, cache: &Path, args: &[&str]) -> Run {
    cached_with_token(api, cache, TOKEN, args)
}

fn cached_with_token(api: &MockApi, cache: &Path, token: &str, args: &[&str]) -> Run {
    finish(start_with_token(api, cache, token, args))
}

/// [`cached`], started in the background.
fn start_cached(api: &MockApi, cache: &Path, args: &[&str]) -> Child {
    start_with_token(api, cache, TOKEN, args)
}

fn start_with_token(api: &MockApi, cache: &Path, token: &str, args: &[&str]) -> Child {
    // The example payload is a v1 body.
    let mut all = vec!["--api-url", api.url.as_str(), "-i", MONITOR, "--api", "v1"];
    all.extend_from_slice(args);
    let dir = cache.to_str().unwrap();
    start(
        &all,
        &[("HETRIX_API_TOKEN", token), ("CHECK_HETRIX_CACHE_DIR", dir)],
    )
}

/// A check with `caller` args and one with `waiter` args of the same
/// monitor: the mock holds the caller's call (with `gate`) until the
/// waiter waits for it on the key's lock, then answers. Both runs, once
/// they end.
fn caller_and_waiter(
    api: &MockApi,
    gate: &Gate,
    cache: &Path,
    caller: &[&str],
    waiter: &[&str],
) -> (Run, Run) {
    let calls = api.requests().len();
    let caller = start_cached(api, cache, caller);
    wait_until("the caller calls", || api.requests().len() > calls);
    let [lock] = &files_ending(cache, "lock")[..] else {
        panic!("expected one lock file in {cache:?}");
    };
    let waiter = start_cached(api, cache, waiter);
    wait_until("the waiter opens the lock file", || {
        has_open(waiter.id(), lock)
    });
    gate.open();
    (finish(caller), finish(waiter))
}

/// The whole number right after `prefix` in `text`.
fn number_after(text: &str, prefix: &str) -> u128 {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix:?} in {text:?}"))
        + prefix.len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {prefix:?} in {text:?}"))
}

fn unix_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// The example payload after `delay`, so that runs started together really
/// overlap the fetch.
fn slow_example(delay: Duration) -> MockApi {
    let body = example();
    MockApi::start(move |_| {
        thread::sleep(delay);
        Reply::json(&body)
    })
}

/// Answers the first `failures` requests with `failure`, then the example.
fn failing_first(failures: usize, failure: Reply) -> MockApi {
    let body = example();
    let count = AtomicUsize::new(0);
    MockApi::start(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) < failures {
            failure.clone()
        } else {
            Reply::json(&body)
        }
    })
}

/// Answers the example first, then `failure` forever.
fn failing_after_one(failure: Reply) -> MockApi {
    let body = example();
    let count = AtomicUsize::new(0);
    MockApi::start(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::json(&body)
        } else {
            failure.clone()
        }
    })
}

/// The cache files (entries and temp files), not the lock files or the
/// records of failed calls.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|list| list.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    entries.retain(|p| p.extension().is_none_or(|e| e != "lock" && e != "failed"));
    entries
}

fn server_error() -> Reply {
    Reply::raw(500, "text/html", "<html>oops</html>")
}

#[test]
fn ten_checks_started_together_make_one_call() {
    let api = slow_example(Duration::from_millis(500));
    let cache = TempDir::new();
    let modes = [
        "cpu",
        "ram",
        "disk",
        "raid",
        "smart",
        "services",
        "service:nginx",
        "freshness",
        "disk:/boot",
        "cpu",
    ];
    let runs: Vec<Run> = thread::scope(|scope| {
        let started: Vec<_> = modes
            .iter()
            .map(|mode| scope.spawn(|| cached(&api, cache.path(), &["-m", mode])))
            .collect();
        started.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert_eq!(api.requests().len(), 1, "{runs:?}");
    // The same verdicts as uncached runs: the example's sda has SMART
    // errors, which warns by default; the rest is healthy.
    for (mode, run) in modes.iter().zip(&runs) {
        let expected = if *mode == "smart" { "WARNING" } else { "OK" };
        assert_eq!(run.state(), expected, "{mode}: {run:?}");
    }
}

#[test]
fn a_fresh_entry_serves_later_runs_and_modes() {
    let api = MockApi::replying(Reply::json(&example()));
    let cache = TempDir::new();
    assert_eq!(cached(&api, cache.path(), &["-m", "disk"]).state(), "OK");
    let second = cached(&api, cache.path(), &["-m", "cpu", "-v"]);
    assert_eq!(second.state(), "OK");
    assert!(
        second.stdout.contains("(fresh for --cache-ttl 60)"),
        "{second:?}"
    );
    assert_eq!(api.requests().len(), 1);
}

#[test]
fn an_expired_entry_is_refetched() {
    let api = MockApi::replying(Reply::json(&example()));
    let cache = TempDir::new();
    cached(&api, cache.path(), &["-m", "cpu", "--cache-ttl", "1"]);
    // Entry ages count whole seconds; after 1.1 s it is at least 1 s old.
    thread::sleep(Duration::from_millis(1100));
    cached(&api, cache.path(), &["-m", "cpu", "--cache-ttl", "1"]);
    assert_eq!(api.requests().len(), 2);
}

#[test]
fn ttl_zero_fetches_every_time_and_stores_nothing() {
    let api = MockApi::replying(Reply::json(&example()));
    let cache = TempDir::new();
    for _ in 0..2 {
        let run = cached(&api, cache.path(), &["-m", "cpu", "--cache-ttl", "0", "-v"]);
        assert!(run.stdout.contains("cache: off (--cache-ttl 0)"), "{run:?}");
    }
    assert_eq!(api.requests().len(), 2);
    assert_eq!(entries(cache.path()), Vec::<PathBuf>::new());
}

#[rstest]
#[case::truncated(|bytes: &mut Vec<u8>| bytes.truncate(bytes.len() / 2))]
#[case::garbage(|bytes: &mut Vec<u8>| *bytes = b"\x00\xffnot an entry".to_vec())]
#[case::empty(|bytes: &mut Vec<u8>| bytes.clear())]
#[case::body_changed(|bytes: &mut Vec<u8>| { let last = bytes.len() - 2; bytes[last] = b'x'; })]
fn a_corrupt_entry_is_refetched(#[case] damage: fn(&mut Vec<u8>)) {
    let api = MockApi::replying(Reply::json(&example()));
    let cache = TempDir::new();
    cached(&api, cache.path(), &["-m", "cpu"]);
    let [entry] = &entries(cache.path())[..] else {
        panic!("expected one entry in {:?}", cache.path());
    };
    let mut bytes = fs::read(entry).unwrap();
    damage(&mut bytes);
    fs::write(entry, bytes).unwrap();

    let second = cached(&api, cache.path(), &["-m", "cpu", "-v"]);
    assert_eq!(second.state(), "OK", "{second:?}");
    assert!(
        second.stdout.contains("ignoring corrupt entry"),
        "{second:?}"
    );
    assert_eq!(api.requests().len(), 2);
    // The refetched response replaced the broken entry.
    cached(&api, cache.path(), &["-m", "cpu"]);
    assert_eq!(api.requests().len(), 2);
}

#[rstest]
#[case::server_error(server_error())]
#[case::html_page(Reply::raw(200, "text/html", "<html>Cloudflare</html>"))]
#[case::api_error(Reply::raw(
    200,
    "application/json",
    r#"{"status":"ERROR","error_message":"x"}"#
))]
#[case::truncated_json(Reply::raw(200, "application/json", r#"{"Disks": ["#))]
#[case::rate_limited(Reply::raw(429, "application/json", "{}").header("Retry-After", "5"))]
fn failures_are_never_stored(#[case] failure: Reply) {
    let api = failing_first(1, failure);
    let cache = TempDir::new();
    assert_eq!(cached(&api, cache.path(), &["-m", "cpu"]).code, 3);
    assert_eq!(entries(cache.path()), Vec::<PathBuf>::new());
    age_failure_records(cache.path());
    assert_eq!(cached(&api, cache.path(), &["-m", "cpu"]).state(), "OK");
    assert_eq!(api.requests().len(), 2);
}

/// Moves the time of every recorded failed call a minute back, past the
/// few seconds it is shared for.
fn age_failure_records(dir: &Path) {
    for path in files_ending(dir, "failed") {
        redate(&path, |at| at - 60_000);
    }
}

/// Sets the time in the header of the cache file `path`, its second word
/// (seconds in an entry, ms in a failure record), to `change` of it.
fn redate(path: &Path, change: impl Fn(u128) -> u128) {
    let bytes = fs::read(path).unwrap();
    let newline = bytes.iter().position(|&b| b == b'\n').unwrap();
    let header = std::str::from_utf8(&bytes[..newline]).unwrap();
    let mut fields: Vec<String> = header.split(' ').map(String::from).collect();
    fields[1] = change(fields[1].parse().unwrap()).to_string();
    let mut redated = fields.join(" ").into_bytes();
    redated.extend_from_slice(&bytes[newline..]);
    fs::write(path, redated).unwrap();
}

/// A failed call recorded by the previous version (flags, not a kind) is
/// no record to this one: the next check calls the API instead of
/// misreading it, and works.
#[test]
fn a_failure_record_of_the_previous_version_is_not_shared() {
    let api = failing_first(1, server_error());
    let cache = TempDir::new();
    assert_eq!(cached(&api, cache.path(), &["-m", "cpu"]).code, 3);
    let [record] = &files_ending(cache.path(), "failed")[..] else {
        panic!("expected one failure record in {:?}", cache.path());
    };
    let old_format = format!(
        "check_hetrix-failure-1 {} 10\nHetrixTools API answered HTTP 500",
        unix_millis()
    );
    fs::write(record, old_format).unwrap();
    let run = cached(&api, cache.path(), &["-m", "cpu"]);
    assert_eq!(run.state(), "OK", "{run:?}");
    assert_eq!(api.requests().len(), 2);
}

#[rstest]
#[case::world_writable(0o777, "is writable by others")]
#[case::group_writable(0o775, "is writable by others")]
fn a_shared_directory_is_not_used(#[case] mode: u32, #[case] reason: &str) {
    let api = MockApi::replying(Reply::json(&example()));
    let cache = TempDir::new();
    fs::set_permissions(cache.path(), fs::Permissions::from_mode(mode)).unwrap();
    for _ in 0..2 {
        let run = cached(&api, cache.path(), &["-m", "cpu", "-v"]);
        assert_eq!(run.state(), "OK", "{run:?}");
        assert!(run.stdout.contains("cache: not used"), "{run:?}");
        assert!(run.stdout.contains(reason), "{run:?}");
    }
    assert_eq!(api.requests().len(), 2);
    assert_eq!(fs::read_dir(cache.path()).unwrap().count(), 0);
}

#[test]
fn a_symlinked_directory_is_not_used() {
    let api = MockApi::replying(Reply::json(&example()));
    let scratch = TempDir::new();
    let real = scratch.path().join("real");
    fs::create_dir(&real).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o700)).unwrap();
    let link = scratch.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for _ in 0..2 {
        let run = cached(&api, &link, &["-m", "cpu", "-v"]);
        assert_eq!(run.state(), "OK", "{run:?}");
        assert!(run.stdout.contains("is a symlink"), "{run:?}");
    }
    assert_eq!(api.requests().len(), 2);
    assert_eq!(fs::read_dir(&real).unwrap().count(), 0);
}

#[test]
fn the_cache_is_private_and_never_holds_the_token() {
    let api = MockApi::start(|request| {
        if request.path.ends_with("/status/") {
            Reply::raw(
                200,
                "application/json",
                r#"{"Max_API_Calls":1000,"Remaining_API_Calls":900}"#,
            )
        } else {
            Reply::json(&example())
        }
    });
    let scratch = TempDir::new();
    let cache = scratch.path().join("new").join("check_hetrix");
    cached(&api, &cache, &["-m", "cpu"]);
    cached(&api, &cache, &["-m", "quota"]);
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cache), 0o700);
    let files: Vec<PathBuf> = fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 4, "two entries, two lock files: {files:?}");
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.contains(TOKEN), "{name}");
        let content = String::from_utf8_lossy(&fs::read(&file).unwrap()).into_owned();
        assert!(!content.contains(TOKEN), "{name} holds the token");
        assert_eq!(mode(&file), 0o600, "{name}");
    }
}

#[test]
fn two_tokens_never_share_an_entry() {
    let api = MockApi::replying(Reply::json(&example()));
    let cache = TempDir::new();
    cached_with_token(&api, cache.path(), TOKEN, &["-m", "cpu"]);
    cached_with_token(&api, cache.path(), "anotherTOKEN", &["-m", "cpu"]);
    cached_with_token(&api, cache.path(), TOKEN, &["-m", "cpu"]);
    assert_eq!(api.requests().len(), 2);
}

#[rstest]
#[case::server_error(server_error(), "HetrixTools API answered HTTP 500")]
#[case::rate_limited(
    Reply::raw(429, "application/json", "{}").header("Retry-After", "30"),
    "rate limited (v1 allows 120 calls a minute and a monthly quota by plan) and it resets in 30 s"
)]
fn an_old_entry_stands_in_for_a_failed_call_and_says_so(
    #[case] failure: Reply,
    #[case] error: &str,
) {
    let api = failing_after_one(failure);
    let cache = TempDir::new();
    // TTL 0: nothing is fresh, but responses are kept for failures.
    let args = ["-m", "disk", "--cache-ttl", "0", "--stale-if-error", "300"];
    assert_eq!(cached(&api, cache.path(), &args).state(), "OK");
    let stale = cached(&api, cache.path(), &args);
    assert_eq!(stale.state(), "OK", "{stale:?}");
    let line = stale.first_line();
    assert!(line.contains(" s ago: "), "{line}");
    assert!(line.contains("(cached "), "{line}");
    assert!(line.contains(error), "{line}");
    assert!(
        stale.perfdata().contains("'/'="),
        "perfdata still there: {line}"
    );
    assert_eq!(api.requests().len(), 2);
}

#[test]
fn without_stale_if_error_a_failed_call_is_unknown() {
    let api = failing_after_one(server_error());
    let cache = TempDir::new();
    let args = ["-m", "disk", "--cache-ttl", "0"];
    assert_eq!(cached(&api, cache.path(), &args).state(), "OK");
    let failed = cached(&api, cache.path(), &args);
    assert_eq!(failed.code, 3, "{failed:?}");
    assert!(!failed.stdout.contains("cached"), "{failed:?}");
}

/// A check whose -t runs out while another check of the monitor fetches
/// gives up without calling, says how long it waited, and counts as
/// unreachable. The mock holds the first call until the waiting check
/// has ended, however slow the machine.
#[test]
fn a_run_waits_for_another_runs_fetch_only_until_its_timeout() {
    let gate = Gate::default();
    let body = example();
    let api = MockApi::gated(&gate, move |_| Reply::json(&body));
    let cache = TempDir::new();
    let first = start_cached(&api, cache.path(), &["-m", "cpu"]);
    wait_until("the first check calls", || !api.requests().is_empty());
    let started = Instant::now();
    let args = ["-m", "cpu", "-t", "1", "--unreachable-state", "critical"];
    let waiting = cached(&api, cache.path(), &args);
    let took = started.elapsed().as_millis();
    gate.open();
    let line = waiting.first_line();
    // What it waited is at most what the run took, rounded as the run does.
    let waited = number_after(line, "waited ");
    assert!(
        waited >= 1 && waited <= (took + 500) / 1000,
        "{took} ms: {line}"
    );
    assert_eq!(
        line,
        format!(
            "CPU CRITICAL - waited {waited} s for another check of this monitor to get the data \
             until -t ran out (raise -t or check how fast the API answers)"
        )
    );
    assert_eq!(finish(first).state(), "OK");
    assert_eq!(api.requests().len(), 1);
}

/// A check that waited for another's failed call reports that call's
/// failure, in the state the caller reported it, instead of calling again.
#[rstest]
#[case::server_error(server_error(), "CRITICAL")]
#[case::rate_limited(
    Reply::raw(429, "application/json", "{}").header("Retry-After", "30"),
    "UNKNOWN"
)]
#[case::html_page(Reply::raw(200, "text/html", "<html>Cloudflare</html>"), "UNKNOWN")]
fn a_waiter_reports_the_callers_failure_in_the_callers_state(
    #[case] failure: Reply,
    #[case] state: &str,
) {
    let gate = Gate::default();
    let api = MockApi::gated(&gate, move |_| failure.clone());
    let cache = TempDir::new();
    let args = ["-m", "cpu", "--unreachable-state", "critical"];
    let (caller, waiter) = caller_and_waiter(&api, &gate, cache.path(), &args, &args);
    assert_eq!(caller.state(), state, "{caller:?}");
    let line = waiter.first_line();
    let age = number_after(line, "another check's call failed ");
    assert_eq!(
        line,
        format!(
            "{} (shared: another check's call failed {age} s ago)",
            caller.first_line()
        )
    );
    assert_eq!(api.requests().len(), 1);
}

/// A shared failure says how old it is. The test holds the key's lock as
/// a calling check would and dates the failure record while the check
/// waits for it, so the check shares it whatever its age, and reads it
/// at least a second later.
#[test]
fn a_shared_failure_says_how_old_it_is() {
    let api = MockApi::replying(server_error());
    let cache = TempDir::new();
    // Leaves the key's lock file and the record of its failure.
    assert_eq!(cached(&api, cache.path(), &["-m", "cpu"]).code, 3);
    let [record] = &files_ending(cache.path(), "failed")[..] else {
        panic!("expected one failure record in {:?}", cache.path());
    };
    let lock_path = record.with_extension("lock");
    let lock = fs::File::options().write(true).open(&lock_path).unwrap();
    lock.lock().unwrap();
    let waiter = start_cached(&api, cache.path(), &["-m", "cpu"]);
    wait_until("the check waits for the lock", || {
        has_open(waiter.id(), &lock_path)
    });
    // The call the check waits for fails now, and the check looks a
    // second later at the earliest, however slow the machine.
    let failed_at = unix_millis();
    redate(record, |_| failed_at);
    thread::sleep(Duration::from_millis(1100));
    let released_at = unix_millis();
    drop(lock);
    let run = finish(waiter);
    let read_by = unix_millis();
    let line = run.first_line();
    let age = number_after(line, "another check's call failed ");
    assert!(
        age >= (released_at - failed_at) / 1000 && age <= (read_by - failed_at) / 1000,
        "{age} s, released {released_at}, read by {read_by}, failed at {failed_at}: {line}"
    );
    assert!(age >= 1, "{line}");
    assert!(
        line.starts_with("CPU UNKNOWN - HetrixTools API answered HTTP 500"),
        "{line}"
    );
    assert!(
        line.ends_with(&format!("call failed {age} s ago)")),
        "{line}"
    );
    assert_eq!(api.requests().len(), 1);
}

/// --stale-if-error stands in for a failure shared from another check as
/// for the check's own: the old entry serves, naming the failure, and no
/// second call is made for it.
#[test]
fn stale_if_error_stands_in_for_a_shared_failure() {
    let gate = Gate::default();
    let api = {
        let gate = gate.clone();
        let body = example();
        let count = AtomicUsize::new(0);
        MockApi::start(move |_| {
            if count.fetch_add(1, Ordering::SeqCst) == 0 {
                return Reply::json(&body);
            }
            gate.wait();
            server_error()
        })
    };
    let cache = TempDir::new();
    assert_eq!(cached(&api, cache.path(), &["-m", "disk"]).state(), "OK");
    let [entry] = &entries(cache.path())[..] else {
        panic!("expected one entry in {:?}", cache.path());
    };
    // Two minutes old: past --cache-ttl 60, within --stale-if-error 600.
    redate(entry, |stored| stored - 120);
    let aged = Instant::now();
    let stale = ["-m", "disk", "--stale-if-error", "600"];
    let (caller, waiter) = caller_and_waiter(&api, &gate, cache.path(), &["-m", "disk"], &stale);
    assert_eq!(caller.code, 3, "{caller:?}");
    assert_eq!(waiter.state(), "OK", "{waiter:?}");
    let line = waiter.first_line();
    let age = number_after(line, "(cached ");
    assert!(
        age >= 120 && age <= 121 + aged.elapsed().as_millis() / 1000,
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "(cached {age} s ago: HetrixTools API answered HTTP 500"
        )),
        "{line}"
    );
    assert!(
        line.contains(" (shared: another check's call failed "),
        "{line}"
    );
    assert!(waiter.perfdata().contains("'/'="), "{waiter:?}");
    assert_eq!(api.requests().len(), 2);
}

#[test]
fn a_killed_run_leaves_no_lock_behind() {
    // The first request hangs; the run making it is killed meanwhile.
    let body = example();
    let count = AtomicUsize::new(0);
    let api = MockApi::start(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            thread::sleep(Duration::from_secs(5));
        }
        Reply::json(&body)
    });
    let cache = TempDir::new();
    let mut child = start_cached(&api, cache.path(), &["-m", "cpu"]);
    wait_until("the check calls", || !api.requests().is_empty());
    child.kill().unwrap();
    child.wait().unwrap();

    let after = cached(&api, cache.path(), &["-m", "cpu", "-t", "2"]);
    assert_eq!(after.state(), "OK", "{after:?}");
    assert_eq!(api.requests().len(), 2);
}
