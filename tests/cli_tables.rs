//! The tables the commands print stay in line whatever their cells hold: `requests list` with
//! a long group id, join request ids of every length, and askers named by phone, or by BSUID
//! and username when the phone is hidden. Against a mock server.

mod common;

use common::run_env;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A group id far longer than the usual (about 60 characters, `api-facts.md`).
const GROUP: &str =
    "Y2FwaV9ncm91cDoxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MA";

/// Where each column of a line starts, in characters (as a terminal shows them): the start,
/// and each run of text after two spaces.
fn starts(line: &str) -> Vec<usize> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = vec![0];
    for i in 2..chars.len() {
        if chars[i] != ' ' && chars[i - 1] == ' ' && chars[i - 2] == ' ' {
            out.push(i);
        }
    }
    out
}

#[tokio::test]
async fn requests_list_keeps_every_column_in_line_with_long_ids_and_hidden_phones() {
    let server = MockServer::start().await;
    let long_id = format!("SlJRXz{}", "QUJD".repeat(12));
    Mock::given(method("GET"))
        .and(path(format!("/v23.0/{GROUP}/join_requests")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"join_request_id": "J1", "wa_id": "15550100002", "creation_timestamp": 1764036634},
            {"join_request_id": long_id, "user_id": "US.13491208655302741918",
             "username": "nora_b7", "creation_timestamp": 1764036694},
            {"join_request_id": "SlJRXzAwMw", "user_id": "BR.4410982233000000000000000077",
             "parent_user_id": "BR.1", "username": "a.very.long.username.of_thirty",
             "creation_timestamp": 1764036754}
        ], "paging": {"cursors": {}}})))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().expect("home");
    let env = [
        ("WA_BASE_URL", server.uri()),
        ("WA_PHONE_NUMBER_ID", "100000000000001".to_string()),
        ("WA_ACCESS_TOKEN", "test-token-123".to_string()),
    ];
    let out = run_env(home.path(), &["requests", "list", "--group", GROUP], &env).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        4,
        "a header and three requests:\n{}",
        out.stdout
    );
    let header = starts(lines[0]);
    assert_eq!(
        header.len(),
        4,
        "GROUP, JOIN REQUEST, WHO, ASKED: {}",
        lines[0]
    );
    for line in &lines[1..] {
        assert_eq!(
            starts(line),
            header,
            "in line with the header:\n{}",
            out.stdout
        );
        assert!(line.starts_with(GROUP), "the group id whole: {line}");
    }
    let cell = |row: usize, col: usize| -> String {
        let chars: Vec<char> = lines[row].chars().collect();
        let to = header.get(col + 1).map_or(chars.len(), |next| next - 2);
        chars[header[col]..to]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_owned()
    };
    assert_eq!(cell(2, 1), long_id, "a join request id is never cut");
    assert_eq!(cell(1, 2), "+15550100002");
    assert_eq!(cell(2, 2), "US.13491208655302741918 @nora_b7");
    assert_eq!(
        cell(3, 2),
        "BR.4410982233000000000000000077 @a.very.long.us…",
        "an asker past 48 characters is cut"
    );
    assert_eq!(cell(1, 3), "2025-11-25T02:10:34Z");
}
