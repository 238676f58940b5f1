//! What goes into the engine (commands) and what comes out (events).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::api::{GroupInfo, GroupSummary as ListedGroup};
use crate::domain::{OpId, OperationKind, OperationState};
use crate::store::Operation;

/// Which pending operations a submit takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Groups(Vec<String>),
    Operations(Vec<OpId>),
}

impl Scope {
    /// Whether `op` is in scope.
    pub fn takes(&self, op: &Operation) -> bool {
        match self {
            Scope::All => true,
            Scope::Groups(groups) => op.group().is_some_and(|g| groups.iter().any(|x| x == g)),
            Scope::Operations(ids) => ids.contains(&op.id),
        }
    }
}

/// A read the engine is asked for, whose answer comes back as [`Event::Fetched`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "fetch", content = "group", rename_all = "snake_case")]
pub enum Fetch {
    /// Every page of the group list.
    Groups,
    /// One group's subject and members.
    Group(String),
    /// One group's invite link (kept in the mirror).
    InviteLink(String),
    /// Every listed group's invite link (kept in the mirror).
    InviteLinks,
    /// The pending join requests of one group, or of every group the mirror shows as
    /// `approval_required` (kept in the mirror).
    JoinRequests(Option<String>),
}

/// One group's invite link as `Fetch::InviteLinks` read it, or why it could not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkRead {
    pub group_id: String,
    pub subject: String,
    pub invite_link: Option<String>,
    pub error: Option<String>,
}

/// What a fetch read.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fetched {
    Groups(Vec<ListedGroup>),
    Group(GroupInfo),
    InviteLink {
        group_id: String,
        invite_link: String,
    },
    InviteLinks(Vec<LinkRead>),
    /// The requests read, and the groups that could not be read (id and why).
    JoinRequests {
        requests: Vec<crate::store::StoredJoinRequest>,
        unread: Vec<(String, String)>,
    },
}

/// Why a fetch could not read: the message, and the class of the error (`auth`, `permission`,
/// `transient`, `group`, … as `api::ErrorClass::as_str` names them; `stopped` when the job
/// was stopped or cancelled for another reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FetchError {
    pub message: String,
    pub class: &'static str,
    pub code: Option<i64>,
}

/// What the engine is asked to do. Jobs of different kinds run side by side; a second submit
/// or sync while one runs is refused with a warning; a fetch replaces an earlier one of the
/// same read.
#[derive(Clone, Debug)]
pub enum Command {
    Submit(Scope),
    /// Read every group and its members into the mirror.
    Sync,
    /// Read something for the operator (through the same call policy), answered with
    /// [`Event::Fetched`].
    Fetch(Fetch),
    /// Stop taking new requests; what is in flight is settled, the rest stays pending.
    Cancel,
    Pause,
    Resume,
}

/// A request the engine sent, as the log pane shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestInfo {
    pub seq: u64,
    pub method: &'static str,
    pub group_id: String,
    pub kind: Option<OperationKind>,
    pub participants: usize,
    pub attempt: u32,
}

/// Counts of a run, for progress lines and the status bar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub operations: usize,
    pub confirmed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Not settled: not reached, put back, or taken by the server and not confirmed yet (held
    /// back ones are counted in `held`).
    pub pending: usize,
    /// Held back by the plan (they stay pending, and are not work of this run: a run that
    /// settles everything else is done).
    pub held: usize,
    pub in_flight_requests: usize,
    /// Every request sent, retries and reads included.
    pub requests_sent: usize,
    /// Of `requests_sent`, the reads (a change confirmed by reading its group, a group read
    /// before a change is sent again): the plan counts only the writes.
    pub reads_sent: usize,
    pub throttled: usize,
    /// Of the settled operations, those a webhook settled (no read was needed for them).
    pub by_webhook: usize,
}

