//! `demo`: the sandbox in this process (seeded, with latency), a throwaway store, and the
//! terminal app pointed at both, with a sync at start. `--no-tui` only runs the sandbox.

use std::path::{Path, PathBuf};

use super::tui::{Launch, SyncAtStart, launch, load_keymap};
use crate::api::settings::DEFAULT_API_VERSION;
use crate::api::{AccessToken, Client, ClientSettings};
use crate::cli::{DemoArgs, GlobalArgs};
use crate::exit::{Failure, Outcome};
use crate::sandbox::{self, Sandbox, SandboxConfig};
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

pub async fn run(args: DemoArgs, global: &GlobalArgs) -> Result<Outcome, Failure> {
    let keymap = load_keymap()?;
    let config = SandboxConfig {
        groups: args.groups,
        seed: args.seed,
        hidden_phone_rate: args.hidden_phone_rate,
        // Some people in several groups, so "remove from all their groups" can be tried.
        regulars: args.groups / 4,
        latency_ms: 40,
        jitter_ms: 40,
        ..SandboxConfig::default()
    };
    let sandbox = sandbox::start(config)
        .await
        .map_err(|e| Failure::input(format!("cannot start the sandbox: {e}")))?;
    if args.no_tui {
        return print_and_wait(sandbox, args.groups).await;
    }
    let dir = Throwaway::create()
        .map_err(|e| Failure::input(format!("cannot create a temporary directory: {e}")))?;
    let sandbox = std::sync::Arc::new(sandbox);
    let outcome = open_app(&sandbox, dir.path(), global, keymap).await;
    if let Ok(sandbox) = std::sync::Arc::try_unwrap(sandbox) {
        sandbox.shutdown().await;
    }
    drop(dir);
    outcome
}

async fn open_app(
    sandbox: &std::sync::Arc<Sandbox>,
    dir: &Path,
    global: &GlobalArgs,
    keymap: crate::tui::Keymap,
) -> Result<Outcome, Failure> {
    let store = Store::open(&dir.join("demo.db"))
        .map_err(|e| Failure::input(format!("demo store: {e}")))?
        .account(&sandbox.base_url(), sandbox.phone_number_id())
        .await
        .map_err(|e| Failure::input(format!("demo store: {e}")))?;
    let token = AccessToken::new(sandbox.token()).map_err(Failure::input)?;
    let settings = ClientSettings::new(
        &sandbox.base_url(),
        DEFAULT_API_VERSION,
        token,
        sandbox.phone_number_id(),
    )?;
    let client = Client::new(settings)?;
    let session = Session::with(store, client);
    // People join by link and ask to join while the demo runs.
    let people = super::demo_people::start(std::sync::Arc::clone(sandbox), session.clone());
    let outcome = launch(Launch {
        session,
        account: format!("{} (demo)", sandbox.phone_number_id()),
        api_version: DEFAULT_API_VERSION.into(),
        region: global.default_region,
        keymap,
        sync: SyncAtStart::Always,
    })
    .await;
    people.abort();
    let _ = people.await;
    outcome
}

/// The sandbox alone, with the lines that point the other commands at it.
async fn print_and_wait(sandbox: Sandbox, groups: usize) -> Result<Outcome, Failure> {
    let ids = sandbox.group_ids();
    let first = ids
        .iter()
        .find(|g| sandbox.members(g).is_some_and(|m| m.len() <= 6))
        .or(ids.first())
        .cloned()
        .unwrap_or_default();
    println!("sandbox listening on {}", sandbox.base_url());
    println!();
    println!("A stand-in for the Graph API with {groups} groups is running. In another terminal:");
    println!();
    println!(
        "  export WA_BASE_URL={} WA_PHONE_NUMBER_ID={} WA_ACCESS_TOKEN={}",
        sandbox.base_url(),
        sandbox.phone_number_id(),
        sandbox.token()
    );
    println!("  wa-groups            # the terminal app");
    println!("  wa-groups groups list");
    println!("  wa-groups groups show {first}");
    println!("  wa-groups participants add --group {first} '+1 202 555 0143' '+44 7911 123456'");
    println!();
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::input(format!("cannot wait for Ctrl-C: {e}")))?;
    sandbox.shutdown().await;
    Ok(Outcome::Done)
}
