//! `wa-groups webhook serve` as Meta meets it: the verification handshake; deliveries checked
//! on their raw bytes before anything is read, refused with the right status and logged
//! without their content; each delivery committed before it is answered, once however often
//! it comes; and a receiver killed between the commit and the answer loses nothing.

mod common;
mod webhook_common;

use std::time::Duration;

use common::run_within;
use wa_groups::domain::{OpSpec, OperationKind, OperationState, Participant};
use wa_groups::store::{OperationFilter, Settlement, StateChange, Store};
use webhook_common::*;

const BASE: &str = "https://graph.facebook.com";

#[tokio::test(flavor = "multi_thread")]
async fn the_handshake_answers_the_challenge_only_to_the_verify_token() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let env = env(&db_in(h), BASE);
    let receiver = ReceiverProcess::start(h, &env, &[]).await;
    let get = |query: String| {
        let url = format!("{}?{query}", receiver.url);
        async move {
            let r = http().get(url).send().await.expect("answer");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        }
    };
    let ok = get(format!(
        "hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
    ))
    .await;
    assert_eq!(ok, (200, "1158201444".to_owned()));
    let wrong = get("hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1".into()).await;
    assert_eq!(wrong.0, 403);
    assert!(
        !wrong.1.contains('1'),
        "no challenge for a wrong token: {wrong:?}"
    );
    let mode = get(format!(
        "hub.mode=unsubscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1"
    ))
    .await;
    assert_eq!(mode.0, 403);
    let none = get(format!(
        "hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}"
    ))
    .await;
    assert_eq!(none.0, 400);
    assert_eq!(get(String::new()).await.0, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_truncated_unsigned_and_oversized_posts_are_refused_and_nothing_is_stored() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let env = env(&db_in(h), BASE);
    let receiver = ReceiverProcess::start(h, &env, &[]).await;
    let url = receiver.url.clone();
    let body = removal("RQ-CANARY-body-5be1", &["+15550100003"]);
    let good = sign(APP_SECRET, &body);
    let cases: Vec<(&str, Vec<u8>, Option<String>, u16)> = vec![
        ("unsigned", body.clone(), None, 401),
        (
            "forged (another secret)",
            body.clone(),
            Some(sign("not-the-app-secret", &body)),
            401,
        ),
        (
            "truncated",
            body[..body.len() - 9].to_vec(),
            Some(good.clone()),
            401,
        ),
        (
            "a changed byte",
            body.iter()
                .map(|b| if *b == b'3' { b'4' } else { *b })
                .collect(),
            Some(good.clone()),
            401,
        ),
        (
            "not sha256=hex",
            body.clone(),
            Some(format!("sha1={}", &good[7..])),
            401,
        ),
        (
            "signed but not JSON",
            b"{\"object\":\"CANARY-body-5be1".to_vec(),
            Some(sign(APP_SECRET, b"{\"object\":\"CANARY-body-5be1")),
            400,
        ),
        (
            "signed JSON but no envelope",
            b"{\"CANARY-body-5be1\":1}".to_vec(),
            Some(sign(APP_SECRET, b"{\"CANARY-body-5be1\":1}")),
            400,
        ),
    ];
    for (what, body, signature, status) in cases {
        assert_eq!(post(&url, body, signature).await, Some(status), "{what}");
    }
    let mut huge = body.clone();
    huge.resize(3 * 1024 * 1024 + 1, b' ');
    let signature = sign(APP_SECRET, &huge);
    assert_eq!(
        post(&url, huge, Some(signature)).await,
        Some(413),
        "over 3 MiB"
    );
    assert!(events(h, &env).await.is_empty(), "nothing stored");

    // The refusals are logged, without the body, the signature or a secret.
    let log = std::fs::read_to_string(h.join("data/wa-groups/wa-groups.log")).expect("log");
    assert!(log.contains("webhook refused: signature"), "{log}");
    assert!(log.contains("webhook refused: body"), "{log}");
    for secret in ["CANARY-body", APP_SECRET, VERIFY_TOKEN, &good[7..]] {
        assert!(!log.contains(secret), "the log holds {secret}:\n{log}");
    }
    // And the good one is taken.
    assert_eq!(deliver(&url, &body).await, Some(200));
    assert_eq!(events(h, &env).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_sent_three_times_is_stored_once() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let env = env(&db_in(h), BASE);
    let receiver = ReceiverProcess::start(h, &env, &[]).await;
    let body = removal("RQ-3x", &["+15550100003"]);
    for _ in 0..3 {
        assert_eq!(deliver(&receiver.url, &body).await, Some(200));
    }
    let got = events(h, &env).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["deliveries"], 3);
    assert_eq!(got[0]["request_id"], "RQ-3x");
}

