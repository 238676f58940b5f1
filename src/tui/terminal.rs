//! The real terminal: raw mode, alternate screen and bracketed paste on the way in, all undone
//! on every way out (normal, error, panic); terminal input read on its own thread.

use std::io::stdout;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event as TermEvent};
use crossterm::execute;
use tokio::sync::mpsc::{self, UnboundedReceiver};

use super::app::{App, Ended};
use crate::engine::Event;

/// Restores the terminal when dropped, whatever the way out.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableBracketedPaste);
        // Not `restore`, which prints its error: with the terminal gone (SIGHUP) that print
        // would panic.
        let _ = ratatui::try_restore();
    }
}

/// Reads terminal events on a plain thread (it blocks) and forwards them. The thread ends at
/// the first read error or when the app is gone.
fn spawn_input() -> UnboundedReceiver<TermEvent> {
    let (tx, rx) = mpsc::unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            while let Ok(event) = crossterm::event::read() {
                if tx.send(event).is_err() {
                    break;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the input thread");
    }
    rx
}

/// Runs the app on the terminal until the operator quits.
pub async fn run(app: &mut App, mut events: UnboundedReceiver<Event>) -> std::io::Result<Ended> {
    // ratatui's init installs a panic hook that restores the terminal before the report.
    let mut terminal = ratatui::try_init()?;
    let _restore = Restore;
    execute!(stdout(), EnableBracketedPaste)?;
    let mut input = spawn_input();
    let mut signalled = false;
    let ended = tokio::select! {
        ended = app.run_with(&mut terminal, &mut input, &mut events) => ended,
        signal = hang_up_or_terminate() => {
            tracing::info!(signal, "leaving on a signal");
            signalled = true;
            Ok(Ended::Quit)
        }
    };
    app.cancel();
    if signalled {
        // The terminal may be gone: ratatui's `Terminal` prints to stderr when it cannot show
        // the cursor on drop, and that print would panic. The process ends soon anyway.
        std::mem::forget(terminal);
    }
    ended
}

/// Resolves when the terminal goes away (SIGHUP) or the process is asked to end (SIGTERM), so
/// that the app still leaves cleanly: engine cancelled, terminal restored, temporary files
/// removed.
async fn hang_up_or_terminate() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut hup), Ok(mut term)) = (
        signal(SignalKind::hangup()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = hup.recv() => "SIGHUP",
        _ = term.recv() => "SIGTERM",
    }
}
