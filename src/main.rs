//! check_hetrix: a Nagios/Icinga/Checkmk plugin for servers monitored by
//! HetrixTools. See README.md. Everything but the process lives in the
//! library (`app::run`).

use std::time::{Instant, SystemTime};

use check_hetrix::app;

fn main() {
    let started = Instant::now();
    install_panic_hook();
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
