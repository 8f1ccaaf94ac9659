//! What an adversarial run found: planted files in the cache directory,
//! killed runs, a failing API hit by many checks at once. Each test here
//! failed before its fix.

use crate::common;

use std::ffi::CString;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use common::{
    Gate, MONITOR, MockApi, Reply, Run, TOKEN, TempDir, example, files_ending, has_open, run,
    wait_until,
};
use rstest::rstest;

/// One check against `api` with the test token, caching in `cache`.
fn cached(api: &MockApi, cache: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--api-url", api.url.as_str(), "--api", "v1", "-i", MONITOR];
    all.extend_from_slice(args);
    let dir = cache.to_str().unwrap();
    run(
        &all,
        &[("HETRIX_API_TOKEN", TOKEN), ("CHECK_HETRIX_CACHE_DIR", dir)],
    )
}

/// The entry file of the one key a first run stored in `cache`.
fn stored_entry(api: &MockApi, cache: &Path) -> PathBuf {
    assert_eq!(cached(api, cache, &["-m", "cpu"]).state(), "OK");
    let mut entries: Vec<PathBuf> = fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries.pop().unwrap()
}

fn mkfifo(path: &Path) {
    let name = CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only reads it.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
}

/// A FIFO nobody writes blocks a plain open() forever; a run must neither
/// wait on it nor on one planted as the lock file.
#[rstest]
#[case::entry("")]
#[case::lock(".lock")]
#[case::both("both")]
fn a_fifo_in_the_cache_directory_never_stalls_a_run(#[case] planted: &str) {
    let api = MockApi::replying(Reply::json(&example()));
    let cache = TempDir::new();
    let entry = stored_entry(&api, cache.path());
    let lock = entry.with_extension("lock");
    for (suffix, path) in [("", &entry), (".lock", &lock)] {
        if planted == suffix || planted == "both" {
            fs::remove_file(path).unwrap();
            mkfifo(path);
        }
    }
    let args = [
        "--api-url",
        &api.url,
        "--api",
        "v1",
        "-i",
        MONITOR,
        "-m",
        "cpu",
        "-t",
        "2",
    ];
    let child = common::command(&args, &[("HETRIX_API_TOKEN", TOKEN)], cache.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = stdout_unless_hung(child, &format!("a FIFO at {planted:?}"));
    assert!(stdout.starts_with("CPU OK"), "{stdout}");
}

/// What `child` printed, or a failed test if it runs far beyond the -t 2
/// of these tests: only a hang gets there, and the test must not hang too.
fn stdout_unless_hung(mut child: Child, hung_on: &str) -> String {
    let give_up = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > give_up {
            child.kill().unwrap();
            panic!("the run hung on {hung_on}");
        }
        thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A FIFO given as --token-file or --ca-file by mistake (or a device, or a
/// huge file): a file named on the command line is read without waiting
/// and only as far as it could make sense, whether or not -T makes the
/// token file moot.
#[rstest]
#[case::token_file("--token-file", &[], true)]
#[case::token_file_and_token("--token-file", &["-T", KEY], false)]
#[case::ca_file("--ca-file", &["-T", KEY], true)]
fn a_fifo_as_a_given_file_fails_at_once(
    #[case] option: &str,
    #[case] args: &[&str],
    #[case] refused: bool,
) {
    let scratch = TempDir::new();
    let path = scratch.path().join("file");
    mkfifo(&path);
    let path_text = path.to_str().unwrap();
    let mut all_args = vec![
        "--api-url",
        "https://127.0.0.1:9",
        "-i",
        MONITOR,
        "-m",
        "cpu",
        "-t",
        "2",
        "--cache-ttl",
        "0",
        option,
        path_text,
    ];
    all_args.extend_from_slice(args);
    let child = common::command(&all_args, &[], scratch.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = stdout_unless_hung(child, &format!("a FIFO as {option}"));
    assert!(stdout.starts_with("CPU UNKNOWN - "), "{stdout}");
    // Refused for what it is, where it matters, not merely failing at the
    // dead port 9 afterwards.
    assert_eq!(stdout.contains("not a regular file"), refused, "{stdout}");
}

/// Symlinks at the entry, lock and failure-record names (and at every name
/// a predictable temp file could have) never make a run write through them.
#[test]
fn symlinks_in_the_cache_directory_are_never_followed() {
    let body = example();
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let api = MockApi::start(move |_| {
        if calls.fetch_add(1, Ordering::SeqCst) == 1 {
            Reply::raw(500, "text/html", "<html>oops</html>")
        } else {
            Reply::json(&body)
        }
    });
    let cache = TempDir::new();
    let outside = TempDir::new();
    let entry = stored_entry(&api, cache.path());
    let name = entry.file_name().unwrap().to_str().unwrap().to_string();
    let victim = outside.path().join("victim");
    fs::write(&victim, "precious").unwrap();
    let mut planted = vec![
        (entry.clone(), victim.clone()),
        (
            cache.path().join(format!("{name}.lock")),
            outside.path().join("created-by-lock"),
        ),
        (cache.path().join(format!("{name}.failed")), victim.clone()),
    ];
    for pid in 0..64 {
        planted.push((
            cache.path().join(format!("{name}.{pid}.tmp")),
            victim.clone(),
        ));
    }
    fs::remove_file(&entry).unwrap();
    for (link, target) in &planted {
        let _ = fs::remove_file(link);
        symlink(target, link).unwrap();
    }
    // A failed call (recorded), then a successful one (stored).
    assert_eq!(cached(&api, cache.path(), &["-m", "cpu"]).code, 3);
    fs::remove_file(cache.path().join(format!("{name}.failed"))).unwrap();
    assert_eq!(cached(&api, cache.path(), &["-m", "cpu"]).state(), "OK");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(!outside.path().join("created-by-lock").exists());
}

/// Temp files of runs killed between write and rename go away when the
/// directory is next written; a live run's fresh temp file stays.
#[test]
fn temp_files_of_dead_runs_are_removed() {
    let api = MockApi::replying(Reply::json(&example()));
    let cache = TempDir::new();
    let old = cache.path().join("v1-server-stats-abc.12345.tmp");
    let young = cache.path().join("v1-server-stats-abc.67890.tmp");
    for path in [&old, &young] {
        fs::write(path, "half an entry").unwrap();
    }
    let ten_minutes_ago = SystemTime::now() - Duration::from_secs(600);
    fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(ten_minutes_ago)
        .unwrap();
    assert_eq!(cached(&api, cache.path(), &["-m", "cpu"]).state(), "OK");
    assert!(!old.exists(), "a dead run's temp file stays");
    assert!(young.exists(), "a live run's temp file was removed");
    let temp_files = fs::read_dir(cache.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "tmp")
        })
        .count();
    assert_eq!(temp_files, 1, "the run left its own temp file behind");
}

/// 100 checks started together against a failing API: the one that gets
/// the lock calls, the others report its failure. The mock holds its first
/// answer until every check has opened the lock file, so all of them are
/// waiting when the failure happens, however slow the machine.
#[rstest]
#[case::rate_limited(
    Reply::raw(429, "application/json", "{}").header("Retry-After", "30"),
    "HTTP 429"
)]
#[case::server_error(Reply::raw(500, "text/html", "<html>oops</html>"), "HTTP 500")]
fn a_hundred_checks_against_a_failing_api_make_at_most_two_calls(
    #[case] failure: Reply,
    #[case] message: &str,
) {
    const CHECKS: usize = 100;
    let everyone_waits = Gate::default();
    let api = MockApi::gated(&everyone_waits, move |_| failure.clone());
    let cache = TempDir::new();
    let dir = cache.path().to_str().unwrap();
    let children: Vec<Child> = (0..CHECKS)
        .map(|_| {
            common::start(
                &[
                    "--api-url",
                    &api.url,
                    "-i",
                    MONITOR,
                    "-m",
                    "cpu",
                    "-t",
                    "600",
                ],
                &[("HETRIX_API_TOKEN", TOKEN), ("CHECK_HETRIX_CACHE_DIR", dir)],
            )
        })
        .collect();
    let mut locks = Vec::new();
    wait_until("a lock file exists", || {
        locks = files_ending(cache.path(), "lock");
        !locks.is_empty()
    });
    let lock = &locks[0];
    let mut waiting: Vec<u32> = children.iter().map(Child::id).collect();
    wait_until("every check opened the lock file", || {
        waiting.retain(|&pid| !has_open(pid, lock));
        waiting.is_empty()
    });
    everyone_waits.open();
    let runs: Vec<Run> = children.into_iter().map(common::finish).collect();
    let calls = api.requests().len();
    assert!(calls <= 2, "{calls} calls");
    let shared = runs
        .iter()
        .filter(|run| run.stdout.contains("shared"))
        .count();
    assert!(shared >= CHECKS - calls, "{shared} shared: {:?}", runs[0]);
    for run in &runs {
        assert_eq!(run.code, 3, "{run:?}");
        assert!(run.first_line().contains(message), "{run:?}");
    }
}