/// An operation the server accepted under `request_id`, in the store at `db`.
async fn accepted_removal(db: &std::path::Path, wa_id: &str, request_id: &str) {
    let store = Store::open(db).expect("store");
    let s = store.account(BASE, NUMBER).await.expect("account");
    let person = Participant::from_wa_id(wa_id).expect("wa_id");
    let spec = OpSpec::for_participant(OperationKind::Remove, GROUP, person);
    let ids = s.enqueue(vec![spec]).await.expect("enqueue").ids;
    s.claim(ids.clone(), "try".into()).await.expect("claim");
    s.settle(Settlement {
        changes: vec![StateChange {
            id: ids[0],
            state: OperationState::Accepted,
            code: None,
            message: None,
            group: None,
        }],
        request_id: Some(request_id.into()),
        ..Settlement::default()
    })
    .await
    .expect("accepted");
}

async fn state(db: &std::path::Path) -> OperationState {
    let store = Store::open(db).expect("store");
    let s = store.account(BASE, NUMBER).await.expect("account");
    s.operations(OperationFilter::default()).await.expect("ops")[0].state
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_killed_between_commit_and_answer_loses_nothing() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let db = db_in(h);
    accepted_removal(&db, "15550100003", "RQ-k1").await;
    let env = env(&db, BASE);
    // It holds every delivery for a minute between its commit and its answer.
    let mut first = ReceiverProcess::start(h, &env, &["--hold-after-commit-ms", "60000"]).await;
    let body = removal("RQ-k1", &["+15550100003"]);
    let url = first.url.clone();
    let sent = body.clone();
    let in_flight = tokio::spawn(async move { deliver(&url, &sent).await });
    wait_for_db(&db, "the delivery's commit", |c| {
        count(c, "SELECT count(*) FROM webhook_events") == 1
    })
    .await;
    first.kill().await;
    assert_eq!(in_flight.await.expect("join"), None, "never answered");
    assert_eq!(
        state(&db).await,
        OperationState::Accepted,
        "not processed yet"
    );

    // The next receiver processes what the killed one stored; the sender's retry is known.
    let second = ReceiverProcess::start(h, &env, &[]).await;
    wait_for_db(&db, "the settlement", |c| {
        count(
            c,
            "SELECT count(*) FROM operations WHERE state = 'confirmed'",
        ) == 1
    })
    .await;
    assert_eq!(deliver(&second.url, &body).await, Some(200));
    let got = events(h, &env).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["deliveries"], 2);
    assert_eq!(got[0]["settled"]["operations"][0]["state"], "confirmed");
    let outcomes = run_within(h, &["log", "--json"], &env, WAIT).await;
    let log: serde_json::Value = serde_json::from_str(&outcomes.stdout).expect("log json");
    assert_eq!(
        log["outcomes"].as_array().map(Vec::len),
        Some(1),
        "settled once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn it_listens_on_loopback_and_needs_both_secrets() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let env = env(&db_in(h), BASE);
    let out = run_within(
        h,
        &["webhook", "serve", "--listen", "0.0.0.0:0"],
        &env,
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--allow-non-loopback"),
        "{}",
        out.stderr
    );
    let no_secret: Vec<_> = env
        .iter()
        .filter(|(k, _)| *k != "WA_APP_SECRET")
        .cloned()
        .collect();
    let out = run_within(
        h,
        &["webhook", "serve", "--listen", "127.0.0.1:0"],
        &no_secret,
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "no app secret: give --app-secret-file PATH, set WA_APP_SECRET, or set app_secret_command in the config file"
        ),
        "{}",
        out.stderr
    );
}

/// Ctrl-C while the receiver is still working through a burst (processing and printing what it
/// stored) stops it, with its closing count: the receiver listens for SIGINT once for its whole
/// run, so a signal that comes while it prints is not lost.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_in_the_middle_of_a_burst_stops_it() {
    const BURST: usize = 1_000;
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let env = env(&db_in(h), BASE);
    let mut receiver = ReceiverProcess::start(h, &env, &[]).await;
    let senders: Vec<_> = (0..8)
        .map(|k| {
            let url = receiver.url.clone();
            tokio::spawn(async move {
                for i in (k..BURST).step_by(8) {
                    let body = removal(&format!("RQ-burst-{i}"), &["+15550100003"]);
                    assert_eq!(deliver(&url, &body).await, Some(200));
                }
            })
        })
        .collect();
    for sender in senders {
        sender.await.expect("sender");
    }
    let pid = i32::try_from(receiver.child.id().expect("running")).expect("pid");
    // SAFETY: kill(2) with SIGINT on our own running child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let mut last = String::new();
    let status = tokio::time::timeout(WAIT, async {
        while let Ok(Some(line)) = receiver.lines.next_line().await {
            last = line;
        }
        receiver.child.wait().await
    })
    .await
    .expect("the receiver stops after Ctrl-C")
    .expect("wait");
    assert!(status.success(), "{status:?}");
    assert!(
        last.starts_with(&format!("stopped: {BURST} deliveries stored")),
        "{last}"
    );
}
