//! The audit trail: every HTTP exchange and every participant outcome, for the log pane and
//! for the record. The access token has no column; text that might carry one is redacted.

use serde::{Deserialize, Serialize};

use super::{ExchangeId, UnixMs};
use crate::domain::{OpId, OperationKind, OperationState};

/// One HTTP request and what came of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub at: UnixMs,
    pub method: String,
    /// The request path (and query); an `access_token` parameter is blanked when stored.
    pub path: String,
    pub group_id: Option<String>,
    /// The participants of the request as sent (`+1555…, US.134…`: each one's `user`).
    pub participants: String,
    /// The HTTP status; `None` when no answer came (timeout, dropped connection).
    pub status: Option<u16>,
    /// The Graph API error code, when the answer carried one.
    pub graph_code: Option<i64>,
    pub request_id: Option<String>,
    pub duration_ms: u64,
    /// What went wrong, in words (redacted like the path).
    pub error: Option<String>,
}

/// A stored exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRecord {
    pub id: ExchangeId,
    pub exchange: Exchange,
}

/// What became of one participant of one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub at: UnixMs,
    pub group_id: String,
    /// The participant in one token: the phone in E.164 when known, else the BSUID
    /// (`domain::Person::user_ref`).
    pub participant: String,
    /// Their WhatsApp username, when known.
    pub username: Option<String>,
    pub action: OperationKind,
    pub result: OperationState,
    pub code: Option<i64>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub operation_id: Option<OpId>,
}

/// A stored outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeRecord {
    pub id: i64,
    pub outcome: Outcome,
}