/// A HetrixTools-shaped key: 32 letters and digits.
const KEY: &str = "Zq7Wm2Xk9Rt4Yp1Lc8Vb3Nf6Hd5Gs0Ja";

/// Every mistake the adversarial run made with the token in the wrong
/// place: none may print it, nor any 8 characters of it.
#[rstest]
#[case::timeout_slip(&["-m", "cpu", "-i", "abc", "-t", KEY], &[])]
#[case::timeout_slip_with_env(&["-m", "cpu", "-i", "abc", "-t", KEY], &[("HETRIX_API_TOKEN", KEY)])]
#[case::token_file_slip(&["-m", "cpu", "-i", "abc", "--token-file", KEY], &[])]
#[case::range_slip(&["-m", "cpu", "-i", "abc", "--token-file", "FILE", "-w", KEY], &[])]
#[case::range_slip_env(&["-m", "cpu", "-i", "abc", "-c", &format!("{KEY}:")], &[("HETRIX_API_TOKEN", KEY)])]
#[case::stray(&["-m", "cpu", "-i", "abc", KEY], &[])]
#[case::as_option(&["-m", "cpu", "-i", "abc", &format!("--{KEY}")], &[])]
#[case::mode_slip(&["-m", KEY, "-i", "abc"], &[])]
#[case::api_slip(&["-m", "cpu", "-i", "abc", "--api", KEY], &[])]
#[case::window_slip(&["-m", "cpu", "-i", "abc", "--window", KEY], &[])]
#[case::url_slip(&["-m", "cpu", "-i", "abc", "--api-url", KEY], &[])]
#[case::cluster(&["-m", "cpu", "-i", "abc", &format!("-vt{KEY}")], &[])]
fn argument_mistakes_never_print_the_token(#[case] args: &[&str], #[case] env: &[(&str, &str)]) {
    let scratch = TempDir::new();
    let file = scratch.path().join("token");
    fs::write(&file, format!("{KEY}\n")).unwrap();
    let args: Vec<&str> = args
        .iter()
        .map(|arg| {
            if *arg == "FILE" {
                file.to_str().unwrap()
            } else {
                arg
            }
        })
        .collect();
    let run = run(&args, env);
    assert_eq!(run.code, 3, "{run:?}");
    for fragment in KEY.as_bytes().windows(8) {
        let fragment = std::str::from_utf8(fragment).unwrap();
        assert!(!run.stdout.contains(fragment), "{fragment} in {run:?}");
    }
}

