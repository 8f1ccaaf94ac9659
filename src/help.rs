//! `--help`: a short usage line, the options in groups with their value
//! names, the modes with their defaults, all within 80 columns. Written
//! here rather than by argh, whose usage line lists every option on one
//! line and names no values; the options come from `cli`'s table.

use crate::cli::FLAGS;
use crate::modes::{self, Apis};
use crate::output::wrap;

/// Widest line of `--help`: a terminal's default width.
const WIDTH: usize = 80;
/// Where option and mode descriptions start.
const TEXT_COLUMN: usize = 26;

const USAGE: &str = "\
Usage: check_hetrix -i ID -m MODE [-w RANGE] [-c RANGE] [OPTION]...
       check_hetrix --demo -m MODE [-w RANGE] [-c RANGE] [OPTION]...
       check_hetrix --list-monitors [--blacklists] [--format FORMAT]";

const DESCRIPTION: &str = "Check what HetrixTools knows about a server, a site or a \
blacklisted address: fetch it from the HetrixTools API and compare it with warning and \
critical thresholds. Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.";

const NOTES: &[&str] = &[
    "Ranges follow the Monitoring Plugins guidelines: N alerts outside 0..N, N: below N, \
     ~:N above N, N:M outside N..M, @N:M inside N..M; endpoints are OK. In percentage modes \
     a number may end in %.",
    "Sizes (net; disk and inodes, where a suffix makes thresholds absolute): K, M, G, T are \
     powers of 1024 (KiB, MiB, GiB, TiB) and count bytes, not bits; net rates are bytes per \
     second, so -w 50M alerts above 50 MiB/s (419.4 Mbit/s).",
];

const EXAMPLE: &str = "Example: check_hetrix -i <monitor ID> -m disk -w 80 -c 90";

/// The whole `--help` text.
pub fn render() -> String {
    let mut text = format!("{USAGE}\n\n");
    push_wrapped(&mut text, DESCRIPTION);
    let mut section = "";
    for flag in FLAGS {
        if flag.section != section {
            section = flag.section;
            text.push_str(&format!("\n{section}:\n"));
        }
        push_entry(&mut text, &flag.synopsis(), &flag.about());
    }
    // argh answers -h/--help itself, so the option table leaves it out.
    push_entry(&mut text, "-h, --help", "print this help and exit");
    text.push_str("\nModes (default thresholds):\n");
    for mode in modes::MODES {
        let defaults = match (mode.default_warning, mode.default_critical) {
            (None, None) if mode.name == "all" => "each mode's own".to_string(),
            (None, None) => "none".to_string(),
            (w, c) => format!("-w {} -c {}", w.unwrap_or("none"), c.unwrap_or("none")),
        };
        let api = match mode.api {
            Apis::V3Only => " (--api v3 only)",
            Apis::Both => "",
        };
        push_entry(&mut text, &mode.usage(), &format!("{defaults}{api}"));
    }
    text.push('\n');
    for note in NOTES {
        push_wrapped(&mut text, note);
    }
    text.push_str(EXAMPLE);
    text.push('\n');
    text
}

fn push_wrapped(text: &mut String, paragraph: &str) {
    for line in wrap(paragraph, WIDTH) {
        text.push_str(&line);
        text.push('\n');
    }
}

/// `  name   text`, the text wrapped at [`TEXT_COLUMN`]; a name too long
/// for the column gets a line of its own.
fn push_entry(text: &mut String, name: &str, about: &str) {
    let mut lines = wrap(about, WIDTH - TEXT_COLUMN).into_iter();
    let head = format!("  {name}");
    if head.len() + 2 <= TEXT_COLUMN {
        let first = lines.next().unwrap_or_default();
        text.push_str(&format!("{head:<TEXT_COLUMN$}{first}\n"));
    } else {
        text.push_str(&head);
        text.push('\n');
    }
    for line in lines {
        text.push_str(&format!("{:TEXT_COLUMN$}{line}\n", ""));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_an_80_column_terminal() {
        let help = render();
        for line in help.lines() {
            assert!(line.chars().count() <= WIDTH, "{line:?}");
        }
        assert!(help.starts_with("Usage: check_hetrix -i ID -m MODE "));
    }

    #[test]
    fn all_says_it_uses_each_modes_defaults() {
        let help = render();
        let line = help.lines().find(|l| l.starts_with("  all ")).unwrap();
        assert!(line.ends_with("each mode's own"), "{line}");
    }
}
