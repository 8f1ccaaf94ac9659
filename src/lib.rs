//! check_hetrix: a Nagios/Icinga/Checkmk plugin for what HetrixTools
//! monitors: servers, sites, certificates, domains, blacklists. See
//! README.md. The binary hands the command line and the environment to
//! [`app::run`] and prints its [`app::Answer`].

pub mod app;

mod api;
mod cache;
mod cli;
mod discovery;
mod failure;
mod fetch;
mod files;
mod flags;
mod help;
mod model;
mod modes;
mod output;
#[cfg(test)]
mod properties;
mod proxy;
mod range;
mod top;

/// Seconds since the epoch at `time`; 0 before it.
fn unix_seconds(time: std::time::SystemTime) -> i64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod layout_map {
    use std::path::Path;

    /// The code block of the README's "How the code is laid out".
    fn map() -> &'static str {
        let readme = include_str!("../README.md");
        let section = &readme[readme.find("## How the code is laid out").expect("section")..];
        let start = section.find("```\n").expect("code block") + 4;
        &section[start..start + section[start..].find("```").expect("end")]
    }

    fn files(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, found);
            } else {
                found.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }

    /// Every source file is on the map (a mode's file as "one file per
    /// mode"), and every file the map names exists.
    #[test]
    fn the_readme_map_matches_the_tree() {
        let map = map();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut in_src = Vec::new();
        files(&root.join("src"), &mut in_src);
        let modes: Vec<String> = std::fs::read_dir(root.join("src/modes"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        for name in &in_src {
            assert!(
                map.contains(name.as_str()) || modes.contains(name),
                "src/**/{name} is not on the README's map"
            );
        }
        let mut in_tests = Vec::new();
        files(&root.join("tests"), &mut in_tests);
        let named = map
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .filter(|word| word.ends_with(".rs") || word.ends_with(".json"))
            .filter(|word| !word.starts_with('.'));
        for name in named {
            assert!(
                in_src.iter().chain(&in_tests).any(|file| file == name),
                "the README's map names {name}, which is not in the tree"
            );
        }
    }
}