/// A password in the API URL (flag or environment, the way an adversarial
/// run slipped one in) is refused without being printed, however verbose.
#[rstest]
#[case::flag(&["--api-url", "http://admin:hunter2pass@127.0.0.1:9"], &[])]
#[case::env(&[], &[("HETRIX_API_URL", "http://admin:hunter2pass@127.0.0.1:9")])]
fn a_password_in_the_api_url_is_never_printed(
    #[case] url_args: &[&str],
    #[case] env: &[(&str, &str)],
) {
    let mut args = vec!["-vvv", "-m", "cpu", "-i", MONITOR];
    args.extend_from_slice(url_args);
    let env: Vec<_> = env
        .iter()
        .copied()
        .chain([("HETRIX_API_TOKEN", TOKEN)])
        .collect();
    let run = run(&args, &env);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stdout.contains("user name or password"), "{run:?}");
    assert!(!run.stdout.contains("hunter2pass"), "{run:?}");
}

/// The same mistakes with tokens of other shapes the plugin accepts
/// (shorter or longer than a key, with `-` or `_`): every message that
/// quotes a value masks whatever could be the token.
#[rstest]
fn argument_mistakes_never_print_a_token_of_any_shape(
    #[values(
        "C3J27XDCaZ2LmlZE0NYl",
        "gCtjfIZ4SOcMz9CPVNPcNa1Hedcm4pM",
        "pdclsxHK-ifxi5C-vQUS",
        "qmOBZZW6m4nyoL6uniiFw152cTe8_r0kAb3dEf7h"
    )]
    token: &str,
    #[values(
        &["-m", "cpu", "-t", "TOKEN"][..],
        &["-m", "cpu", "-w", "TOKEN"][..],
        &["-m", "disk", "-c", "TOKEN:"][..],
        &["-m", "TOKEN"][..],
        &["-m", "disk", "--mount-warning", "TOKEN"][..],
        &["-m", "cpu", "--window=TOKEN"][..],
        &["-m", "cpu", "-vkTOKEN"][..],
        &["-m", "cpu", "--TOKEN"][..],
        &["-m", "cpu", "TOKEN"][..],
        &["-m", "cpu", "--ca-file", "TOKEN"][..],
        &["-m", "cpu", "--cache-dir", "TOKEN", "-v"][..]
    )]
    mistake: &[&str],
) {
    let mut args = vec!["--api-url", "https://127.0.0.1:9", "-i", "abc"];
    args.extend(["-t", "2", "-T", "other0token1234"]);
    let words: Vec<String> = mistake
        .iter()
        .map(|word| word.replace("TOKEN", token))
        .collect();
    args.extend(words.iter().map(String::as_str));
    let run = run(&args, &[]);
    assert_eq!(run.code, 3, "{run:?}");
    for fragment in token.as_bytes().windows(8) {
        let fragment = std::str::from_utf8(fragment).unwrap();
        assert!(!run.stdout.contains(fragment), "{fragment} in {run:?}");
    }
}

