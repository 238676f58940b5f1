//! What can go wrong with a call, and the class of each Graph error code.

use std::time::Duration;

/// How the tool must react to an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// The call rate is too high: back off, then send again.
    Throttled,
    /// Temporary trouble at the server or on the way: retry a few times.
    Transient,
    /// The token is invalid or expired: ask for a new one.
    Auth,
    /// The token lacks a permission.
    Permission,
    /// The group cannot take this change (unknown, suspended, full).
    GroupPermanent,
    /// One participant (or join request) cannot be changed: terms not accepted, not a member,
    /// no such join request.
    Participant,
    /// The business number cannot do this (§1.11): the group limit reached (131211), creation
    /// disabled for now (131214), not eligible for the Groups API (131215). Not retried.
    Account,
    /// The request itself was wrong.
    BadRequest,
    /// A code this tool does not know: not retried.
    Unknown,
}

impl ErrorClass {
    /// Classifies a Graph error code (and `is_transient`, and the HTTP status when the code
    /// says nothing) by the table of codes the Groups API answers with.
    pub fn of(code: i64, is_transient: Option<bool>, status: u16) -> ErrorClass {
        match code {
            131208 | 4 | 17 | 32 | 341 | 613 | 80007 => ErrorClass::Throttled,
            1 | 2 | 131000 | 131016 | 133004 => ErrorClass::Transient,
            0 | 102 | 104 | 190 => ErrorClass::Auth,
            3 | 10 | 200..=299 => ErrorClass::Permission,
            131020 | 131041 | 131204 | 131207 => ErrorClass::GroupPermanent,
            131201 | 131203 | 131212 | 131213 => ErrorClass::Participant,
            131211 | 131214 | 131215 => ErrorClass::Account,
            // 131059, a bad paging cursor, is answered by reading the list again from its
            // first page (`engine::listing`); 131209 and 131210, a photo that is not square or
            // too small, are refused before sending.
            100 | 131008 | 131009 | 131059 | 131202 | 131209 | 131210 => ErrorClass::BadRequest,
            _ if is_transient == Some(true) => ErrorClass::Transient,
            _ if status == 429 => ErrorClass::Throttled,
            _ if status >= 500 => ErrorClass::Transient,
            _ if status == 401 => ErrorClass::Auth,
            _ if status == 403 => ErrorClass::Permission,
            _ => ErrorClass::Unknown,
        }
    }

    /// Whether sending the same request again later may succeed.
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorClass::Throttled | ErrorClass::Transient)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Throttled => "throttled",
            ErrorClass::Transient => "transient",
            ErrorClass::Auth => "auth",
            ErrorClass::Permission => "permission",
            ErrorClass::GroupPermanent => "group",
            ErrorClass::Participant => "participant",
            ErrorClass::Account => "account",
            ErrorClass::BadRequest => "bad request",
            ErrorClass::Unknown => "unknown",
        }
    }
}

/// One participant that a group call could not change (from a 206 or 400 answer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParticipantFailure {
    /// The `user` as it was sent (`+15551234567` or a wa_id).
    pub user: String,
    pub code: Option<i64>,
    pub message: String,
}

/// The Graph API's error envelope, read leniently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    pub status: u16,
    pub code: i64,
    pub subcode: Option<i64>,
    pub error_type: Option<String>,
    pub message: String,
    pub details: Option<String>,
    pub fbtrace_id: Option<String>,
    pub is_transient: Option<bool>,
    pub request_id: Option<String>,
    /// How long the server asks us to wait (`Retry-After`, or the business use case estimate).
    pub retry_after: Option<Duration>,
    pub failed_participants: Vec<ParticipantFailure>,
}

impl GraphError {
    pub fn class(&self) -> ErrorClass {
        ErrorClass::of(self.code, self.is_transient, self.status)
    }
}

impl std::fmt::Display for GraphError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Graph error {}", self.code)?;
        if let Some(sub) = self.subcode {
            write!(f, "/{sub}")?;
        }
        write!(f, " (HTTP {}): {}", self.status, self.message)?;
        if let Some(details) = &self.details
            && !details.is_empty()
            && details != &self.message
        {
            write!(f, " — {details}")?;
        }
        if let Some(trace) = &self.fbtrace_id {
            write!(f, " [fbtrace_id {trace}]")?;
        }
        Ok(())
    }
}

