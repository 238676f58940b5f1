//! Reading the command line: clap's parse, with one change to what it says when it refuses a
//! command line. Clap's usage line then lists every option given, the environment's too, so
//! with `WA_BASE_URL` and `WA_GROUPS_DB` set (as the sandbox says to) a forgotten `--group`
//! read `Usage: wa-groups queue add --group <GROUP> --base-url <URL> … --db <PATH> <USER>...`,
//! as if those were required. The usage shown is the command's own.

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue};
use clap::{CommandFactory, FromArgMatches};

use crate::cli::Cli;

/// The command line of this process, parsed; on an error (or `--help`), the message is
/// printed and the process exits as clap does (2 for a usage error).
pub fn parse() -> Cli {
    parse_from(std::env::args_os()).unwrap_or_else(|e| e.exit())
}

/// `args` parsed (the first is the program's name), or clap's error with the usage of the
/// subcommand named in `args`.
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(args.clone());
    let mut error = match matches.and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => return Ok(cli),
        Err(e) => e,
    };
    if error.get(ContextKind::Usage).is_some() {
        command.build();
        let usage = own_usage(&mut command, &args);
        error.insert(ContextKind::Usage, ContextValue::StyledStr(usage));
    }
    Err(error)
}

/// The usage of the deepest subcommand `args` name (the words that are subcommands, in order;
/// options and their values passed by).
fn own_usage(command: &mut clap::Command, args: &[std::ffi::OsString]) -> StyledStr {
    let mut path = Vec::new();
    let mut current: &clap::Command = command;
    for arg in args.iter().skip(1).filter_map(|a| a.to_str()) {
        if let Some(sub) = current.find_subcommand(arg) {
            path.push(sub.get_name().to_owned());
            current = sub;
        }
    }
    usage_of(command, &path)
}

fn usage_of(command: &mut clap::Command, path: &[String]) -> StyledStr {
    if let Some((first, rest)) = path.split_first()
        && let Some(sub) = command.find_subcommand_mut(first)
    {
        return usage_of(sub, rest);
    }
    command.render_usage()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_command_line_shows_its_commands_own_usage() {
        // Given as flags here; from the environment they are present to clap the same way.
        let err = parse_from([
            "wa-groups",
            "--base-url",
            "http://127.0.0.1:1",
            "--db",
            "x.db",
            "queue",
            "add",
            "+12025550143",
        ])
        .expect_err("--group is missing");
        let text = err.render().to_string();
        assert!(text.contains("--group <GROUP>"), "{text}");
        assert!(
            text.contains("Usage: wa-groups queue add [OPTIONS] --group <GROUP> <USER>..."),
            "{text}"
        );
        assert!(!text.contains("--base-url <URL>"), "{text}");
        assert!(!text.contains("--db <PATH>"), "{text}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn a_good_command_line_is_parsed() {
        let cli = parse_from(["wa-groups", "queue", "list", "--json"]).expect("parsed");
        assert!(cli.command.is_some());
    }
}
