//! What the operator reads, in one place: pure functions from domain, store and engine values
//! to lines of text with a tone. The commands print the text; the app colours it by tone. One
//! sentence per fact, so the command line and the app never say one thing two ways.

pub mod columns;
mod detail;
mod enqueue;
mod event;
mod line;
mod operation;
mod outcome;
mod plan;
mod problem;
mod queue_counts;
mod reason;
mod subject;
mod summary;

pub use detail::{event_detail, member_detail, operation_detail};
pub use enqueue::enqueue_lines;
pub use event::{event_line, event_sentence, settled_text, unconfirmed_text};
pub use line::{Line, Tone, words};
pub use operation::{change_phrase, kind_words, note};
pub use outcome::{outcome_detail, outcome_line, outcome_person};
pub use plan::{
    PlanCounts, change_text, failing_note, failing_unsent, followed_lines, held_note,
    kept_failed_lines, leftover_lines, plan_counts, plan_footer, plan_lines, refused_before_lines,
    request_line, send_counts, send_question, unqueued_leftover_lines, unsettled_note,
};
pub use problem::{Problem, problem};
pub use queue_counts::{queue_counts, retried_failures};
pub use reason::server_reason;
pub use subject::subject_shared;
pub use summary::summary_lines;
