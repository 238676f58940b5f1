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
    let state = State::new(&l.account, &l.api_version, l.region, l.keymap);
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
    let open = app.open_operations();
    if open > 0 {
        // The terminal may be gone (a hang-up): never panic on a failed write.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "wa-groups: {open} change(s) were in flight; the next submit settles them"
        );
    }
    Ok(Outcome::Done)
}
