//! What the process promises whatever state its parent leaves it in:
//! std's own start-up is skipped (`#![no_main]`, see src/main.rs), so what
//! it did for us is pinned here.

use crate::common;

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;

use common::{Gate, MONITOR, MockApi, Reply, TOKEN, TempDir, example, wait_until};

/// A reader that went away (`check_hetrix ... | head -0`, a killed
/// daemon) makes the report a failed write, not a death by SIGPIPE that
/// leaves no exit code.
#[test]
fn a_closed_stdout_pipe_still_ends_with_the_state_exit_code() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let cache = TempDir::new();
    let status = common::command(&["--demo", "-m", "disk"], &[], cache.path())
        .stdout(Stdio::from(writer))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "{status:?}");
}

/// A parent may start the plugin with stdin, stdout and stderr closed. The
/// files and socket it opens must not take their numbers, or what is meant
/// for stdout could go into a cache file or to the API: while the API holds
/// the call (the cache lock and the socket open), 0-2 are /dev/null.
#[test]
fn closed_standard_descriptors_are_reopened_on_dev_null() {
    let gate = Gate::default();
    let api = MockApi::gated(&gate, |_| Reply::json(&example()));
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
    ];
    let mut command = common::command(&args, &[("HETRIX_API_TOKEN", TOKEN)], cache.path());
    // SAFETY: close() is async-signal-safe; the child owns these numbers.
    unsafe {
        command.pre_exec(|| {
            for fd in 0..=2 {
                libc::close(fd);
            }
            Ok(())
        });
    }
    let mut child = command.spawn().unwrap();
    wait_until("the check calls the API", || !api.requests().is_empty());
    let standard: Vec<_> = (0..=2)
        .map(|fd| fs::read_link(format!("/proc/{}/fd/{fd}", child.id())))
        .collect();
    gate.open();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    for (fd, target) in standard.iter().enumerate() {
        let target = target.as_ref().expect("descriptor open");
        assert_eq!(target, Path::new("/dev/null"), "descriptor {fd}");
    }
}
