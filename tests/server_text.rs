//! Text from a hostile server and from the operator on every output path: a partial answer
//! whose every string carries an escape sequence reaches `log`, `log --csv`, `log --json`,
//! `queue list` and the submit summary as visible text, and no CSV cell starts a formula.

mod common;

use common::run_env;
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The request id of the issue: a formula start, then an OSC 52 clipboard write.
const EVIL_ID: &str = "-2+3\u{1b}]52;c;ZXZpbA==\u{7}";
const EVIL: &str = "=HYPERLINK(\"http://evil.example\",\"x\")\u{1b}[2J\u{9b}31m\u{202e}";
const FORMULAS: [&str; 4] = [
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r-3+3",
    " \"=1+2\";=1+2",
];

/// Groups typed by the operator whose ids a spreadsheet would take for formulas.
const GROUPS: [&str; 3] = ["=SUM", "-2+3", "+A1"];

/// A server answering every add with a 206 whose every string is hostile (the second
/// participant failed with `message`), and every read with the first participant in.
async fn hostile_server(message: &str) -> MockServer {
    let server = MockServer::start().await;
    let partial = json!({
        "request_id": EVIL_ID,
        "error": {
            "message": EVIL, "type": EVIL, "code": 131201, "fbtrace_id": EVIL_ID,
            "error_data": {"details": EVIL, "failed_participants": [
                {"input": "+12025550144", "errors": [{"code": 131203, "message": message,
                    "title": EVIL, "error_data": {"details": EVIL}}]}
            ]}
        }
    });
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(206).set_body_json(partial))
        .mount(&server)
        .await;
    for group in GROUPS {
        Mock::given(method("GET"))
            .and(path_regex(format!("^/v23.0/{}$", regex_escape(group))))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "id": group, "subject": EVIL, "description": EVIL,
                "participants": [{"wa_id": "12025550143"}], "total_participant_count": 1
            })))
            .mount(&server)
            .await;
    }
    server
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

fn env_for(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("WA_BASE_URL", server.uri()),
        ("WA_PHONE_NUMBER_ID", "1".to_string()),
        ("WA_ACCESS_TOKEN", "t".to_string()),
    ]
}

fn assert_no_control(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    assert!(bad.is_empty(), "{what} carries {bad:?}:\n{text}");
    // Nor as JSON escapes of them: the text was made safe before it was stored.
    for escape in ["\\u001b", "\\u0007", "\\u009b", "\\u202e", "\\r", "\\t"] {
        assert!(!text.contains(escape), "{what} carries {escape}:\n{text}");
    }
}

/// Queues two adds to each group and submits against the server.
async fn queue_and_submit(server: &MockServer, home: &std::path::Path) {
    let env = env_for(server);
    for group in GROUPS {
        let out = run_env(
            home,
            &[
                "queue",
                "add",
                &format!("--group={group}"),
                "+12025550143",
                "+12025550144",
            ],
            &env,
        )
        .await;
        assert_eq!(out.code, 0, "{group}: {}", out.stderr);
    }
    let sent = run_env(home, &["submit", "--yes", "--verify-delay-ms", "0"], &env).await;
    assert_eq!(sent.code, 1, "one of each pair failed: {}", sent.stderr);
    assert_no_control("submit", &sent.stdout);
    assert_no_control("submit", &sent.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_partial_answer_is_text_on_every_output_path() {
    let server = hostile_server(EVIL).await;
    let home = tempfile::tempdir().expect("home");
    queue_and_submit(&server, home.path()).await;
    let env = env_for(&server);
    for args in [
        vec!["log"],
        vec!["log", "--csv"],
        vec!["log", "--json"],
        vec!["queue", "list"],
        vec!["queue", "list", "--json"],
        vec!["submit", "--dry-run"],
    ] {
        let out = run_env(home.path(), &args, &env).await;
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_no_control(&args.join(" "), &out.stdout);
        assert_no_control(&args.join(" "), &out.stderr);
    }
    // The escape is shown, not dropped: the operator sees what the server sent.
    let json = run_env(home.path(), &["log", "--json"], &env).await;
    assert!(
        json.stdout.contains("-2+3^[]52;c;ZXZpbA==^G"),
        "{}",
        json.stdout
    );
    let queue = run_env(home.path(), &["queue", "list", "--json"], &env).await;
    let ops: Vec<serde_json::Value> = serde_json::from_str(&queue.stdout).expect("json");
    let failed: Vec<&serde_json::Value> = ops.iter().filter(|o| o["state"] == "failed").collect();
    assert_eq!(failed.len(), GROUPS.len(), "{}", queue.stdout);
    for op in failed {
        assert!(
            op["message"].as_str().is_some_and(|m| m.contains("^[[2J")),
            "{op}"
        );
        assert_eq!(op["request_id"], "-2+3^[]52;c;ZXZpbA==^G", "{op}");
    }
}

/// Whether a spreadsheet would take the cell for a formula: its first character, after
/// spaces and double quotes, starts one, and it is not a whole number.
fn starts_formula(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    cell.starts_with(['\t', '\r', '\0'])
        || cell
            .trim_start_matches(|c: char| c.is_whitespace() || c == '"')
            .starts_with(['=', '+', '-', '@'])
}

#[tokio::test(flavor = "multi_thread")]
async fn no_csv_cell_starts_a_formula_and_numbers_stay_numbers() {
    for message in FORMULAS.iter().copied().chain([EVIL]) {
        let server = hostile_server(message).await;
        let home = tempfile::tempdir().expect("home");
        queue_and_submit(&server, home.path()).await;
        let out = run_env(home.path(), &["log", "--csv"], &env_for(&server)).await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
        assert_eq!(rows.len(), 2 * GROUPS.len(), "{}", out.stdout);
        for row in &rows {
            for cell in row {
                assert!(
                    !starts_formula(cell),
                    "{message:?}: cell {cell:?} in {row:?}"
                );
            }
            // The participant column keeps its E.164 number as it is.
            assert!(
                ["+12025550143", "+12025550144"].contains(&&row[3]),
                "{row:?}"
            );
            // The group column shows the id, behind the quote that makes it text.
            assert!(GROUPS.iter().any(|g| row[1] == format!("'{g}")), "{row:?}");
        }
        let failed: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[5] == "failed").collect();
        assert_eq!(failed.len(), GROUPS.len());
        for row in failed {
            assert_eq!(&row[6], "131203");
            assert_eq!(&row[8], "'-2+3^[]52;c;ZXZpbA==^G", "{row:?}");
            assert!(row[7].starts_with('\''), "{row:?}");
        }
    }
}
