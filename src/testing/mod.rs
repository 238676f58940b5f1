//! Test data for the tool's own tests and benchmarks (feature `testing`, on for `cargo test`):
//! people, changes, operations, groups, plans and a store in a temporary directory. A field
//! added to one of these types is added here once, not in every test.

use tempfile::TempDir;

use crate::api::{AccessToken, Client, ClientSettings};
use crate::domain::plan::{PendingOp, PlannedRequest};
use crate::domain::{OpId, OpSpec, OperationKind, OperationState, Participant, Person, UserId};
use crate::sandbox::Sandbox;
use crate::session::Session;
use crate::store::{AccountStore, GroupSummary, MirrorGroup, Operation, Store};

/// The n-th test person: `+1212200nnnn` (n below 10,000), a valid US number.
pub fn person(n: u32) -> Participant {
    match Participant::from_wa_id(&format!("1212200{:04}", n % 10_000)) {
        Ok(p) => p,
        Err(e) => panic!("test person {n}: {e}"),
    }
}

/// The n-th test person known only by BSUID: `US.n` with a username `user.n`, as Meta shows a
/// user whose phone number may not be shown.
pub fn hidden(n: u32) -> Person {
    match UserId::parse(&format!("US.{n}")) {
        Ok(id) => Person::by_user_id(id).with_username(Some(format!("user.{n}"))),
        Err(e) => panic!("test BSUID {n}: {e}"),
    }
}

/// The start of a baseline JPEG of `width`x`height` (SOI, a SOF0 segment, EOI): all a photo
/// check (the tool's and the sandbox's) reads of one.
pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08];
    bytes.extend(height.to_be_bytes());
    bytes.extend(width.to_be_bytes());
    bytes.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
    bytes
}

/// Adding person `n` to `group`.
pub fn add(group: &str, n: u32) -> OpSpec {
    OpSpec::for_participant(OperationKind::Add, group, person(n))
}

/// Removing person `n` from `group`.
pub fn remove(group: &str, n: u32) -> OpSpec {
    OpSpec::for_participant(OperationKind::Remove, group, person(n))
}

/// A queued operation in `state`, never tried, at time 0.
pub fn operation(id: i64, spec: OpSpec, state: OperationState) -> Operation {
    Operation {
        id: OpId(id),
        spec,
        state,
        attempts: 0,
        attempt_id: None,
        error_code: None,
        error_message: None,
        request_id: None,
        flag: None,
        created_at: 0,
        updated_at: 0,
    }
}

/// A line of the mirror's group list: `members` members, nothing queued.
pub fn group_summary(id: &str, subject: &str, members: u32) -> GroupSummary {
    GroupSummary {
        id: id.into(),
        subject: subject.into(),
        member_count: members,
        read_at: 0,
        gone_at: None,
        pending: 0,
        failed: 0,
        suspended: false,
        join_requests: 0,
        invite_link: None,
    }
}

/// A group of the mirror with the test people `members`.
pub fn mirror_group(id: &str, subject: &str, members: &[u32]) -> MirrorGroup {
    MirrorGroup {
        id: id.into(),
        subject: subject.into(),
        members: members.iter().map(|n| person(*n).into()).collect(),
        member_count: members.len() as u32,
        read_at: 0,
        gone_at: None,
        about: Default::default(),
    }
}

/// A planned request of `kind` for `group` carrying operations `(id, person)`.
pub fn planned(kind: OperationKind, group: &str, ops: &[(i64, u32)]) -> PlannedRequest {
    PlannedRequest::of(
        kind,
        Some(group.into()),
        ops.iter()
            .map(|(id, n)| PendingOp {
                id: OpId(*id),
                spec: OpSpec::for_participant(kind, group, person(*n)),
            })
            .collect(),
    )
}

/// A fresh store in its own temporary directory (kept while the guard lives), scoped to one
/// account (`https://graph.example`, phone number id `1000`).
pub async fn account_store() -> (TempDir, AccountStore) {
    store_for("https://graph.example", "1000").await
}

/// A fresh store in its own temporary directory (kept while the guard lives), scoped to the
/// account of `phone_number_id` at `base_url`.
pub async fn store_for(base_url: &str, phone_number_id: &str) -> (TempDir, AccountStore) {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("temporary directory: {e}"),
    };
    let store = match Store::open(&dir.path().join("test.db")) {
        Ok(store) => store,
        Err(e) => panic!("test store: {e}"),
    };
    match store.account(base_url, phone_number_id).await {
        Ok(acct) => (dir, acct),
        Err(e) => panic!("test account: {e}"),
    }
}

/// A fresh store in its own temporary directory (kept while the guard lives) for the account
/// of sandbox `sb`, and a session on it with a client of `sb` (API version `v23.0`).
pub async fn sandbox_session(sb: &Sandbox) -> (TempDir, AccountStore, Session) {
    session_at(&sb.base_url(), sb.phone_number_id(), sb.token()).await
}

/// A fresh store in its own temporary directory (kept while the guard lives) for the account
/// of `phone_number_id` at `base_url`, and a session on it with a client that sends `token`
/// there (API version `v23.0`): for a sandbox or a mock server.
pub async fn session_at(
    base_url: &str,
    phone_number_id: &str,
    token: &str,
) -> (TempDir, AccountStore, Session) {
    let (dir, store) = store_for(base_url, phone_number_id).await;
    let client = AccessToken::new(token)
        .map_err(|e| e.to_string())
        .and_then(|token| {
            ClientSettings::new(base_url, "v23.0", token, phone_number_id)
                .map_err(|e| e.to_string())
        })
        .and_then(|settings| Client::new(settings).map_err(|e| e.to_string()));
    match client {
        Ok(client) => (dir, store.clone(), Session::with(store, client)),
        Err(e) => panic!("test client: {e}"),
    }
}