/// A v3 server echoing the token near where its message is cut: the whole
/// token is masked before the cut, so no piece of it is left.
#[test]
fn an_echoed_token_is_masked_before_the_message_is_cut() {
    let message = format!("{}{KEY} is not a valid key", "x".repeat(190));
    let body = serde_json::json!({"status": "unauthorized", "message": message});
    let api = MockApi::replying(Reply::raw(401, "application/json", body.to_string()));
    let run = run(
        &[
            "--api-url",
            &api.url,
            "-i",
            MONITOR,
            "-m",
            "cpu",
            "--api",
            "v3",
        ],
        &[("HETRIX_API_TOKEN", KEY)],
    );
    assert!(run.first_line().contains("HTTP 401"), "{run:?}");
    assert!(run.first_line().contains("xxx***"), "{run:?}");
    for fragment in KEY.as_bytes().windows(8) {
        let fragment = std::str::from_utf8(fragment).unwrap();
        assert!(!run.stdout.contains(fragment), "{fragment} in {run:?}");
    }
}

/// A 7 MiB mount name made a 7 MB first line: labels and text are capped.
#[test]
fn a_huge_mount_name_keeps_the_first_line_short() {
    let mut payload = example();
    payload["Disks"][0]["Mount"] = format!("/{}", "m".repeat(7 * 1024 * 1024)).into();
    let api = MockApi::replying(Reply::json(&payload));
    let run = common::check(&api, &["-m", "disk"]);
    assert!(
        run.first_line().starts_with("DISK "),
        "{}",
        &run.stdout[..200]
    );
    assert!(
        run.first_line().len() < 2000,
        "{} bytes",
        run.first_line().len()
    );
    assert!(run.stdout.len() <= 4096, "{} bytes", run.stdout.len());
    let perfdata = run.perfdata();
    assert!(perfdata.contains("'/mmmm"), "{perfdata}");
    // Each label at most 100 characters plus its quotes.
    for item in perfdata.split_whitespace() {
        let label = item.split("'=").next().unwrap();
        assert!(label.chars().count() <= 101, "{item}");
    }
}

