//! Entry point: parse the command line, install the error hooks, run, exit with a clear code.

use std::process::ExitCode;

use wa_groups::cli::Cli;

fn main() -> ExitCode {
    if let Err(e) = color_eyre::install() {
        eprintln!("wa-groups: cannot install the error reporter: {e}");
    }
    let cli = wa_groups::args::parse();
    // The app holds the whole mirror for hours: its allocator is set for a lower peak. The
    // headless commands keep glibc's defaults, under which they run faster (an import of
    // 250,000 lines took twice the CPU with these settings).
    if matches!(
        cli.command,
        None | Some(wa_groups::cli::Command::Tui | wa_groups::cli::Command::Demo(_))
    ) {
        wa_groups::allocator::tune();
    }
    quiet_on_a_closed_pipe(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wa-groups: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(wa_groups::commands::run(cli)) {
        Ok(outcome) => outcome.into(),
        Err(failure) => {
            // Errors may quote the server: shown as text, never as terminal commands.
            wa_groups::commands::print_error(&wa_groups::domain::text::sanitize(&failure.message));
            ExitCode::from(failure.code)
        }
    }
}

/// A headless command whose output is piped into a reader that stops early (`log | head`) ends
/// quietly, as other command-line tools do, instead of reporting a write error as a crash. The
/// app, the demo and the sandbox keep Rust's default (a closed socket is an error to handle).
fn quiet_on_a_closed_pipe(cli: &Cli) {
    use wa_groups::cli::Command;
    if matches!(
        cli.command,
        None | Some(Command::Tui | Command::Demo(_) | Command::Sandbox(_))
    ) {
        return;
    }
    // SAFETY: setting a signal's disposition to its default, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
