//! Property tests: every parser that meets outside input (phone numbers, BSUIDs, pasted lists,
//! CSV imports, Graph answers and errors, config files) returns a value or an error, never
//! panics.

use std::sync::{Mutex, OnceLock};

use proptest::prelude::*;
use serde_json::Value;
use wa_groups::api::wire::{self, GroupInfo, GroupPage, JoinRequestPage};
use wa_groups::domain::{OperationKind, Participant, Query, Region, UserId, read_numbers};
use wa_groups::import::{self, ImportTo, OnBadLines};
use wa_groups::store::{AccountStore, Store};

const KEYS: &[&str] = &[
    "id",
    "subject",
    "participants",
    "wa_id",
    "user_id",
    "parent_user_id",
    "username",
    "join_request_id",
    "creation_timestamp",
    "user",
    "input",
    "total_participant_count",
    "data",
    "groups",
    "paging",
    "cursors",
    "after",
    "next",
    "error",
    "code",
    "message",
    "error_data",
    "details",
    "failed_participants",
    "errors",
    "is_transient",
    "request_id",
    "success",
    "error_subcode",
    "fbtrace_id",
    "created_at",
    "suspended",
    "title",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        "[0-9+]{0,16}".prop_map(Value::String),
        "[A-Za-z]{2}\\.[A-Za-z0-9.-]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(proptest::sample::select(KEYS), inner, 0..6).prop_map(
                |m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            ),
        ]
    })
}

fn store() -> &'static Mutex<(AccountStore, tempfile::TempDir)> {
    static STORE: OnceLock<Mutex<(AccountStore, tempfile::TempDir)>> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&dir.path().join("fuzz.db")).expect("store");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let acct = runtime
            .block_on(store.account("http://127.0.0.1:1", "1"))
            .expect("account");
        Mutex::new((acct, dir))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn phone_numbers(
        text in ".{0,40}",
        digits in "[+0-9 ()-]{0,24}",
        pasted in "[+0-9 ()\\-.,;\u{202a}\u{202c}\u{200e}\u{a0}\u{2013}\u{660}-\u{669}\u{ff10}-\u{ff19}]{0,40}",
    ) {
        for region in [None, "US".parse::<Region>().ok(), "BR".parse::<Region>().ok()] {
            for input in [&text, &digits, &pasted] {
                if let Ok(p) = Participant::parse(input, region) {
                    prop_assert!(p.e164().starts_with('+'));
                    prop_assert!(p.wa_id().bytes().all(|b| b.is_ascii_digit()));
                    let _ = p.ambiguity();
                }
                let _ = read_numbers(input, region);
            }
        }
        let _ = Participant::from_wa_id(&text);
        let bsuid_like = format!("{}.{}", &digits.chars().take(2).collect::<String>(), text);
        for input in [&text, &bsuid_like] {
            let _ = UserId::parse(input);
            let _ = Query::username(input);
            let _ = read_numbers(input, None);
        }
    }

    #[test]
    fn graph_answers_and_errors(value in json_value(), status in 100u16..600) {
        let _ = GroupInfo::from_json(&value);
        let _ = GroupPage::from_json(&value);
        let _ = JoinRequestPage::from_json(&value);
        if let Ok(info) = GroupInfo::from_json(&value) {
            for member in &info.participants {
                prop_assert!(member.phone().is_some() || member.user_id().is_some());
                let _ = member.label();
            }
        }
        let _ = wire::person(&value);
        let _ = wire::failed_participants(&value);
        if let Some(e) = wire::graph_error(status, &reqwest::header::HeaderMap::new(), &value) {
            let _ = e.class();
            let _ = e.to_string();
        }
    }

    #[test]
    fn answer_bodies(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = wa_groups::api::body::excerpt(&bytes);
        if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
            let _ = GroupInfo::from_json(&value);
        }
    }

    #[test]
    fn csv_imports(
        lines in proptest::collection::vec(
            prop_oneof![
                ".{0,30}",
                "[a-zA-Z0-9]{1,8},[+0-9 ()-]{0,16},(add|remove|ADD|x)",
                Just("group,participant,action".to_string()),
                Just("\"a,b\",\"+1 202\",add".to_string()),
            ],
            0..12,
        ),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let mut text = if bom { "\u{feff}".to_string() } else { String::new() };
        text.push_str("group,participant,action");
        for line in &lines {
            text.push_str(if crlf { "\r\n" } else { "\n" });
            text.push_str(line);
        }
        let guard = store().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (store, _) = &*guard;
        let to = ImportTo { store, on_bad: OnBadLines::Reject };
        let _ = import::read_csv(text.as_bytes(), None, to);
        let to = ImportTo { store, on_bad: OnBadLines::Skip };
        let _ = import::read_list(text.as_bytes(), "g", OperationKind::Add, None, to);
        let _ = import::read_target(text.as_bytes(), None);
    }

    #[test]
    fn raw_bytes_as_import(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let guard = store().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (store, _) = &*guard;
        let to = ImportTo { store, on_bad: OnBadLines::Reject };
        let _ = import::read_csv(bytes.as_slice(), None, to);
    }

    #[test]
    fn config_files(text in ".{0,80}", key in proptest::sample::select(&["base_url", "phone_number_id", "default_region", "timeout_secs", "token_command", "db", "colour"][..]), value in ".{0,20}") {
        let _ = wa_groups::config::parse_file(&text);
        let _ = wa_groups::config::parse_file(&format!("{key} = {value}\n"));
        let _ = wa_groups::config::parse_file(&format!("{key} = \"{}\"\n", value.replace('"', "")));
    }
}
