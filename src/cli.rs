//! The command line: clap definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::domain::Region;
use crate::sandbox::SandboxConfig;

#[derive(Parser, Debug)]
#[command(
    name = "wa-groups",
    version,
    about = "Run WhatsApp Business groups from the terminal: queue, preview and submit participant changes",
    long_about = None,
    after_help = "Settings come from flags, then the environment, then the config file.\nThe access token comes from --token-file, then WA_ACCESS_TOKEN, then the config file's token_command."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings every command shares.
#[derive(Args, Debug, Clone, Default)]
pub struct GlobalArgs {
    /// Graph API base URL [default: https://graph.facebook.com]
    #[arg(long, env = "WA_BASE_URL", global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Graph API version [default: v23.0]
    #[arg(long, env = "WA_API_VERSION", global = true, value_name = "VERSION")]
    pub api_version: Option<String>,
    /// Id of the business phone number whose groups are managed
    #[arg(long, env = "WA_PHONE_NUMBER_ID", global = true, value_name = "ID")]
    pub phone_number_id: Option<String>,
    /// File holding the access token (must not be readable by others)
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Region for numbers typed without a country code, e.g. US, GB, BR
    #[arg(long, env = "WA_DEFAULT_REGION", global = true, value_name = "CC")]
    pub default_region: Option<Region>,
    /// The local store (SQLite) [default: in the user's data directory]
    #[arg(long, env = "WA_GROUPS_DB", global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Config file [default: config.toml in the user's config directory]
    #[arg(long, env = "WA_GROUPS_CONFIG", global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Seconds to wait for one answer from the API [default: 30]
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the embedded sandbox and try the tool against it
    Demo(DemoArgs),
    /// Run the embedded Graph API stand-in (the sandbox) on loopback
    Sandbox(SandboxConfig),
    /// Add or remove participants right away, without the queue
    #[command(subcommand)]
    Participants(ParticipantsCommand),
    /// Read the account's groups
    #[command(subcommand)]
    Groups(GroupsCommand),
}

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    /// Groups the demo sandbox starts with
    #[arg(long, default_value_t = 40)]
    pub groups: usize,
    /// Seed of the demo data
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

#[derive(Subcommand, Debug)]
pub enum ParticipantsCommand {
    /// Add participants to a group (numbers in any common format, or wa_ids)
    Add(ParticipantsArgs),
    /// Remove participants from a group
    Remove(ParticipantsArgs),
}

#[derive(Args, Debug)]
pub struct ParticipantsArgs {
    /// The group id
    #[arg(long, value_name = "ID")]
    pub group: String,
    /// Do not read the group afterwards to confirm each change
    #[arg(long)]
    pub no_verify: bool,
    /// Phone numbers or wa_ids; commas and several per argument are fine
    #[arg(required = true, value_name = "USER")]
    pub users: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum GroupsCommand {
    /// List the account's active groups (every page)
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Show one group: subject and members
    Show {
        /// The group id
        id: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}
