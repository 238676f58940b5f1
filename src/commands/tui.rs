//! `tui` (and no subcommand at all): the terminal app on the configured account.

use std::io::IsTerminal;

use crate::config::Settings;
use crate::domain::Region;
use crate::engine::EngineConfig;
use crate::exit::{Failure, Outcome};
use crate::logging;
use crate::session::Session;
use crate::tui::{App, Keymap, State, terminal};

/// Whether the app asks for a sync as it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncAtStart {
    Always,
    /// Only when the mirror has no group yet (a first run).
    IfEmpty,
}

/// What the app opens on.
pub struct Launch {
    pub session: Session,
    /// How the status bar names the account.
    pub account: String,
    pub api_version: String,
    pub region: Option<Region>,
    pub keymap: Keymap,
    pub sync: SyncAtStart,
    /// How long a submit waits for a change's webhook before reading its group.
    pub webhook_wait: Option<std::time::Duration>,
    /// The store ends with the app (the demo's): what was in flight is not settled later.
    pub ephemeral: bool,
}

pub async fn run(settings: &Settings) -> Result<Outcome, Failure> {
    let keymap = load_keymap()?;
    let session = Session::online(settings).await?;
    launch(Launch {
        session,
        account: settings.phone_number_id.clone().unwrap_or_default(),
        api_version: settings.api_version.clone(),
        region: settings.default_region,
        keymap,
        sync: SyncAtStart::IfEmpty,
        webhook_wait: settings.webhook_wait,
        ephemeral: false,
    })
    .await
}

/// `keymap.toml` from the config directory over the defaults; a bad file is a one-line error
/// naming the file and line (exit 2).
pub fn load_keymap() -> Result<Keymap, Failure> {
    match logging::config_dir() {
        Some(dir) => Keymap::load(&dir).map_err(Failure::input),
        None => Ok(Keymap::defaults()),
    }
}

/// Starts the engine and runs the app on this terminal until the operator quits.
pub async fn launch(l: Launch) -> Result<Outcome, Failure> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Failure::input(
            "the terminal app needs a terminal; in scripts use the subcommands (wa-groups --help)",
        ));
    }
    let log_dir = logging::data_dir()
        .ok_or_else(|| Failure::input("no data directory for the log file (is HOME set?)"))?;
    logging::init(&log_dir).map_err(|e| {
        Failure::input(format!(
            "cannot open the log file in {}: {e}",
            log_dir.display()
        ))
    })?;
    tracing::info!(account = %l.account, "terminal app starting");
    let (engine, events) = l.session.engine(EngineConfig {
        webhook_wait: l.webhook_wait,
        ..EngineConfig::default()
    })?;
    let mut state = State::new(&l.account, &l.api_version, l.region, l.keymap);
    state.shared.ephemeral = l.ephemeral;
    let mut app = App::new(state, l.session.store().clone(), engine);
    app.start();
    app.settle().await;
    if l.sync == SyncAtStart::Always || app.mirror_is_empty() {
        app.sync();
    }
    terminal::run(&mut app, events)
        .await
        .map_err(|e| Failure::input(format!("terminal: {e}")))?;
    tracing::info!("terminal app closed");
    if let Some(note) = in_flight_note(app.open_operations(), l.ephemeral) {
        // The terminal may be gone (a hang-up): never panic on a failed write.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "wa-groups: {note}");
    }
    Ok(Outcome::Done)
}

/// What the app says on leaving with `open` changes in flight: that the next submit settles
/// them, or, when its store ends with it (the demo), that nothing will.
fn in_flight_note(open: usize, ephemeral: bool) -> Option<String> {
    match (open, ephemeral) {
        (0, _) => None,
        (n, false) => Some(format!(
            "{n} change(s) were in flight; the next submit settles them"
        )),
        (n, true) => Some(format!(
            "{n} change(s) were in flight when the demo ended; its sandbox and store end with it"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::in_flight_note;

    #[test]
    fn leaving_with_changes_in_flight_says_what_becomes_of_them() {
        assert_eq!(in_flight_note(0, false), None);
        assert_eq!(
            in_flight_note(3, false).as_deref(),
            Some("3 change(s) were in flight; the next submit settles them")
        );
        let demo = in_flight_note(2, true).unwrap_or_default();
        assert!(demo.contains("when the demo ended"), "{demo}");
        assert!(!demo.contains("next submit"), "{demo}");
    }
}
