//! The command line: clap definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::domain::{OperationState, Region};
use crate::sandbox::SandboxConfig;

#[derive(Parser, Debug)]
#[command(
    name = "wa-groups",
    version,
    about = "Run WhatsApp Business groups from the terminal: create them, share their invite links, approve join requests, queue and send participant changes, learn every outcome",
    long_about = None,
    after_help = "Settings come from flags, then the environment, then the config file.\nThe access token comes from --token-file, then WA_ACCESS_TOKEN, then the config file's token_command."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The heading the options every command shares are listed under, apart from a command's own.
pub const GLOBAL_HEADING: &str = "Global options";

/// Settings every command shares.
#[derive(Args, Debug, Clone, Default)]
pub struct GlobalArgs {
    /// Graph API base URL [default: https://graph.facebook.com]
    #[arg(long, env = "WA_BASE_URL", global = true, value_name = "URL", help_heading = GLOBAL_HEADING)]
    pub base_url: Option<String>,
    /// Graph API version [default: v23.0]
    #[arg(long, env = "WA_API_VERSION", global = true, value_name = "VERSION", help_heading = GLOBAL_HEADING)]
    pub api_version: Option<String>,
    /// Id of the business phone number whose groups are managed
    #[arg(long, env = "WA_PHONE_NUMBER_ID", global = true, value_name = "ID", help_heading = GLOBAL_HEADING)]
    pub phone_number_id: Option<String>,
    /// File holding the access token (must not be readable by others)
    #[arg(long, global = true, value_name = "PATH", help_heading = GLOBAL_HEADING)]
    pub token_file: Option<PathBuf>,
    /// Region for numbers typed without a country code, e.g. US, GB, BR
    #[arg(long, env = "WA_DEFAULT_REGION", global = true, value_name = "CC", help_heading = GLOBAL_HEADING)]
    pub default_region: Option<Region>,
    /// The local store (SQLite) [default: in the user's data directory]
    #[arg(long, env = "WA_GROUPS_DB", global = true, value_name = "PATH", help_heading = GLOBAL_HEADING)]
    pub db: Option<PathBuf>,
    /// Config file [default: config.toml in the user's config directory]
    #[arg(long, env = "WA_GROUPS_CONFIG", global = true, value_name = "PATH", help_heading = GLOBAL_HEADING)]
    pub config: Option<PathBuf>,
    /// Seconds to wait for one answer from the API, or for token_command [default: 30]
    #[arg(long, global = true, value_name = "SECS", help_heading = GLOBAL_HEADING)]
    pub timeout: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the terminal app on the configured account (also what no subcommand does)
    Tui,
    /// Try the terminal app against the embedded sandbox (seeded groups, a throwaway store)
    Demo(DemoArgs),
    /// Run the embedded Graph API stand-in (the sandbox) on loopback
    Sandbox(Box<SandboxArgs>),
    /// Add or remove participants now: queued, sent at once, each outcome printed (a change held back stays queued)
    #[command(subcommand)]
    Participants(ParticipantsCommand),
    /// The account's groups: list, sync into the local mirror, show; create, update, delete; invite links
    #[command(subcommand)]
    Groups(GroupsCommand),
    /// The local queue of pending changes: participants, and the groups' own (create, settings, delete, links, join requests)
    #[command(subcommand)]
    Queue(QueueCommand),
    /// Send the pending changes: preview, batches of 8, retries, confirmed by webhook or by reading
    Submit(SubmitArgs),
    /// The audit trail: every request and every participant outcome
    Log(LogArgs),
    /// Receive Meta's group webhooks (a server behind your TLS proxy), or take saved ones
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// The group events received by webhook, oldest first, with what each settled
    Events(EventsArgs),
    /// Join requests of approval_required groups: list them, approve or reject them
    #[command(subcommand)]
    Requests(RequestsCommand),
}

#[derive(Subcommand, Debug)]
pub enum WebhookCommand {
    /// Serve the webhook endpoint (/webhook): the verification handshake and signed
    /// deliveries, each stored before it is acknowledged, then processed
    Serve(ServeArgs),
    /// Process saved webhook payloads (one JSON body a line; `-` for standard input), as
    /// if they had been received; a bad line stores nothing
    Ingest(IngestArgs),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (plain HTTP: put a TLS reverse proxy or tunnel in front)
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
    /// Listen on an address other than loopback (the TLS proxy runs on another host; the
    /// plain HTTP between them must stay on a private network)
    #[arg(long)]
    pub allow_non_loopback: bool,
    /// File holding the app secret that signs webhooks (must not be readable by others);
    /// else WA_APP_SECRET, else the config file's app_secret_command
    #[arg(long, value_name = "PATH")]
    pub app_secret_file: Option<PathBuf>,
    /// File holding the verify token of the handshake (must not be readable by others); else
    /// WA_VERIFY_TOKEN, else the config file's verify_token_command
    #[arg(long, value_name = "PATH")]
    pub verify_token_file: Option<PathBuf>,
    /// Milliseconds between committing a delivery and answering it (for tests)
    #[arg(long, default_value_t = 0, hide = true)]
    pub hold_after_commit_ms: u64,
}