/// Every way a call can fail. None of them carries the token.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ApiError {
    /// The settings cannot work (bad URL, plain http to a remote host, bad version).
    #[error("{0}")]
    Config(String),
    /// The request was refused before anything was sent.
    #[error("{0}")]
    Invalid(String),
    /// The server answered with a Graph error.
    #[error("{0}")]
    Graph(Box<GraphError>),
    /// The server answered with something that is not the JSON expected (an HTML error page,
    /// an empty 500, a truncated body).
    #[error("HTTP {status} with a body that is not the expected JSON: {excerpt}")]
    NotJson { status: u16, excerpt: String },
    /// The answer was larger than the limit.
    #[error("HTTP {status}: the answer is larger than {limit} bytes; not read")]
    TooLarge { status: u16, limit: usize },
    /// The server's answers went past a bound the tool sets on what it reads (the number of
    /// groups or pages of the group list); what was read is dropped.
    #[error("{0}")]
    Limit(String),
    /// A read answered with JSON of the right shape that cannot be used as it is (a group id
    /// that is no id, a group without its members): asking again would give the same.
    #[error("the server's answer cannot be used: {0}")]
    BadAnswer(String),
    /// No connection could be made: nothing was sent.
    #[error("cannot connect to {host}: {reason}")]
    Connect { host: String, reason: String },
    /// The request may have reached the server, but no (whole) answer came back: its outcome
    /// is unknown and must be settled by reading the group.
    #[error("no answer from the server ({reason}): the outcome is unknown")]
    NoAnswer { reason: String },
    /// No answer within the request timeout: the outcome is unknown.
    #[error("no answer within {0:?}: the outcome is unknown")]
    Timeout(Duration),
}

impl ApiError {
    pub fn class(&self) -> ErrorClass {
        match self {
            ApiError::Config(_) | ApiError::Invalid(_) => ErrorClass::BadRequest,
            ApiError::Limit(_) | ApiError::BadAnswer(_) => ErrorClass::Unknown,
            ApiError::Graph(g) => g.class(),
            // A body that could not be read: a 2xx is worth asking again (it is settled by
            // reading the group), otherwise the status decides.
            ApiError::NotJson { status, .. } | ApiError::TooLarge { status, .. }
                if (200..300).contains(status) =>
            {
                ErrorClass::Transient
            }
            ApiError::NotJson { status, .. } | ApiError::TooLarge { status, .. } => {
                ErrorClass::of(-1, None, *status)
            }
            ApiError::Connect { .. } | ApiError::NoAnswer { .. } | ApiError::Timeout(_) => {
                ErrorClass::Transient
            }
        }
    }

    /// True when a write may or may not have been applied: the server must be asked.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::NoAnswer { .. } | ApiError::Timeout(_) => true,
            // A 2xx we could not read was still an answer that something happened.
            ApiError::NotJson { status, .. } | ApiError::TooLarge { status, .. } => {
                (200..300).contains(status)
            }
            _ => false,
        }
    }

    /// The Graph error code, when the server gave one.
    pub fn code(&self) -> Option<i64> {
        match self {
            ApiError::Graph(g) => Some(g.code),
            _ => None,
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Graph(g) => Some(g.status),
            ApiError::NotJson { status, .. } | ApiError::TooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Graph(g) => g.retry_after,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_has_its_class() {
        use ErrorClass::*;
        let table: &[(i64, u16, ErrorClass)] = &[
            (131041, 400, GroupPermanent),
            (131201, 206, Participant),
            (131202, 400, BadRequest),
            (131203, 400, Participant),
            (131204, 400, GroupPermanent),
            (131207, 403, GroupPermanent),
            (131208, 429, Throttled),
            (131212, 400, Participant),
            (131213, 400, Participant),
            (131020, 400, GroupPermanent),
            (131059, 400, BadRequest),
            (131209, 400, BadRequest),
            (131210, 400, BadRequest),
            (131211, 400, Account),
            (131214, 400, Account),
            (131215, 400, Account),
            (4, 400, Throttled),
            (17, 400, Throttled),
            (341, 400, Throttled),
            (80007, 429, Throttled),
            (1, 500, Transient),
            (2, 503, Transient),
            (131000, 500, Transient),
            (131016, 503, Transient),
            (133004, 503, Transient),
            (0, 401, Auth),
            (190, 401, Auth),
            (3, 403, Permission),
            (10, 403, Permission),
            (200, 403, Permission),
            (299, 403, Permission),
            (100, 400, BadRequest),
            (131008, 400, BadRequest),
            (131009, 400, BadRequest),
        ];
        for &(code, status, want) in table {
            assert_eq!(ErrorClass::of(code, None, status), want, "code {code}");
        }
    }

    #[test]
    fn unknown_codes_fall_back_on_flags_and_status() {
        assert_eq!(ErrorClass::of(999, Some(true), 400), ErrorClass::Transient);
        assert_eq!(ErrorClass::of(999, None, 429), ErrorClass::Throttled);
        assert_eq!(ErrorClass::of(999, None, 502), ErrorClass::Transient);
        assert_eq!(ErrorClass::of(999, None, 400), ErrorClass::Unknown);
        assert!(!ErrorClass::Unknown.is_retryable());
    }

    #[test]
    fn unreadable_answers_are_classed_by_status() {
        let html = ApiError::NotJson {
            status: 502,
            excerpt: "<html>".into(),
        };
        assert_eq!(html.class(), ErrorClass::Transient);
        assert!(!html.outcome_unknown());
        let ok_garbage = ApiError::NotJson {
            status: 200,
            excerpt: "<html>".into(),
        };
        assert!(ok_garbage.outcome_unknown());
        assert!(
            ApiError::NoAnswer {
                reason: "reset".into()
            }
            .outcome_unknown()
        );
    }
}
