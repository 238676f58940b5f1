//! What `update` takes (messages: input, engine events, results of effects) and what it gives
//! back (effects, carried out by the app loop).

use std::collections::BTreeMap;

use crossterm::event::KeyEvent;

use crate::domain::OpSpec;
use crate::domain::plan::Plan;
use crate::domain::{OperationState, Person, Query};
use crate::engine::{Command, Event, Scope};
use crate::store::{EnqueueReport, EventRecord, GroupSummary, OpId, Undone};

use super::action::Action;
use super::model::GroupDetail;

/// Why a plan was asked for.
/// How many outcomes of earlier runs the log shows when the app starts.
pub const HISTORY_LINES: usize = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanFor {
    /// The preview popup.
    Preview,
    /// The confirm dialog before a submit.
    Submit,
}

/// Something that happened: a key, a paste, a resize, an engine event, or data read.
#[derive(Clone, Debug)]
pub enum Msg {
    /// A key press, resolved at the edge ([`super::State::key`]): the keymap's action in the
    /// context it was pressed in, and the key itself for typing.
    Key {
        action: Option<Action>,
        key: KeyEvent,
    },
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// The spinner's tick while work is in flight; `at` is the time (ms since the epoch).
    Tick {
        at: i64,
    },
    /// An engine event and when the app received it (ms since the epoch).
    Engine {
        at: i64,
        event: Event,
    },
    /// The engine's channel closed.
    EngineGone,
    /// The store changed underneath (another process queued or sent, a receiver wrote):
    /// every view reloads what it shows.
    StoreChanged,
    Loaded(Loaded),
}

/// What an effect read or did, fed back to `update`.
#[derive(Clone, Debug)]
pub enum Loaded {
    Groups(Vec<GroupSummary>),
    /// The group pane's content; `None` when the group is not in the mirror.
    Group(String, Option<GroupDetail>),
    Counts(BTreeMap<OperationState, usize>),
    /// The groups a searched person is in (ids, each with the member as that group lists
    /// them), for the filter `query` that asked.
    PersonGroups {
        query: String,
        person: Query,
        groups: Vec<(String, Person)>,
        /// The groups with an add of theirs still pending (held back ones too), each with the
        /// operation: a removal from all their groups withdraws these.
        adding: Vec<(String, OpId)>,
    },
    Plan {
        purpose: PlanFor,
        scope: Scope,
        plan: Plan,
    },
    Enqueued {
        report: EnqueueReport,
        /// Numbers that were typed but did not parse (not queued), each as
        /// `"<input>": <reason>`.
        invalid: Vec<String>,
    },
    /// Each operation asked for, the change it was (when the store still had it), and what
    /// undoing it did.
    Undone(Vec<(OpId, Option<crate::domain::OpSpec>, Result<Undone, String>)>),
    /// Failed changes queued again (no report: there was none to retry), those left failed
    /// with why (their group is gone), and those queued again that the server had refused.
    Retried(crate::engine::retry::Retried),
    /// The newest participant outcomes of the runs before the app started, oldest first.
    /// Each with what it set, for a change that names no one (`"Readers"` of a rename).
    History(Vec<(crate::store::Outcome, Option<String>)>),
    /// Webhook events processed since the place asked for (none when it asked for the latest
    /// place only), and the place they reach.
    Events {
        records: Vec<EventRecord>,
        latest: Option<i64>,
    },
    /// A group's settings, invite link and pending join requests (`None`: not in the mirror).
    JoinRequests(String, Option<super::views::requests::RequestsDetail>),
    /// Changes queued and handed to the engine at once (what the queue rules did), or why not.
    Sending(Result<EnqueueReport, String>),
    /// A store call failed.
    StoreError(String),
}

/// Which failed changes to queue again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryOf {
    /// Every failed change of these groups.
    Groups(Vec<String>),
    /// These changes (those that failed).
    Operations(Vec<OpId>),
}

/// What `update` asks the loop to do.
#[derive(Clone, Debug)]
pub enum Effect {
    Engine(Command),
    LoadGroups,
    LoadGroup(String),
    LoadCounts,
    FindPerson {
        query: String,
        person: Query,
    },
    Plan {
        purpose: PlanFor,
        scope: Scope,
    },
    Enqueue {
        ops: Vec<OpSpec>,
        /// The typed pieces that are no number, each as `"<input>": <reason>` (not queued).
        invalid: Vec<String>,
    },
    Undo(Vec<OpId>),
    /// Queue failed changes again (each a new pending change; the failed one stays).
    Retry(RetryOf),
    /// The newest participant outcomes stored before the app started ([`HISTORY_LINES`]).
    LoadHistory,
    /// The webhook events processed after this place in the processing order; `None`: only
    /// where processing has got to (at start, so old events are not replayed).
    LoadEvents {
        after: Option<i64>,
    },
    /// Queue these changes and submit exactly them at once (a dialog's or a confirm's).
    Send {
        ops: Vec<OpSpec>,
    },
    /// Read a group's settings, invite link and pending join requests from the store.
    LoadJoinRequests(String),
    /// Put text on the terminal's clipboard (OSC 52), from the app loop itself.
    Copy(String),
    Quit,
}
