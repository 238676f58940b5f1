//! The running sandbox: binds, serves each connection itself (so it can drop one) and stops.

use std::io::Write;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::{Extension, Router};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;

use super::config::{Faults, SandboxConfig};
use super::routes::{self, ConnectionDrop};
use super::shared::Shared;
use super::state::now;
use super::webhook::Webhooks;

/// How long in-flight requests may finish after a shutdown is asked for.
const GRACE: Duration = Duration::from_secs(2);

/// A running sandbox. Dropping it stops the server too.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    pub(super) shared: Arc<Shared>,
    shutdown: CancellationToken,
    task: Option<JoinHandle<()>>,
}

/// Binds `config.listen`, seeds the groups, starts the webhook sender (when
/// `config.webhook` names a URL and a secret), spawns the server task and returns at once.
/// Inconsistent webhook settings are an `InvalidInput` error.
pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
    let shutdown = CancellationToken::new();
    let webhooks = Webhooks::start(
        &config.webhook,
        &config.phone_number_id,
        config.seed,
        shutdown.child_token(),
    )
    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let base_url = base_url(addr);
    let shared =
        tokio::task::spawn_blocking(move || Arc::new(Shared::new(&config, base_url, webhooks)))
            .await
            .map_err(std::io::Error::other)?;
    let router = routes::router(shared.clone());
    let task = tokio::spawn(accept_loop(listener, router, shutdown.clone()));
    Ok(Sandbox {
        addr,
        shared,
        shutdown,
        task: Some(task),
    })
}

/// `http://HOST:PORT`, with a wildcard listen address shown as loopback.
fn base_url(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{addr}")
}

async fn accept_loop(listener: TcpListener, router: Router, shutdown: CancellationToken) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone(), shutdown.clone()));
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(%error, "sandbox: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(GRACE, drained).await;
}

/// Serves one connection until it ends, a handler drops it, or the sandbox stops.
async fn serve_connection(stream: TcpStream, router: Router, shutdown: CancellationToken) {
    let _ = stream.set_nodelay(true);
    let drop_token = CancellationToken::new();
    let service =
        TowerToHyperService::new(router.layer(Extension(ConnectionDrop(drop_token.clone()))));
    let mut connection =
        pin!(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
    tokio::select! {
        _ = connection.as_mut() => return,
        // Returning drops the connection future: the socket closes with nothing written.
        () = drop_token.cancelled() => return,
        () = shutdown.cancelled() => {}
    }
    connection.as_mut().graceful_shutdown();
    tokio::select! {
        _ = connection.as_mut() => {}
        () = drop_token.cancelled() => {}
        () = tokio::time::sleep(GRACE) => {}
    }
}

impl Sandbox {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn token(&self) -> &str {
        &self.shared.token
    }

    pub fn phone_number_id(&self) -> &str {
        &self.shared.phone_number_id
    }

    /// Active groups, in list order.
    pub fn group_ids(&self) -> Vec<String> {
        self.shared.groups().ids()
    }

    /// Members as wa_ids (digits, no `+`), sorted; `None` for an unknown group.
    pub fn members(&self, group_id: &str) -> Option<Vec<String>> {
        let groups = self.shared.groups();
        groups
            .get(group_id)
            .map(|g| g.members.iter().cloned().collect())
    }

    pub fn subject(&self, group_id: &str) -> Option<String> {
        self.shared
            .groups()
            .get(group_id)
            .map(|g| g.subject.clone())
    }

    /// Adds a group at the end of the list; members as wa_id or `+E.164`. Returns its id.
    pub fn insert_group(&self, subject: &str, members: &[&str]) -> String {
        self.shared.groups().insert(subject, members, now())
    }

    /// Deletes a group, as `DELETE /{v}/{group_id}` would; false when there was none.
    pub fn remove_group(&self, group_id: &str) -> bool {
        self.shared.groups().remove(group_id)
    }

    /// Replaces the fault settings; the rate limiter starts afresh.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.faults().set(faults);
    }

    /// The same JSON as `GET /_sandbox/stats`.
    pub fn stats(&self) -> serde_json::Value {
        self.shared.stats_json()
    }

    /// Stops accepting, lets in-flight requests finish (up to 2 s), then returns.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// The lines `run_cli` prints; the first is exactly `sandbox listening on http://HOST:PORT`,
/// the last the [`export_lines`] to paste; the curl example is broken (`\`) so that it fits 80
/// columns. `webhooks` is where signed webhooks go, if anywhere
/// (the secret is never shown).
pub fn banner(sandbox: &Sandbox, webhooks: Option<&url::Url>) -> String {
    let url = sandbox.base_url();
    let (token, id) = (sandbox.token(), sandbox.phone_number_id());
    let webhooks = match webhooks {
        Some(target) => format!("webhooks: POST {target} (signed with the app secret)\n"),
        None => String::new(),
    };
    format!(
        "sandbox listening on {url}\n\
         token: {token}\n\
         phone number id: {id}\n\
         {webhooks}\
         try: curl -H 'Authorization: Bearer {token}' \\\n\
         \x20      {url}/v23.0/{id}/groups\n\
         counters: {url}/_sandbox/stats; Ctrl-C stops\n\
         to point the commands at it, in another terminal:\n\
         {}\n",
        export_lines(sandbox, &[])
    )
}

/// The lines to paste into a shell so the commands use this sandbox (the token is the
/// sandbox's own test token), then `more` variables (`WA_GROUPS_DB`): `  export
/// WA_BASE_URL=… \` and the other assignments on continued lines, each line within 80
/// columns where the values allow. A value a shell would split or expand is single-quoted.
pub fn export_lines(sandbox: &Sandbox, more: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        format!("WA_BASE_URL={}", shell_word(&sandbox.base_url())),
        format!(
            "WA_PHONE_NUMBER_ID={}",
            shell_word(sandbox.phone_number_id())
        ),
        format!("WA_ACCESS_TOKEN={}", shell_word(sandbox.token())),
    ];
    pairs.extend(more.iter().map(|(k, v)| format!("{k}={}", shell_word(v))));
    let mut lines = vec![String::from("  export")];
    for pair in pairs {
        let Some(line) = lines.last_mut() else {
            break;
        };
        // Room for ` pair \` in 80 columns; a first pair always goes on the export line.
        if line.chars().count() + 1 + pair.chars().count() + 2 > 80 && line.trim() != "export" {
            line.push_str(" \\");
            lines.push(format!("    {pair}"));
        } else {
            line.push(' ');
            line.push_str(&pair);
        }
    }
    lines.join("\n")
}

/// `value` as one word of a POSIX shell: as it is when it holds nothing a shell would split or
/// expand, else single-quoted (a `'` in it as `'\''`).
pub fn shell_word(value: &str) -> String {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c));
    if plain && !value.is_empty() {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// What `wa-groups sandbox` runs: start, print the banner, serve until Ctrl-C, then shut down.
pub async fn run_cli(config: SandboxConfig) -> std::io::Result<()> {
    let webhooks = config.webhook.webhook_url.clone();
    let sandbox = start(config).await?;
    // A reader that stops reading (`| head`, a script that took the exports) is no reason to
    // stop serving: the sandbox runs until Ctrl-C.
    {
        let mut out = std::io::stdout().lock();
        let _ = out
            .write_all(banner(&sandbox, webhooks.as_ref()).as_bytes())
            .and_then(|()| out.flush());
    }
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}
