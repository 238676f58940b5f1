//! What goes into the engine (commands) and what comes out (events).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::domain::{OperationKind, OperationState};

/// Which pending operations a submit takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Groups(Vec<String>),
    Operations(Vec<i64>),
}

/// What the engine is asked to do.
#[derive(Clone, Debug)]
pub enum Command {
    Submit(Scope),
    /// Read every group and its members into the mirror.
    Sync,
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
    /// Still pending: held back, not reached, or put back.
    pub pending: usize,
    pub in_flight_requests: usize,
    pub requests_sent: usize,
    pub throttled: usize,
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
    /// It did not start: another process is sending for this account.
    pub another_sender: bool,
    pub elapsed_ms: u64,
}

/// What the engine reports, in order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A run began: this many operations, this many requests planned.
    RunStarted {
        operations: usize,
        requests: usize,
    },
    /// Operations left by an earlier run (`sending` or `accepted`) are being settled.
    Recovering {
        operations: usize,
        groups: usize,
    },
    /// One request of the plan.
    BatchPlanned {
        group_id: String,
        kind: OperationKind,
        participants: Vec<String>,
    },
    /// An operation stays pending, with the reason.
    Held {
        op: i64,
        group_id: String,
        participant: String,
        reason: String,
    },
    RequestSent(RequestInfo),
    Answer {
        request: RequestInfo,
        status: Option<u16>,
        code: Option<i64>,
        message: String,
        duration_ms: u64,
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
    /// What became of one operation.
    Outcome {
        op: i64,
        group_id: String,
        participant: String,
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
    SyncStarted,
    SyncProgress {
        done: usize,
        total: usize,
    },
    /// The sync ended: counts, or why it could not list the groups.
    SyncFinished {
        listed: usize,
        read: usize,
        gone: usize,
        unread: usize,
        error: Option<String>,
    },
    RunFinished(Summary),
}

impl Event {
    pub fn delay_ms(d: Duration) -> u64 {
        u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
    }
}