/// The end of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub progress: Progress,
    /// Failed operations counted by reason (`131203 recipient has not accepted…`).
    pub failed_by_reason: BTreeMap<String, usize>,
    pub skipped_by_reason: BTreeMap<String, usize>,
    pub held_by_reason: BTreeMap<String, usize>,
    pub cancelled: bool,
    /// Why the run stopped early (a refused token, a store error), if it did.
    pub stopped: Option<String>,
    /// The class of the server's error that stopped it (`auth`, `permission`, `transient` for
    /// a server that cannot be reached), when one did.
    pub stopped_class: Option<String>,
    /// It did not start: another process is sending for this account.
    pub another_sender: bool,
    pub elapsed_ms: u64,
}

/// What the engine reports, in order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A run began: this many operations, this many requests planned, and this many changes
    /// that fail unsent because their group is gone from the server (deleted, or a wrong id).
    RunStarted {
        operations: usize,
        requests: usize,
        failing: usize,
    },
    /// Operations left by an earlier run (`sending` or `accepted`) are being settled.
    Recovering {
        operations: usize,
        groups: usize,
    },
    /// One request of the plan; its participants as shown (`domain::Person::label`): for the
    /// kinds that change no participant, whom they name (a join request's asker), if anyone.
    BatchPlanned {
        group_id: String,
        kind: OperationKind,
        participants: Vec<String>,
    },
    /// An operation stays pending, with the reason; the change as a phrase
    /// (`OpSpec::describe`: `add +12125550100`, `approve US.1349… @nora_b7`).
    Held {
        op: OpId,
        group_id: String,
        change: String,
        reason: String,
    },
    RequestSent(RequestInfo),
    /// A request of any job, read or write, left or came back: how many are out now (the
    /// whole engine), and how many were sent so far.
    Wire {
        in_flight: usize,
        sent: usize,
    },
    Answer {
        request: RequestInfo,
        status: Option<u16>,
        code: Option<i64>,
        message: String,
        duration_ms: u64,
        /// The server's ids of the request and of its error, when it gave them.
        request_id: Option<String>,
        fbtrace_id: Option<String>,
    },
    /// The request will be sent again after `delay`.
    RetryScheduled {
        request: RequestInfo,
        delay_ms: u64,
        reason: String,
    },
    /// The server throttled: this request is retried after `pause_ms`, and the whole run
    /// slows to `rate`.
    Throttled {
        pause_ms: u64,
        rate: Option<f64>,
    },
    /// What became of one operation; its participant as shown.
    Outcome {
        op: OpId,
        group_id: String,
        participant: String,
        /// What the change names or sets, in a few words ([`crate::domain::OpSpec::detail`]):
        /// the person, a create's subject (`"Spring cohort"`), a new subject; empty for a
        /// delete and the link changes. Made safe for a terminal.
        detail: String,
        kind: OperationKind,
        state: OperationState,
        code: Option<i64>,
        message: Option<String>,
    },
    Progress(Progress),
    Paused,
    Resumed,
    /// A warning that does not stop the run.
    Warning {
        message: String,
    },
    /// Changes the server took whose group could not be read to confirm them: they stay
    /// taken, settled at the next submit (or by their webhooks).
    Unconfirmed {
        /// The group read for them; empty for the group list (a create's).
        group_id: String,
        /// What was read: `members`, `join requests`, `group list`.
        read: &'static str,
        changes: usize,
        /// Why the read failed, as the call policy gave up on it.
        error: String,
    },
    /// A job stopped for a reason the operator must fix before anything can be sent or read:
    /// the token refused (`class` `auth`), a permission missing (`permission`), the server
    /// not reached (`transient`). Until a later request is answered, nothing will work.
    Halted {
        class: &'static str,
        message: String,
    },
    SyncStarted,
    SyncProgress {
        done: usize,
        total: usize,
    },
    /// The sync ended: counts, the groups it could not read (id and why), or why it could not
    /// list the groups.
    SyncFinished {
        listed: usize,
        read: usize,
        gone: usize,
        unread: usize,
        unread_groups: Vec<crate::engine::sync::UnreadGroup>,
        error: Option<String>,
    },
    /// A fetch ended: what it read, or why it could not.
    Fetched {
        fetch: Fetch,
        result: Result<Fetched, FetchError>,
    },
    RunFinished(Summary),
}

impl Event {
    pub fn delay_ms(d: Duration) -> u64 {
        u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
    }
}
