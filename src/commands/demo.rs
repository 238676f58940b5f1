//! `demo`: the sandbox in this process, seeded, and how to point the tool at it.

use crate::cli::DemoArgs;
use crate::exit::{Failure, Outcome};
use crate::sandbox::{self, SandboxConfig};

pub async fn run(args: DemoArgs) -> Result<Outcome, Failure> {
    let config = SandboxConfig {
        groups: args.groups,
        seed: args.seed,
        latency_ms: 40,
        jitter_ms: 40,
        ..SandboxConfig::default()
    };
    let sandbox = sandbox::start(config)
        .await
        .map_err(|e| Failure::input(format!("cannot start the sandbox: {e}")))?;
    let ids = sandbox.group_ids();
    let first = ids
        .iter()
        .find(|g| sandbox.members(g).is_some_and(|m| m.len() <= 6))
        .or(ids.first())
        .cloned()
        .unwrap_or_default();
    println!("sandbox listening on {}", sandbox.base_url());
    println!();
    println!(
        "A stand-in for the Graph API with {} groups is running. In another terminal:",
        args.groups
    );
    println!();
    println!(
        "  export WA_BASE_URL={} WA_PHONE_NUMBER_ID={} WA_ACCESS_TOKEN={}",
        sandbox.base_url(),
        sandbox.phone_number_id(),
        sandbox.token()
    );
    println!("  wa-groups groups list");
    println!("  wa-groups groups show {first}");
    println!("  wa-groups participants add --group {first} '+1 202 555 0143' '+44 7911 123456'");
    println!("  wa-groups participants remove --group {first} +12025550143");
    println!();
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::input(format!("cannot wait for Ctrl-C: {e}")))?;
    sandbox.shutdown().await;
    Ok(Outcome::Done)
}
