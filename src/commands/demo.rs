//! `demo`: the sandbox in this process (seeded, with latency, and people who join, leave and
//! ask to join), a webhook receiver its webhooks go to, a throwaway store, and the terminal
//! app pointed at all of them, with a sync at start. `--no-tui` only runs the sandbox.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rand::RngExt;
use tokio::net::TcpListener;

use super::crowd;
use super::tui::{Launch, SyncAtStart, launch, load_keymap};
use crate::api::settings::DEFAULT_API_VERSION;
use crate::api::{AccessToken, Client, ClientSettings};
use crate::cli::{DemoArgs, GlobalArgs};
use crate::exit::{Failure, Outcome};
use crate::receiver::{Receiver, ReceiverConfig, Secret, WebhookSecrets};
use crate::sandbox::{self, AppSecret, Sandbox, SandboxConfig, WebhookConfig};
use crate::session::Session;
use crate::store::Store;

/// A directory of this process's own, removed with everything in it when dropped.
struct Throwaway(PathBuf);

impl Throwaway {
    fn create() -> std::io::Result<Throwaway> {
        use std::os::unix::fs::DirBuilderExt;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path =
            std::env::temp_dir().join(format!("wa-groups-demo-{}-{nanos}", std::process::id()));
        std::fs::DirBuilder::new().mode(0o700).create(&path)?;
        Ok(Throwaway(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How long the demo's submits wait for a change's webhook before reading its group.
const DEMO_WEBHOOK_WAIT: Duration = Duration::from_secs(3);
/// How often, on average, one of the demo's people joins, leaves or asks to join.
const DEMO_PEOPLE_EVERY: Duration = Duration::from_secs(5);

/// 32 random hex digits, made for this run (the demo's app secret and verify token).
fn random_hex() -> String {
    let mut rng = rand::rng();
    (0..32)
        .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16usize)]))
        .collect()
}

pub async fn run(args: DemoArgs, global: &GlobalArgs) -> Result<Outcome, Failure> {
    let keymap = load_keymap()?;
    let mut config = SandboxConfig {
        groups: args.groups,
        seed: args.seed,
        hidden_phone_rate: args.hidden_phone_rate,
        // Some people in several groups, so "remove from all their groups" can be tried.
        regulars: args.groups / 4,
        latency_ms: 40,
        jitter_ms: 40,
        ..SandboxConfig::default()
    };
    if args.no_tui {
        let sandbox = sandbox::start(config)
            .await
            .map_err(|e| Failure::input(format!("cannot start the sandbox: {e}")))?;
        return print_and_wait(sandbox, args.groups).await;
    }
    // The receiver's port first, so the sandbox can be told where its webhooks go.
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Failure::input(format!("cannot listen for the demo's webhooks: {e}")))?;
    let hook_url = format!(
        "http://{}/webhook",
        listener
            .local_addr()
            .map_err(|e| Failure::input(format!("demo receiver: {e}")))?
    );
    let text = random_hex();
    let secret = Secret::new(&text).map_err(Failure::input)?;
    let signing = AppSecret::new(text).map_err(Failure::input)?;
    config.webhook = Box::new(WebhookConfig {
        webhook_url: Some(
            hook_url
                .parse()
                .map_err(|e| Failure::input(format!("demo receiver: {e}")))?,
        ),
        app_secret: Some(signing),
        ..WebhookConfig::default()
    });
    let sandbox = Arc::new(
        sandbox::start(config)
            .await
            .map_err(|e| Failure::input(format!("cannot start the sandbox: {e}")))?,
    );
    let dir = Throwaway::create()
        .map_err(|e| Failure::input(format!("cannot create a temporary directory: {e}")))?;
    let people = crowd::start(Arc::clone(&sandbox), DEMO_PEOPLE_EVERY, args.seed);
    let webhooks = DemoWebhooks { listener, secret };
    let outcome = open_app(&sandbox, dir.path(), global, keymap, webhooks).await;
    people.abort();
    let _ = people.await;
    if let Ok(sandbox) = Arc::try_unwrap(sandbox) {
        sandbox.shutdown().await;
    }
    drop(dir);
    outcome
}

/// The demo's receiver, before it starts: its socket and the secret the sandbox signs with.
struct DemoWebhooks {
    listener: TcpListener,
    secret: Secret,
}