#[derive(Args, Debug)]
pub struct IngestArgs {
    /// The file, or `-` for standard input
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct EventsArgs {
    /// Only this group (its id, or its subject when no other group has it)
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum QueueCommand {
    /// Queue participants to add to a group
    Add(QueueUsersArgs),
    /// Queue participants to remove from a group
    Remove(QueueUsersArgs),
    /// Queue changes from a file (`-` for standard input): a CSV with the columns
    /// group,participant,action; or, with --group and --action, a plain list of numbers
    Import(ImportArgs),
    /// List the queue
    List(QueueListArgs),
    /// Take pending operations out of the queue (by id, by group, or --all); operations being
    /// sent and finished ones (the history) stay
    Drop(DropArgs),
    /// Queue what makes each group in FILE (CSV group,participant) have exactly those members;
    /// a group is wanted empty only with the participant `(empty)`
    SyncTarget(SyncTargetArgs),
    /// Queue failed changes again (by id, by group, or --all): each as a new pending change,
    /// the failed one kept as history; nothing is sent
    Retry(RetryArgs),
}

/// What a group option takes.
const GROUP_HELP: &str = "The group: its id, or its subject when no other group has it";

#[derive(Args, Debug)]
pub struct QueueUsersArgs {
    #[arg(long, value_name = "GROUP", help = GROUP_HELP)]
    pub group: String,
    /// Phone numbers or wa_ids, or for a removal BSUIDs (US.1349…); commas and several per
    /// argument are fine
    #[arg(required = true, value_name = "USER")]
    pub users: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The file, or `-` for standard input
    pub file: PathBuf,
    /// For a plain list of numbers: the group they are for (its id, or its subject when no
    /// other group has it)
    #[arg(long, value_name = "GROUP", requires = "action")]
    pub group: Option<String>,
    /// For a plain list of numbers: add or remove
    #[arg(long, value_name = "ACTION", requires = "group")]
    pub action: Option<crate::domain::OperationKind>,
    /// Store the good lines and report the bad ones (by default one bad line stores nothing)
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Args, Debug)]
pub struct QueueListArgs {
    /// Only this group (its id, or its subject when no other group has it)
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Only this state: pending, sending, accepted, confirmed, failed, skipped
    #[arg(long, value_name = "STATE")]
    pub state: Option<crate::domain::OperationState>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DropArgs {
    /// Ids of pending operations
    #[arg(value_name = "ID", conflicts_with_all = ["group", "all"])]
    pub ids: Vec<i64>,
    /// Every pending operation of this group (its id, or its subject when no other group has it)
    #[arg(long, value_name = "GROUP", conflicts_with = "all")]
    pub group: Option<String>,
    /// Every pending operation of the account (confirmed, failed and skipped ones stay: they
    /// are the history)
    #[arg(long)]
    pub all: bool,
    /// Do it even when it takes out more than one operation
    #[arg(long)]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub struct SyncTargetArgs {
    /// CSV with the columns group,participant: the whole wanted membership of each group listed.
    /// A blank participant is a bad line; `(empty)` as the participant wants the group empty
    pub file: PathBuf,
    /// Print the difference only; queue nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Queue the removals even when there are more than 8, a group's worth (they are listed
    /// first)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub struct RetryArgs {
    /// Ids of failed operations
    #[arg(value_name = "ID", conflicts_with_all = ["group", "all"])]
    pub ids: Vec<i64>,
    /// Every failed operation of this group (its id, or its subject when no other group has it)
    #[arg(long, value_name = "GROUP", conflicts_with = "all")]
    pub group: Option<String>,
    /// Every failed operation of the account
    #[arg(long)]
    pub all: bool,
}

#[derive(Args, Debug)]
pub struct SubmitArgs {
    /// Only these groups (repeatable; an id, or a subject no other group has)
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// Print exactly the requests that would be sent, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Requests in flight at once
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// The most requests per second (by default, as fast as the server allows)
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,
    /// Milliseconds between a change being accepted and its group being read to confirm it
    #[arg(long, default_value_t = 500, value_name = "MS")]
    pub verify_delay_ms: u64,
    /// Milliseconds an accepted change waits for its webhook (from `webhook serve`) before
    /// its group is read to confirm it [default: the config's webhook_wait_ms, else none]
    #[arg(long, value_name = "MS")]
    pub webhook_wait_ms: Option<u64>,
    /// Milliseconds of the first back-off after a throttle or transient error (it doubles
    /// with each retry, capped at 60 s; a server's Retry-After always wins)
    #[arg(long, default_value_t = 500, value_name = "MS")]
    pub backoff_ms: u64,
    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub struct LogArgs {
    /// Every exchange and outcome as JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// One row per participant outcome, with the columns time, group, subject, participant,
    /// action, result, code, message, request_id, username (participant: the phone number, or
    /// the BSUID when the phone is not known)
    #[arg(long)]
    pub csv: bool,
    /// Only this group (its id, or its subject when no other group has it)
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Only what concerns this participant: any common way of writing the number, a BSUID, or
    /// an @username a member of a mirrored group has
    #[arg(long, value_name = "USER")]
    pub participant: Option<String>,
    /// Only from this moment on: RFC 3339 (`2026-01-31T09:00:00Z`), a day (`2026-01-31`), or a
    /// time ago (`90s`, `30m`, `2h`, `7d`)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only participant outcomes in this state: confirmed, failed, skipped, accepted, pending
    #[arg(long, value_name = "STATE")]
    pub state: Option<OperationState>,
}

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    /// Groups the demo sandbox starts with
    #[arg(long, default_value_t = 40)]
    pub groups: usize,
    /// Seed of the demo data
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Share (0 to 1) of the demo's people shown with a BSUID and a username but no phone
    /// number, as Meta shows users with a username who have had no contact with the business
    #[arg(long, default_value_t = 0.0, value_name = "F", value_parser = crate::sandbox::parse_probability)]
    pub hidden_phone_rate: f64,
    /// Only run the sandbox and print how to point the other commands at it
    #[arg(long)]
    pub no_tui: bool,
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
    #[arg(long, value_name = "GROUP", help = GROUP_HELP)]
    pub group: String,
    /// Do not read the group afterwards to confirm each change
    #[arg(long)]
    pub no_verify: bool,
    /// Remove members known only by BSUID too (once removed, they can be added back only by
    /// phone number); without it such a removal is refused and nothing is sent
    #[arg(long)]
    pub yes: bool,
    /// Phone numbers or wa_ids, or for a removal BSUIDs (US.1349…); commas and several per
    /// argument are fine
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
    /// Read every group and its members into the local mirror
    Sync {
        /// Group reads in flight at once
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
        concurrency: u16,
    },
    /// Show one group: subject and members
    Show {
        /// The group: its id, or its subject when no other group has it
        #[arg(value_name = "GROUP")]
        id: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Write the mirror's groups and members (no request is sent): one row per member, as
    /// `queue sync-target` reads them back; a group without members has the row `(empty)`
    Export {
        /// CSV with the columns group,subject,participant
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// JSON: each group with its subject and participants
        #[arg(long)]
        json: bool,
        /// Also the groups no longer listed by the server (gone)
        #[arg(long)]
        gone: bool,
    },
    /// Create groups: queued (`submit` sends them), or at once with --now, printing each new
    /// group's id and invite link
    Create(GroupCreateArgs),
    /// Change a group's subject, description or photo (queued, or at once with --now)
    Update(GroupUpdateArgs),
    /// Delete groups: every participant leaves, the business too (asks; --yes in scripts)
    Delete(GroupDeleteArgs),
    /// A group's invite link; --reset makes a new one (the old stops working), --revoke
    /// removes it (both ask; --yes in scripts)
    Link(GroupLinkArgs),
    /// Every group's current invite link (read now)
    Links {
        /// CSV: group,subject,invite_link,error
        #[arg(long)]
        csv: bool,
    },
}

/// `sandbox`: its own flags, and the global options it has no use for refused by name (so its
/// help lists only what it reads).
#[derive(Args, Debug)]
pub struct SandboxArgs {
    #[command(flatten)]
    pub config: SandboxConfig,
    #[command(flatten)]
    pub unused: NotForTheSandbox,
}

/// The global options the sandbox does not read: hidden from its help, refused when given to
/// it on the command line. Each has the type of its global option: a value a global takes from
/// the environment (`WA_GROUPS_DB`, `WA_DEFAULT_REGION`, …, kept in an operator's shell) is
/// passed down to every subcommand, and the sandbox ignores it.
#[derive(Args, Debug, Default)]
pub struct NotForTheSandbox {
    #[arg(long, hide = true, value_parser = not_for_the_sandbox::<String>)]
    pub base_url: Option<String>,
    #[arg(long, hide = true, value_parser = not_for_the_sandbox::<String>)]
    pub api_version: Option<String>,
    #[arg(long, hide = true, value_parser = not_for_the_sandbox::<PathBuf>)]
    pub token_file: Option<PathBuf>,
    #[arg(long, hide = true, value_parser = not_for_the_sandbox::<Region>)]
    pub default_region: Option<Region>,
    #[arg(long, hide = true, value_parser = not_for_the_sandbox::<PathBuf>)]
    pub db: Option<PathBuf>,
    #[arg(long, hide = true, value_parser = not_for_the_sandbox::<PathBuf>)]
    pub config: Option<PathBuf>,
    #[arg(long, hide = true, value_parser = not_for_the_sandbox::<u64>)]
    pub timeout: Option<u64>,
}

fn not_for_the_sandbox<T>(_: &str) -> Result<T, String> {
    Err("the sandbox does not use this option (it keeps no store and reads no token)".into())
}

/// How a change is made: queued (the default), only shown, or sent at once.
#[derive(Args, Debug, Clone, Default)]
pub struct SendArgs {
    /// Print exactly the requests that would be sent; queue and send nothing
    #[arg(long, conflicts_with = "now")]
    pub dry_run: bool,
    /// Send at once (the same engine, retries, audit and recovery as `submit`) and say how
    /// each change ended
    #[arg(long)]
    pub now: bool,
}

#[derive(Args, Debug)]
pub struct GroupCreateArgs {
    /// The subject (1 to 128 characters; spaces around are trimmed)
    #[arg(
        long,
        value_name = "S",
        required_unless_present = "from",
        conflicts_with = "from"
    )]
    pub subject: Option<String>,
    /// The description (at most 2048 characters)
    #[arg(long, value_name = "D", conflicts_with = "from")]
    pub description: Option<String>,
    /// People who tap the invite link ask to join, and are approved (`requests approve`)
    #[arg(long, conflicts_with = "from")]
    pub approval: bool,
    /// A CSV of groups: subject,description,join_approval_mode (auto_approve or
    /// approval_required); every bad line is named and nothing is created
    #[arg(long, value_name = "FILE")]
    pub from: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub send: SendArgs,
}

#[derive(Args, Debug)]
pub struct GroupUpdateArgs {
    #[arg(value_name = "GROUP", help = GROUP_HELP)]
    pub id: String,
    /// The new subject (1 to 128 characters)
    #[arg(long, value_name = "S")]
    pub subject: Option<String>,
    /// The new description (at most 2048 characters; "" clears it)
    #[arg(long, value_name = "D")]
    pub description: Option<String>,
    /// The new photo: a square JPEG of at least 192x192 pixels and at most 5 MB
    #[arg(long, value_name = "FILE")]
    pub photo: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub send: SendArgs,
}

#[derive(Args, Debug)]
pub struct GroupDeleteArgs {
    /// The groups: each its id, or its subject when no other group has it
    #[arg(required = true, value_name = "GROUP")]
    pub ids: Vec<String>,
    /// Do not ask
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub send: SendArgs,
}

#[derive(Args, Debug)]
pub struct GroupLinkArgs {
    #[arg(value_name = "GROUP", help = GROUP_HELP)]
    pub id: String,
    /// Make a new link: the current one stops working
    #[arg(long, conflicts_with = "revoke")]
    pub reset: bool,
    /// Remove the link: nobody can join by it
    #[arg(long)]
    pub revoke: bool,
    /// Do not ask
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub send: SendArgs,
}

#[derive(Subcommand, Debug)]
pub enum RequestsCommand {
    /// Read the pending join requests now: of one group, or of every approval_required group
    /// of the mirror (`groups sync` first)
    List {
        /// Only this group (its id, or its subject when no other group has it)
        #[arg(long, value_name = "GROUP")]
        group: Option<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Approve join requests (by id, or --all pending ones)
    Approve(RequestDecisionArgs),
    /// Reject join requests (by id, or --all pending ones; asks, --yes in scripts)
    Reject(RequestDecisionArgs),
}

#[derive(Args, Debug)]
pub struct RequestDecisionArgs {
    /// Only this group's requests (needed with --all to keep to one group): its id, or its
    /// subject when no other group has it
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
    /// Every pending request (read now) of the group, or of every approval_required group
    #[arg(long, conflicts_with = "ids")]
    pub all: bool,
    /// Join request ids (`requests list` shows them)
    #[arg(value_name = "ID", required_unless_present = "all")]
    pub ids: Vec<String>,
    /// Do not ask
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub send: SendArgs,
}
