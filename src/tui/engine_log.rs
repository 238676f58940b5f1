//! Engine events into the state: log lines (time-stamped, with a tone), the status bar's facts,
//! and the reloads an event calls for.

use crate::domain::OperationState;
use crate::domain::text::sanitize;
use crate::engine::{Event, RequestInfo};

use super::msg::Effect;
use super::state::{State, Work};
use super::text::{Line, Tone};

/// How many send times the rate is computed from.
const RATE_SAMPLES: usize = 256;
/// The window of the rate shown, in ms.
pub const RATE_WINDOW_MS: i64 = 5_000;

fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

fn request(state: &State, r: &RequestInfo) -> String {
    let attempt = if r.attempt > 1 {
        format!(" (try {})", r.attempt)
    } else {
        String::new()
    };
    format!(
        "{} {} ×{}{attempt}",
        r.method,
        state.group_label(&r.group_id),
        r.participants
    )
}

/// Takes one engine event received at `at`.
pub fn engine_event(state: &mut State, at: i64, event: Event) -> Vec<Effect> {
    state.status.now = state.status.now.max(at);
    let mut effects = Vec::new();
    let (tone, text) = match event {
        Event::RunStarted {
            operations,
            requests,
        } => {
            if !matches!(state.work, Work::Submitting { .. } | Work::Cancelling) {
                state.work = Work::Submitting { groups: None };
            }
            (
                Tone::Info,
                format!("run started: {operations} change(s) in {requests} request(s)"),
            )
        }
        Event::Recovering { operations, groups } => (
            Tone::Warn,
            format!(
                "settling {operations} change(s) left in flight by an earlier run, in {groups} group(s)"
            ),
        ),
        Event::BatchPlanned {
            group_id,
            kind,
            participants,
        } => (
            Tone::Dim,
            format!(
                "planned {} {}: {}",
                kind.http_method(),
                state.group_label(&group_id),
                participants
                    .iter()
                    .map(|p| sanitize(p))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ),
        Event::Held {
            op,
            group_id,
            participant,
            reason,
        } => (
            Tone::Warn,
            format!(
                "held #{op} {} in {}: {}",
                sanitize(&participant),
                state.group_label(&group_id),
                sanitize(&reason)
            ),
        ),
        Event::RequestSent(info) => {
            if state.status.sent_at.len() == RATE_SAMPLES {
                state.status.sent_at.pop_front();
            }
            state.status.sent_at.push_back(at);
            (Tone::Dim, format!("→ {}", request(state, &info)))
        }
        Event::Answer {
            request: info,
            status,
            code,
            message,
            duration_ms,
        } => {
            let ok = status.is_some_and(|s| (200..300).contains(&s)) && code.is_none();
            let status = status.map_or("no answer".to_string(), |s| s.to_string());
            let code = code.map(|c| format!(" {c}")).unwrap_or_default();
            let message = if message.is_empty() {
                String::new()
            } else {
                format!(": {}", sanitize(&message))
            };
            (
                if ok { Tone::Good } else { Tone::Bad },
                format!(
                    "← {status}{code} {} in {duration_ms} ms{message}",
                    request(state, &info)
                ),
            )
        }
        Event::RetryScheduled {
            request: info,
            delay_ms,
            reason,
        } => (
            Tone::Warn,
            format!(
                "retry {} in {}: {}",
                request(state, &info),
                secs(delay_ms),
                sanitize(&reason)
            ),
        ),
        Event::Throttled { pause_ms, rate } => {
            state.status.throttle = Some((at, pause_ms, rate));
            let rate = rate
                .map(|r| format!(", pace now {r:.1}/s"))
                .unwrap_or_default();
            (
                Tone::Warn,
                format!("throttled by the server: pausing {}{rate}", secs(pause_ms)),
            )
        }
        Event::Outcome {
            op,
            group_id,
            participant,
            kind,
            state: outcome,
            code,
            message,
        } => {
            if state.group.as_ref().is_some_and(|g| g.id == group_id) {
                effects.push(Effect::LoadGroup(group_id.clone()));
            }
            effects.push(Effect::LoadCounts);
            let tone = match outcome {
                OperationState::Confirmed => Tone::Good,
                OperationState::Failed => Tone::Bad,
                OperationState::Accepted => Tone::Info,
                OperationState::Skipped => Tone::Dim,
                OperationState::Pending | OperationState::Sending => Tone::Warn,
            };
            let why = match (code, message) {
                (Some(c), Some(m)) => format!(": {c} {}", sanitize(&m)),
                (Some(c), None) => format!(": {c}"),
                (None, Some(m)) => format!(": {}", sanitize(&m)),
                (None, None) => String::new(),
            };
            (
                tone,
                format!(
                    "{outcome} #{op} {kind} {} in {}{why}",
                    sanitize(&participant),
                    state.group_label(&group_id)
                ),
            )
        }
        Event::Progress(p) => {
            state.status.progress = Some(p);
            return effects;
        }
        Event::Paused => (Tone::Warn, "paused".into()),
        Event::Resumed => (Tone::Info, "resumed".into()),
        Event::Warning { message } => (Tone::Warn, sanitize(&message)),
        Event::SyncStarted => {
            state.work = Work::Syncing { done: 0, total: 0 };
            (Tone::Info, "sync started: reading every group".into())
        }
        Event::SyncProgress { done, total } => {
            if matches!(state.work, Work::Syncing { .. } | Work::SyncAsked) {
                state.work = Work::Syncing { done, total };
            }
            return effects;
        }
        Event::SyncFinished {
            listed,
            read,
            gone,
            unread,
            error,
        } => {
            if !matches!(state.work, Work::Cancelling) {
                state.work = Work::Idle;
            }
            effects.extend([Effect::LoadGroups, Effect::LoadCounts]);
            match error {
                Some(e) => (Tone::Bad, format!("sync failed: {}", sanitize(&e))),
                None => {
                    state.status.last_sync = Some(at);
                    let unread = if unread > 0 {
                        format!(", {unread} could not be read")
                    } else {
                        String::new()
                    };
                    (
                        if unread.is_empty() {
                            Tone::Good
                        } else {
                            Tone::Warn
                        },
                        format!(
                            "sync done: {listed} group(s) listed, {read} read, {gone} gone{unread}"
                        ),
                    )
                }
            }
        }
        Event::RunFinished(summary) => {
            if !matches!(state.work, Work::Cancelling) {
                state.work = Work::Idle;
            }
            effects.extend([Effect::LoadGroups, Effect::LoadCounts]);
            let p = &summary.progress;
            state.status.progress = Some(p.clone());
            if summary.another_sender {
                let why = sanitize(summary.stopped.as_deref().unwrap_or("another process"));
                state.notice = Some(Line::new(Tone::Bad, format!("not sent: {why}")));
                (Tone::Bad, format!("run refused: {why}"))
            } else {
                let end = if summary.cancelled {
                    "run cancelled"
                } else if summary.stopped.is_some() {
                    "run stopped"
                } else {
                    "run finished"
                };
                let stopped = summary
                    .stopped
                    .as_deref()
                    .map(|s| format!(" ({})", sanitize(s)))
                    .unwrap_or_default();
                let tone = if p.failed > 0 || summary.stopped.is_some() {
                    Tone::Bad
                } else if p.pending > 0 || summary.cancelled {
                    Tone::Warn
                } else {
                    Tone::Good
                };
                let line = format!(
                    "{end}{stopped} in {}: {} confirmed · {} failed · {} skipped · {} pending · {} request(s)",
                    secs(summary.elapsed_ms),
                    p.confirmed,
                    p.failed,
                    p.skipped,
                    p.pending,
                    p.requests_sent
                );
                state.log.push(at, tone, line);
                for (reason, n) in &summary.failed_by_reason {
                    state.log.push(
                        at,
                        Tone::Bad,
                        format!("  failed ×{n}: {}", sanitize(reason)),
                    );
                }
                for (reason, n) in &summary.held_by_reason {
                    state
                        .log
                        .push(at, Tone::Warn, format!("  held ×{n}: {}", sanitize(reason)));
                }
                return effects;
            }
        }
    };
    state.log.push(at, tone, text);
    effects
}
