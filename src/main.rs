//! check_hetrix: a Nagios/Icinga/Checkmk plugin for servers monitored by
//! HetrixTools. See README.md. Everything but the process lives in the
//! library (`app::run`).
//!
//! Monitoring servers start it for every check, so start-up is kept lean
//! (measured in the README's Performance section):
//! - `no_main`: std's own start-up finds the main thread's stack bounds by
//!   parsing `/proc/self/maps` with libc's `sscanf`, a tenth of a cached
//!   check's instructions and 0.4 MiB of its peak RSS, to install a handler
//!   that only words the crash of a stack overflow differently;
//! - the unwinder (`libgcc_eh`) is linked in, so no `libgcc_s.so` is loaded
//!   at every start (with `panic = "abort"` it only walks backtraces).
#![cfg_attr(not(test), no_main)]

use check_hetrix::app;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[link(name = "gcc_eh", kind = "static")]
unsafe extern "C" {}

#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    use std::time::{Instant, SystemTime};

    let started = Instant::now();
    // As std's start-up does: output to a closed pipe is a failed write
    // (ignored), not death by SIGPIPE with no exit code.
    // SAFETY: no other thread runs yet, and SIG_IGN is a valid disposition.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    open_closed_standard_descriptors();
    install_panic_hook();
    // glibc hands argv to std (through .init_array) without std's main.
    // Arguments that are not UTF-8 cannot be a valid option; lossy text
    // lets the parser say so instead of panicking.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let env = |name: &str| std::env::var(name).ok();
    let answer = app::run(&args, env, SystemTime::now, started);
    answer.print();
    std::process::exit(answer.exit_code);
}

/// As std's start-up does: a standard descriptor the parent left closed is
/// opened on /dev/null, so that no cache file or socket of ours takes its
/// number and receives what is meant for stdout or stderr.
#[cfg(not(test))]
fn open_closed_standard_descriptors() {
    let mut standard = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `standard` is a valid array of three pollfd; a zero timeout
    // only asks which descriptors are invalid (POLLNVAL).
    if unsafe { libc::poll(standard.as_mut_ptr(), 3, 0) } < 0 {
        return;
    }
    for descriptor in standard {
        if descriptor.revents & libc::POLLNVAL != 0 {
            // open() returns the lowest free number: this one, as the
            // lower ones are open by now.
            // SAFETY: a valid NUL-terminated path.
            unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
        }
    }
}

/// A panic must still be a plugin answer (see [`app::internal_error`]).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let answer = app::internal_error(&info.to_string());
        answer.print();
        std::process::exit(answer.exit_code);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Set in the child process that [`a_panic_ends_unknown_on_one_line`]
    /// starts: the hook ends the process, so it cannot run in the harness.
    const IN_CHILD: &str = "CHECK_HETRIX_PANIC_HOOK_CHILD";
    const SECRET: &str = "secretToken0123456789";

    #[test]
    fn a_panic_ends_unknown_on_one_line() {
        if std::env::var_os(IN_CHILD).is_some() {
            app::add_secret(SECRET);
            install_panic_hook();
            panic!("on purpose\nwith the token {SECRET} in it");
        }
        let child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "tests::a_panic_ends_unknown_on_one_line"])
            .args(["--nocapture", "--test-threads=1"])
            .env(IN_CHILD, "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&child.stdout);
        assert_eq!(child.status.code(), Some(3), "{stdout}");
        // After the harness's "test … ... ", which ends in no newline.
        let line = stdout
            .lines()
            .find_map(|line| Some(&line[line.find("HETRIX UNKNOWN - internal error (")?..]))
            .unwrap_or_else(|| panic!("no UNKNOWN line in {stdout:?}"));
        assert!(
            line.contains("on purpose with the token *** in it"),
            "{line}"
        );
        assert!(line.ends_with("please report this as a bug"), "{line}");
        assert!(!stdout.contains(SECRET), "{stdout}");
    }
}
