//! The shipped Nagios command definitions and what each one prints for the
//! example server (or a clean uptime or blacklist monitor): shared by the
//! `sh -c` runs of `nagios_commands` and the real daemon of `nagios4`, so
//! both hold every command to the same result.

/// How many commands packaging/nagios/check_hetrix.cfg defines: a new one
/// needs its line in [`expected`].
pub const SHIPPED: usize = 19;

/// The commands of the v3 calls other than the agent's metrics.
pub const MONITOR_COMMANDS: [&str; 6] = [
    "check_hetrix_host_status",
    "check_hetrix_host_blacklist",
    "check_hetrix_status",
    "check_hetrix_ssl",
    "check_hetrix_domain",
    "check_hetrix_blacklist",
];

/// (command_name, command_line) of every `define command` block.
pub fn commands(definitions: &str) -> Vec<(String, String)> {
    let mut commands = Vec::new();
    let mut name = None;
    for line in definitions.lines().map(str::trim) {
        if let Some(value) = line.strip_prefix("command_name") {
            name = Some(value.trim().to_string());
        } else if let Some(value) = line.strip_prefix("command_line") {
            let name = name.take().expect("command_name before command_line");
            commands.push((name, value.trim().to_string()));
        }
    }
    commands
}

/// The `$ARGn$` a test gives `command`, and the start of the first line it
/// must print: for the agent commands against the example server, for the
/// others against an uptime monitor that is up with dates far off and a
/// blacklist monitor listed nowhere.
pub fn expected(command: &str) -> (&'static [&'static str], String) {
    let mode = command.trim_start_matches("check_hetrix_");
    match command {
        "check_hetrix" => (&["disk:/boot"], "DISK OK".into()),
        "check_hetrix_disk" => (&["-w 85 -c 95"], "DISK OK".into()),
        // The example's sda has 56 errors, which the default -w 0 warns on.
        "check_hetrix_smart" => (&["-w 100"], "SMART OK".into()),
        "check_hetrix_all" => (&[], "HETRIX WARNING - SMART WARNING".into()),
        "check_hetrix_v3" => (&["cpu"], "CPU OK".into()),
        "check_hetrix_v1" => (&["ram"], "RAM OK".into()),
        "check_hetrix_host" => (&[], "FRESHNESS OK".into()),
        // Against common::account_limits().
        "check_hetrix_quota" => (&[], "QUOTA OK - 700 of 1000".into()),
        // The host checks of uptime and blacklist monitors: their mode.
        _ => (
            &[],
            format!("{} OK", mode.trim_start_matches("host_").to_uppercase()),
        ),
    }
}
