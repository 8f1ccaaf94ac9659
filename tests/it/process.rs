//! What the process promises whatever state its parent leaves it in:
//! std's own start-up is skipped (`#![no_main]`, see src/main.rs), so what
//! it did for us is pinned here.

use crate::common;

use std::fs;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use common::{MONITOR, MockApi, Reply, TOKEN, TempDir, example, run};

/// A reader that went away (`check_hetrix ... | head -0`, a killed
/// daemon) makes the report a failed write, not a death by SIGPIPE that
/// leaves no exit code.
#[test]
fn a_closed_stdout_pipe_still_ends_with_the_state_exit_code() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = Command::new(env!("CARGO_BIN_EXE_check_hetrix"))
        .args(["--demo", "-m", "disk"])
        .stdout(Stdio::from(writer))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "{status:?}");
}

/// A parent may start the plugin with stdin, stdout and stderr closed. The
/// files and socket it opens must not take their numbers, or the report
/// meant for stdout would be written into the cache directory or sent to
/// the API.
#[test]
fn closed_standard_descriptors_are_not_reused_for_our_files() {
    let api = MockApi::replying(Reply::json(&example()));
    let cache = TempDir::new();
    let args = [
        "--api-url",
        &api.url,
        "--api",
        "v1",
        "-i",
        MONITOR,
        "-m",
        "disk",
        "--cache-ttl",
        "600",
    ];
    let mut command = Command::new(env!("CARGO_BIN_EXE_check_hetrix"));
    command
        .args(args)
        .env("HETRIX_API_TOKEN", TOKEN)
        .env("CHECK_HETRIX_CACHE_DIR", cache.path());
    // SAFETY: close() is async-signal-safe; the child owns these numbers.
    unsafe {
        command.pre_exec(|| {
            for fd in 0..=2 {
                libc::close(fd);
            }
            Ok(())
        });
    }
    assert_eq!(command.status().unwrap().code(), Some(0));
    for entry in fs::read_dir(cache.path()).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned();
        assert!(!text.contains("DISK OK"), "report written into {path:?}");
    }
    // The entry it stored is intact: the next check reads it, no new call.
    let dir = cache.path().to_str().unwrap();
    let again = run(
        &args,
        &[("HETRIX_API_TOKEN", TOKEN), ("CHECK_HETRIX_CACHE_DIR", dir)],
    );
    assert!(again.first_line().starts_with("DISK OK"), "{again:?}");
    assert_eq!(api.requests().len(), 1);
}
