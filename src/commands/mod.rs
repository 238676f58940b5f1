//! Headless subcommands: thin, they parse, call the library and print.

/// Prints a line for the operator on standard output, as `println!` takes it: on a terminal
/// wrapped between words to its width (the lines it continues on indented 4 more), into a
/// pipe or a file whole. Not for JSON, CSV or a bare id a script reads.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::commands::table::print_lines([format!($($arg)*)])
    };
}

/// [`say!`] on standard error.
macro_rules! say_err {
    ($($arg:tt)*) => {
        for part in $crate::commands::table::fit_stderr(&format!($($arg)*)) {
            eprintln!("{part}");
        }
    };
}

pub mod crowd;
pub mod csv_out;
pub mod demo;
pub mod events;
mod exactly;
pub mod export;
mod file_input;
pub mod group_arg;
pub mod groups;
mod interrupt;
pub mod lifecycle;
pub mod local;
pub mod log;
pub mod participants;
pub mod queue;
pub mod requests;
pub mod submit;
mod table;
pub mod tui;
pub mod users;
pub mod webhook;

use crate::cli::{Cli, Command};
use crate::config::Settings;
use crate::exit::{Failure, Outcome};

/// Prints the one line that ends a failed command on standard error: on a terminal wrapped
/// between words to its width, else whole. `text` must be safe for a terminal already.
pub fn print_error(text: &str) {
    for part in table::fit_stderr(&format!("wa-groups: {text}")) {
        eprintln!("{part}");
    }
}

/// Runs the command the line asks for.
pub async fn run(cli: Cli) -> Result<Outcome, Failure> {
    // Every command but the sandbox keeps a log (the app opens its own as it starts). A log
    // that cannot be opened is no reason to stop the operator's work.
    if matches!(
        cli.command,
        Some(
            Command::Participants(_)
                | Command::Groups(_)
                | Command::Queue(_)
                | Command::Submit(_)
                | Command::Log(_)
                | Command::Webhook(_)
                | Command::Events(_)
                | Command::Requests(_)
        )
    ) && let Some(dir) = crate::logging::data_dir()
    {
        let _ = crate::logging::init(&dir);
    }
    let Some(command) = cli.command else {
        return tui::run(&Settings::resolve(&cli.global)?).await;
    };
    match command {
        Command::Sandbox(args) => {
            crate::sandbox::run_cli(args.config)
                .await
                .map_err(|e| Failure::input(format!("sandbox: {e}")))?;
            Ok(Outcome::Done)
        }
        Command::Tui => tui::run(&Settings::resolve(&cli.global)?).await,
        Command::Demo(args) => demo::run(args, &cli.global).await,
        Command::Participants(cmd) => {
            let settings = Settings::resolve(&cli.global)?;
            participants::run(&settings, cmd).await
        }
        Command::Groups(cmd) => {
            let settings = Settings::resolve(&cli.global)?;
            groups::run(&settings, cmd).await
        }
        Command::Queue(cmd) => queue::run(&Settings::resolve(&cli.global)?, cmd).await,
        Command::Submit(args) => submit::run(&Settings::resolve(&cli.global)?, args).await,
        Command::Log(args) => log::run(&Settings::resolve(&cli.global)?, args).await,
        Command::Webhook(cmd) => webhook::run(&Settings::resolve(&cli.global)?, cmd).await,
        Command::Events(args) => events::run(&Settings::resolve(&cli.global)?, args).await,
        Command::Requests(cmd) => requests::run(&Settings::resolve(&cli.global)?, cmd).await,
    }
}

/// `what: why`, unless `why` says `what` already (the engine names a refused token itself).
pub fn said_once(what: &str, why: &str) -> String {
    if why.contains(what) {
        why.to_owned()
    } else {
        format!("{what}: {why}")
    }
}

/// The one line that ends a command whose request failed as a whole.
pub fn api_failure(group: &str, e: crate::api::ApiError) -> Failure {
    use crate::api::ErrorClass;
    use crate::domain::text::sanitize;
    let group = sanitize(group);
    match e.class() {
        ErrorClass::Auth => Failure::input(format!("the access token was refused: {e}")),
        ErrorClass::Permission => Failure::input(format!("the token lacks a permission: {e}")),
        _ if e.code() == Some(131212) => {
            Failure::request(format!("group {group}: none of them is a member: {e}"))
        }
        _ if group.is_empty() => Failure::request(e.to_string()),
        _ => Failure::request(format!("group {group}: {e}")),
    }
}
