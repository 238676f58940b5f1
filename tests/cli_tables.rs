//! The tables the commands print stay in line whatever their cells hold: `requests list` with
//! a long group id, join request ids of every length, and askers named by phone, or by BSUID
//! and username when the phone is hidden; into a pipe, a row a line with nothing cut.
//! Against a mock server and the sandbox.

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
    // Not a terminal: a row a line, every cell whole (what `grep` and `cut` read), the columns
    // in line with the header.
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        4,
        "a header and three requests, each on its line:\n{}",
        out.stdout
    );
    let header = starts(lines[0]);
    assert_eq!(
        header.len(),
        4,
        "GROUP, WHO, ASKED, JOIN REQUEST: {}",
        lines[0]
    );
    for row in [1, 2, 3] {
        assert_eq!(
            starts(lines[row]),
            header,
            "in line with the header:\n{}",
            out.stdout
        );
        assert!(
            lines[row].starts_with(GROUP),
            "the group id whole: {}",
            lines[row]
        );
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
    assert_eq!(cell(1, 3), "J1");
    assert_eq!(cell(2, 3), long_id, "a join request id is never cut");
    assert_eq!(cell(1, 1), "+15550100002");
    assert_eq!(cell(2, 1), "US.13491208655302741918 @nora_b7");
    assert_eq!(
        cell(3, 1),
        "BR.4410982233000000000000000077 @a.very.long.username.of_thirty",
        "into a pipe nothing is cut"
    );
    assert_eq!(cell(1, 2), "2025-11-25T02:10:34.000Z");
}

/// Tables into a pipe keep each row on one line with every cell whole, so that `grep` finds
/// a group by its whole subject and a change by its whole note: `requests list` (request ids),
/// `groups list` (ids and subjects), `queue list` (a long note).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_into_a_pipe_keep_a_row_a_line_with_every_cell_whole() {
    let sb = common::sandbox(6).await;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let synced = common::run(&sb, h, &["groups", "sync"]).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    let requests = common::run(&sb, h, &["requests", "list", "--json"]).await;
    let ids: Vec<String> = serde_json::from_str::<serde_json::Value>(&requests.stdout)
        .expect("json")
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["join_request_id"].as_str().map(str::to_owned))
        .collect();
    assert!(!ids.is_empty(), "the sandbox seeds join requests");
    let listed = common::run(&sb, h, &["requests", "list"]).await;
    let groups = common::run(&sb, h, &["groups", "list"]).await;
    let group = sb.group_ids()[0].clone();
    let mut add = vec!["queue", "add", "--group", group.as_str()];
    let people: Vec<String> = (1..=9).map(|n| format!("+1212555010{n}")).collect();
    add.extend(people.iter().map(String::as_str));
    assert_eq!(common::run(&sb, h, &add).await.code, 0);
    let queue = common::run(&sb, h, &["queue", "list"]).await;
    for out in [&listed, &groups, &queue] {
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!out.stdout.contains('…'), "nothing cut:\n{}", out.stdout);
    }
    for id in &ids {
        assert!(
            listed
                .stdout
                .lines()
                .any(|l| l.trim_end().ends_with(id.as_str())),
            "{id} whole at the end of its row:\n{}",
            listed.stdout
        );
    }
    for id in sb.group_ids() {
        let subject = sb.subject(&id).expect("subject");
        assert!(
            groups
                .stdout
                .lines()
                .any(|l| l.starts_with(&id) && l.trim_end().ends_with(subject.as_str())),
            "{id} and its whole subject on one line:\n{}",
            groups.stdout
        );
    }
    // The flag of an add past the room, whole on the add's own line.
    assert!(
        queue
            .stdout
            .lines()
            .any(|l| l.contains("+1212555010") && l.contains(" of 8 members")),
        "{}",
        queue.stdout
    );
}

/// Without a phone number id, a command that talks to the server says the one sentence of it.
#[tokio::test]
async fn no_phone_number_id_is_said_in_one_sentence() {
    let home = tempfile::tempdir().expect("home");
    let env = [
        ("WA_BASE_URL", "http://127.0.0.1:9".to_string()),
        ("WA_ACCESS_TOKEN", "test-token-123".to_string()),
    ];
    let out = run_env(home.path(), &["groups", "sync"], &env).await;
    assert_ne!(out.code, 0);
    assert!(
        out.stderr
            .contains(wa_groups::api::settings::NO_PHONE_NUMBER_ID),
        "{}",
        out.stderr
    );
}
