//! check_hetrix: a Nagios/Icinga/Checkmk plugin for what HetrixTools
//! monitors: servers, sites, certificates, domains, blacklists. See
//! README.md. Everything but the process lives in the library (`app::run`).
//!
//! Monitoring servers start it for every check, so start-up is kept lean
//! (measured in the README's Performance section):
//! - `no_main`: std's own start-up finds the main thread's stack bounds by
//!   parsing `/proc/self/maps` with libc's `sscanf`, a tenth of a cached
//!   check's instructions and 0.4 MiB of its peak RSS, to install a
//!   handler that only words the crash of a stack overflow differently.
//!   The C `main` below does the rest of what that start-up did for us.
//! - the `static-unwinder` feature (see Cargo.toml) links libgcc_eh in, so
//!   no libgcc_s.so is loaded.
#![cfg_attr(not(test), no_main)]

use check_hetrix::app;

#[cfg(all(feature = "static-unwinder", target_os = "linux", target_env = "gnu"))]
#[link(name = "gcc_eh", kind = "static")]
unsafe extern "C" {}

#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(argc: libc::c_int, argv: *const *const libc::c_char) -> libc::c_int {
    use std::time::{Instant, SystemTime};

    let started = Instant::now();
    // As std's start-up does: output to a closed pipe is a failed write
    // (ignored), not death by SIGPIPE with no exit code.
    // SAFETY: no other thread runs yet, and SIG_IGN is a valid disposition.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    open_closed_standard_descriptors();
    install_panic_hook();
    // From argv itself: std::env::args is filled without std's start-up
    // only on glibc. Arguments that are not UTF-8 cannot be a valid
    // option; lossy text lets the parser say so instead of panicking.
    let args: Vec<String> = (1..usize::try_from(argc).unwrap_or(0))
        // SAFETY: C hands main `argc` valid NUL-terminated strings in argv.
        .map(|i| unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) })
        .map(|arg| String::from_utf8_lossy(arg.to_bytes()).into_owned())
        .collect();
    let env = |name: &str| std::env::var(name).ok();
    let answer = app::run(&args, env, SystemTime::now, started);
    answer.print();
    std::process::exit(answer.exit_code);
}

/// As std's start-up does: a standard descriptor the parent left closed is
/// opened on /dev/null, so that no cache file or socket of ours takes its
/// number and receives what is meant for stdout or stderr; without
/// /dev/null the run ends UNKNOWN rather than risk that.
#[cfg(not(test))]
fn open_closed_standard_descriptors() {
    for fd in 0..=2 {
        // SAFETY: F_GETFD only asks whether `fd` is open.
        let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
        // Opened in order, /dev/null takes the lowest free number: `fd`.
        let reopened = || {
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/null")
                .map(std::os::fd::IntoRawFd::into_raw_fd)
        };
        if closed && reopened().ok() != Some(fd) {
            use std::io::Write;
            let _ = writeln!(
                std::io::stdout(),
                "HETRIX UNKNOWN - descriptor {fd} was closed and /dev/null cannot be opened in its place"
            );
            std::process::exit(3);
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
