//! Ctrl-C for a command's whole run: one SIGINT listener set up before the work starts, so an
//! interrupt that comes while the command is busy (printing, settling) is still seen.

use tokio::signal::unix::{Signal, SignalKind, signal};

/// The interrupts (SIGINT) a command receives from the moment it is made. Unlike a fresh
/// `tokio::signal::ctrl_c()` on each turn of a loop, which only sees a signal that comes while
/// it waits, a signal that comes between two waits is kept for the next.
pub struct Interrupts(Option<Signal>);

impl Interrupts {
    /// Starts listening. Where no listener can be set up, SIGINT keeps its default (the
    /// process ends) and [`Interrupts::next`] never resolves.
    pub fn listen() -> Interrupts {
        Interrupts(signal(SignalKind::interrupt()).ok())
    }

    /// Resolves at the next interrupt not yet taken.
    pub async fn next(&mut self) {
        match &mut self.0 {
            Some(signal) => {
                signal.recv().await;
            }
            None => std::future::pending().await,
        }
    }
}