async fn open_app(
    sandbox: &Arc<Sandbox>,
    dir: &Path,
    global: &GlobalArgs,
    keymap: crate::tui::Keymap,
    webhooks: DemoWebhooks,
) -> Result<Outcome, Failure> {
    let whole = Store::open(&dir.join("demo.db"))
        .map_err(|e| Failure::input(format!("demo store: {e}")))?;
    let store = whole
        .account(&sandbox.base_url(), sandbox.phone_number_id())
        .await
        .map_err(|e| Failure::input(format!("demo store: {e}")))?;
    // The sandbox's webhooks come back to a receiver on the same store: the app shows them.
    let receiver = Receiver::start(
        webhooks.listener,
        ReceiverConfig {
            store: whole,
            base_url: sandbox.base_url(),
            secrets: WebhookSecrets {
                app_secret: webhooks.secret,
                verify_token: Secret::new(&random_hex()).map_err(Failure::input)?,
            },
            processed: None,
            hold_after_commit: Duration::ZERO,
        },
    )
    .await
    .map_err(|e| Failure::input(format!("demo receiver: {e}")))?;
    let token = AccessToken::new(sandbox.token()).map_err(Failure::input)?;
    let settings = ClientSettings::new(
        &sandbox.base_url(),
        DEFAULT_API_VERSION,
        token,
        sandbox.phone_number_id(),
    )?;
    let client = Client::new(settings)?;
    let outcome = launch(Launch {
        session: Session::with(store, client),
        account: format!("{} (demo)", sandbox.phone_number_id()),
        api_version: DEFAULT_API_VERSION.into(),
        region: global.default_region,
        keymap,
        sync: SyncAtStart::Always,
        webhook_wait: Some(DEMO_WEBHOOK_WAIT),
        ephemeral: true,
    })
    .await;
    receiver.shutdown().await;
    outcome
}

/// The sandbox alone, with the lines that point the other commands at it and at a store of
/// the demo's own (removed at Ctrl-C, as the demo's app removes its own), so that trying it
/// never writes into the operator's store.
async fn print_and_wait(sandbox: Sandbox, groups: usize) -> Result<Outcome, Failure> {
    let dir = Throwaway::create()
        .map_err(|e| Failure::input(format!("cannot create a temporary directory: {e}")))?;
    let db = dir.path().join("demo.db");
    let ids = sandbox.group_ids();
    // A group with room, named by its subject when no other group has it (ids are long).
    let subjects: Vec<String> = ids.iter().filter_map(|g| sandbox.subject(g)).collect();
    let first = ids
        .iter()
        .find(|g| sandbox.members(g).is_some_and(|m| m.len() <= 6))
        .or(ids.first())
        .map(|g| match sandbox.subject(g) {
            Some(s) if subjects.iter().filter(|t| **t == s).count() == 1 => {
                crate::sandbox::shell_word(&s)
            }
            _ => g.clone(),
        })
        .unwrap_or_default();
    let db_text = db.display().to_string();
    let said = [
        format!("sandbox listening on {}", sandbox.base_url()),
        String::new(),
        format!("A stand-in for the Graph API with {groups} groups is running."),
        "In another terminal (a store of its own, removed at Ctrl-C):".into(),
        String::new(),
        crate::sandbox::export_lines(&sandbox, &[("WA_GROUPS_DB", &db_text)]),
        "  wa-groups            # the terminal app".into(),
        "  wa-groups groups sync".into(),
        examples(&first),
        String::new(),
        "Press Ctrl-C to stop.".into(),
    ];
    // Whoever reads this may stop reading (`| head`, a script that took the exports): the
    // sandbox goes on serving until Ctrl-C, so a closed output is no reason to stop.
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for line in said {
            if writeln!(out, "{line}").is_err() {
                break;
            }
        }
        let _ = out.flush();
    }
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::input(format!("cannot wait for Ctrl-C: {e}")))?;
    sandbox.shutdown().await;
    drop(dir);
    Ok(Outcome::Done)
}

/// The example commands on `group` (a subject or an id, a shell word), within 80 columns as
/// the exports are: a long group id on a line of its own, continued with `\`.
fn examples(group: &str) -> String {
    let width = group.chars().count();
    let show = if width + 24 <= 80 {
        format!("  wa-groups groups show {group}")
    } else {
        format!("  wa-groups groups show \\\n    {group}")
    };
    let add = if width + 39 <= 80 {
        format!("  wa-groups participants add --group {group} \\")
    } else {
        format!("  wa-groups participants add --group \\\n    {group} \\")
    };
    format!("{show}\n{add}\n    '+1 202 555 0143' '+44 7911 123456'")
}

#[cfg(test)]
mod example_tests {
    use super::examples;

    #[test]
    fn the_examples_fit_80_columns_with_a_long_id() {
        let id = "Y2FwaV9ncm91cDoxMDAwMDAwMDAwMDAwMDE6NTA1Mjg3MDUwNDY1OTc2NDUy";
        let text = examples(id);
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(id)),
            "{text}"
        );
        assert_eq!(
            examples("'Book Club'"),
            "  wa-groups groups show 'Book Club'\n  wa-groups participants add --group 'Book Club' \\\n    '+1 202 555 0143' '+44 7911 123456'"
        );
    }
}
