//! Many group reads at once: at most `concurrency` in flight, each through the call policy,
//! handed out as they end.

use std::collections::VecDeque;

use tokio::task::JoinSet;

use super::call::{Caller, ReadError};
use crate::api::{Answer, Call};

/// Reads of groups under way.
pub(crate) struct GroupReads {
    caller: Caller,
    waiting: VecDeque<String>,
    running: JoinSet<(String, Result<Answer, ReadError>)>,
    concurrency: usize,
}

impl GroupReads {
    pub(crate) fn new(caller: &Caller, groups: Vec<String>, concurrency: usize) -> GroupReads {
        GroupReads {
            caller: caller.clone(),
            waiting: groups.into(),
            running: JoinSet::new(),
            concurrency: concurrency.max(1),
        }
    }

    /// The next read to end (its group and what it gave); `None` when every read has ended.
    pub(crate) async fn next(&mut self) -> Option<(String, Result<Answer, ReadError>)> {
        while self.running.len() < self.concurrency {
            let Some(group) = self.waiting.pop_front() else {
                break;
            };
            let caller = self.caller.clone();
            self.running.spawn(async move {
                let read = caller
                    .read(&Call::GroupInfo {
                        group: group.clone(),
                    })
                    .await;
                (group, read)
            });
        }
        loop {
            match self.running.join_next().await? {
                Ok(done) => return Some(done),
                // A read task cannot panic short of a bug; its group is simply not read.
                Err(e) => tracing::error!(error = %e, "a group read stopped"),
            }
        }
    }

    /// Starts no more reads (those in flight still end).
    pub(crate) fn stop_starting(&mut self) {
        self.waiting.clear();
    }
}