/// Certificate problems people make themselves, said in words with what
/// to do, never as a Rust debug string.
#[rstest]
#[case::expired("expired", "expired.pem", "its certificate has expired (renew it")]
#[case::wrong_host(
    "other_host",
    "other_host.pem",
    "its certificate is made for another host name"
)]
#[case::unknown_issuer("server", "self_signed_leaf.pem", "is not signed by a CA in --ca-file")]
#[case::ca_as_server(
    "self_signed_ca",
    "self_signed_ca.pem",
    "is a CA certificate (CA:TRUE as 'openssl req -x509' makes by default)"
)]
fn certificate_problems_say_what_to_do(
    #[case] server: &str,
    #[case] ca_file: &str,
    #[case] message: &str,
) {
    let api = MockApi::start_tls_as(server, |_| Reply::json(&example()));
    let run = common::check(
        &api,
        &["-m", "cpu", "--ca-file", &common::tls_file(ca_file)],
    );
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.first_line().contains(message), "{run:?}");
    assert!(!run.first_line().contains("Error("), "{run:?}");
    assert!(api.requests().is_empty());
}

/// A self-signed certificate made as the CA-certificate message says is
/// trusted through --ca-file.
#[test]
fn a_self_signed_leaf_is_trusted_with_ca_file() {
    let api = MockApi::start_tls_as("self_signed_leaf", |_| Reply::json(&example()));
    let ca_file = common::tls_file("self_signed_leaf.pem");
    let run = common::check(&api, &["-m", "cpu", "--ca-file", &ca_file]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn insecure_runs_say_so() {
    let api = MockApi::start_tls(|_| Reply::json(&example()));
    let run = common::check(&api, &["-m", "cpu", "-k", "-v"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.first_line().contains("(TLS not verified)"), "{run:?}");
    assert!(
        run.stdout
            .contains("tls: -k: the API's certificate is not verified"),
        "{run:?}"
    );
    let verified = common::check(&api, &["-m", "cpu", "--ca-file", &common::test_ca_file()]);
    assert!(!verified.stdout.contains("not verified"), "{verified:?}");
}

/// After a -k run, runs that verify never take its unverified response.
#[test]
fn an_unverified_response_never_serves_a_verifying_run() {
    let api = MockApi::start_tls(|_| Reply::json(&example()));
    let cache = TempDir::new();
    let dir = cache.path().to_str().unwrap().to_string();
    let env = [
        ("HETRIX_API_TOKEN", TOKEN),
        ("CHECK_HETRIX_CACHE_DIR", dir.as_str()),
    ];
    let ca = common::test_ca_file();
    let other_ca = common::tls_file("self_signed_leaf.pem");
    let args = |extra: &[&'static str], ca: Option<&str>| {
        let mut all = vec![
            "--api-url".to_string(),
            api.url.clone(),
            "--api".into(),
            "v1".into(),
            "-i".into(),
            MONITOR.into(),
        ];
        all.extend(["-m", "cpu"].iter().chain(extra).map(|s| s.to_string()));
        if let Some(ca) = ca {
            all.extend(["--ca-file".to_string(), ca.to_string()]);
        }
        all
    };
    let go = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, &env)
    };
    assert_eq!(go(args(&["-k"], None)).code, 0);
    assert_eq!(go(args(&[], Some(&ca))).code, 0);
    assert_eq!(
        api.requests().len(),
        2,
        "the --ca-file run reused the -k response"
    );
    // An unrelated CA cannot verify the server: no entry to fall back on.
    let unrelated = go(args(&[], Some(&other_ca)));
    assert_eq!(unrelated.code, 3, "{unrelated:?}");
    assert!(
        unrelated.first_line().contains("TLS error"),
        "{unrelated:?}"
    );
}
