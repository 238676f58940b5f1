//! People in the demo: while the app runs, now and then someone joins a group by its invite
//! link, or asks to join one that needs approval (the sandbox's user hooks), and the group is
//! read again so the app shows it (the mirror changes; the app reloads).

use std::sync::Arc;
use std::time::Duration;

use crate::engine::{Command, EngineConfig, Fetch};
use crate::sandbox::{Sandbox, User};
use crate::session::Session;

/// How often someone comes along.
const EVERY: Duration = Duration::from_secs(5);

/// Starts the people; abort the task to stop them.
pub fn start(sandbox: Arc<Sandbox>, session: Session) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Ok((engine, mut events)) = session.engine(EngineConfig::default()) else {
            return;
        };
        // The reads' events are not needed: the mirror is what the app follows.
        tokio::spawn(async move { while events.recv().await.is_some() {} });
        let mut n: u32 = 0;
        loop {
            tokio::time::sleep(EVERY).await;
            n += 1;
            let phone = format!("+1212300{:04}", n % 10_000);
            let user = User {
                phone: &phone,
                username: None,
                hide_phone: None,
            };
            let ask = n.is_multiple_of(2);
            let wanted = if ask {
                "approval_required"
            } else {
                "auto_approve"
            };
            let Some(group) = sandbox.group_ids().into_iter().find(|g| {
                sandbox.group(g).is_some_and(|v| {
                    v.join_approval_mode == wanted && !v.suspended && v.members.len() < 8
                })
            }) else {
                continue;
            };
            let Some(link) = sandbox.invite_link(&group) else {
                continue;
            };
            let done = if ask {
                sandbox.ask_to_join(&link, &user).map(|_| ())
            } else {
                sandbox.join_by_link(&link, &user).map(|_| ())
            };
            if done.is_ok() {
                tracing::info!(%group, ask, "demo: someone came by the link");
                engine.send(Command::Fetch(Fetch::Group(group.clone())));
                if ask {
                    engine.send(Command::Fetch(Fetch::JoinRequests(Some(group))));
                }
            }
        }
    })
}
