//! The house rules that hold by construction, checked on the source: only the engine sends,
//! and only the API module writes a request path (so a preview, a dry run and the audit trail
//! show what is sent). Test code (`#[cfg(test)]` modules and files) is left out.

use std::path::{Path, PathBuf};

/// Calls that send a request to the server.
const SENDING: [&str; 8] = [
    "client.execute(",
    "client().execute(",
    ".group_info(",
    ".list_groups(",
    ".list_groups_page(",
    ".write_participants(",
    ".add_participants(",
    ".remove_participants(",
];

/// Parts of Graph request paths.
const PATHS: [&str; 3] = ["/participants", "/groups", "/invite_link"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without its tests and comments, as (line number, text).
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    // Test modules (`tests.rs`, `stress_tests.rs`, `migration_tests.rs`, …) and test helpers.
    if name.ends_with("tests.rs") || matches!(name, "contract.rs" | "testing.rs") {
        return Vec::new();
    }
    let text = std::fs::read_to_string(path).expect("read");
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = line.split("//").next().unwrap_or_default();
        lines.push((i + 1, code.to_owned()));
    }
    lines
}

fn offenders(patterns: &[&str], allowed: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(root)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        if allowed.iter().any(|a| rel.starts_with(a)) || rel.starts_with("src/testing") {
            continue;
        }
        for (n, line) in code_lines(&file) {
            if patterns.iter().any(|p| line.contains(p)) {
                found.push(format!("{rel}:{n}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn only_the_engine_sends() {
    let found = offenders(&SENDING, &["src/engine/", "src/api/"]);
    assert!(
        found.is_empty(),
        "requests sent outside src/engine:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_the_api_writes_a_request_path() {
    // The sandbox is the server side: its routes are the contract's paths.
    let found = offenders(&PATHS, &["src/api/", "src/sandbox/"]);
    assert!(
        found.is_empty(),
        "request paths written outside src/api:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_look_for() {
    assert!(
        !offenders(&SENDING, &[]).is_empty(),
        "the engine's own calls are found"
    );
    assert!(
        !offenders(&PATHS, &[]).is_empty(),
        "the API's own paths are found"
    );
}
