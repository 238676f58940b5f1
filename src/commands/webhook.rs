//! `webhook serve` (the receiver, until Ctrl-C) and `webhook ingest FILE|-` (saved payloads,
//! one JSON body a line, checked whole before anything is stored).

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::interrupt::Interrupts;
use crate::api::webhook::{Delivery, parse_delivery};
use crate::cli::{IngestArgs, ServeArgs, WebhookCommand};
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::engine::inbox;
use crate::exit::{Failure, Outcome};
use crate::receiver::{MAX_BODY, Receiver, ReceiverConfig, WebhookSecrets, batches};
use crate::session::Session;
use crate::store::{AccountStore, EventRecord, NumberBatch, Store};

/// Bad lines listed before the rest are only counted.
const SHOWN_ERRORS: usize = 50;

pub async fn run(settings: &Settings, cmd: WebhookCommand) -> Result<Outcome, Failure> {
    match cmd {
        WebhookCommand::Serve(args) => serve(settings, args).await,
        WebhookCommand::Ingest(args) => ingest(settings, args).await,
    }
}

/// Loopback, or any address with `--allow-non-loopback`.
fn check_listen(addr: SocketAddr, allowed: bool) -> Result<(), Failure> {
    if addr.ip().is_loopback() || allowed {
        return Ok(());
    }
    Err(Failure::input(format!(
        "--listen {addr}: the receiver speaks plain HTTP, so it listens on loopback (127.0.0.1, \
         ::1) behind a TLS proxy or tunnel on this machine; for a proxy on another host of a \
         private network, add --allow-non-loopback"
    )))
}

async fn serve(settings: &Settings, args: ServeArgs) -> Result<Outcome, Failure> {
    check_listen(args.listen, args.allow_non_loopback)?;
    let (store, base_url) = Session::store_of(settings)?;
    let secrets = WebhookSecrets::read(
        settings,
        args.app_secret_file.as_deref(),
        args.verify_token_file.as_deref(),
    )?;
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| Failure::input(format!("cannot listen on {}: {e}", args.listen)))?;
    let mut interrupts = Interrupts::listen();
    let (processed, mut lines) = mpsc::unbounded_channel();
    let receiver = Receiver::start(
        listener,
        ReceiverConfig {
            store: store.clone(),
            base_url: base_url.clone(),
            secrets,
            processed: Some(processed),
            hold_after_commit: Duration::from_millis(args.hold_after_commit_ms),
        },
    )
    .await
    .map_err(|e| Failure::input(format!("cannot start the receiver: {e}")))?;
    say!("webhook receiver listening on {}", receiver.url());
    say!(
        "deliveries are stored in {} under the accounts of {} (Ctrl-C stops)",
        store.location(),
        base_url.trim_end_matches('/')
    );
    tracing::info!(addr = %receiver.addr(), "webhook receiver started");
    loop {
        tokio::select! {
            () = interrupts.next() => break,
            Some((number, records)) = lines.recv() => {
                print_records(&store, &base_url, &number, &records).await;
            }
        }
    }
    let (deliveries, refused, new, repeated) = receiver.stats().counts();
    receiver.shutdown().await;
    say!(
        "stopped: {deliveries} deliveries stored ({new} new events, {repeated} delivered again), {refused} refused"
    );
    Ok(Outcome::Done)
}

/// Prints each processed event of a number in one line, groups named by their subject.
async fn print_records(store: &Store, base_url: &str, number: &str, records: &[EventRecord]) {
    let Ok(account) = store.account(base_url, number).await else {
        return;
    };
    for record in records {
        let names = group_names(&account, record).await;
        let line = crate::present::event_line(record, |g| name_of(&names, g));
        let at = record.event.at.unwrap_or(record.received_at);
        say!("{} {number} {}", crate::domain::when::clock(at), line.text);
    }
}

/// The group of an event, with its subject from the mirror when it has one.
async fn group_names(store: &AccountStore, record: &EventRecord) -> Option<(String, String)> {
    let id = record.event.group_id.clone()?;
    let subject = store.group(&id).await.ok().flatten()?.subject;
    Some((id, subject))
}

fn name_of(names: &Option<(String, String)>, id: &str) -> String {
    match names {
        Some((known, subject)) if known == id && !subject.is_empty() => {
            format!("\"{}\" ({})", sanitize(subject), sanitize(id))
        }
        _ => sanitize(id),
    }
}

/// What the input's lines gave: the deliveries, and each bad line as `FILE:LINE: reason`.
struct Lines {
    good: Vec<Delivery>,
    bad: Vec<String>,
}

/// Reads the input, one whole webhook body a line.
fn read_lines(source: &mut dyn BufRead, name: &str) -> Result<Lines, Failure> {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut number = 0;
    loop {
        let mut line = Vec::new();
        let read = (&mut *source)
            .take(MAX_BODY as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Failure::input(format!("{name}: cannot be read: {e}")))?;
        if read == 0 {
            break;
        }
        number += 1;
        if line.len() > MAX_BODY && !line.ends_with(b"\n") {
            bad.push(format!(
                "{name}:{number}: longer than {} (a webhook body is at most that)",
                crate::bounded::size(MAX_BODY)
            ));
            // Skip the rest of the line.
            let mut rest = Vec::new();
            source
                .read_until(b'\n', &mut rest)
                .map_err(|e| Failure::input(format!("{name}: cannot be read: {e}")))?;
            continue;
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let text = if number == 1 {
            text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text)
        } else {
            text
        };
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse_delivery(text) {
            Ok(delivery) => good.push(delivery),
            Err(why) => bad.push(format!("{name}:{number}: {why}")),
        }
    }
    Ok(Lines { good, bad })
}

async fn ingest(settings: &Settings, args: IngestArgs) -> Result<Outcome, Failure> {
    let name = sanitize(&args.file.display().to_string());
    let Lines { good, bad } = if args.file == Path::new("-") {
        let stdin = std::io::stdin();
        read_lines(&mut stdin.lock(), "-")?
    } else {
        let (file, _) = crate::bounded::open_regular(&args.file)
            .map_err(|e| Failure::input(format!("{name} {e}")))?;
        read_lines(&mut BufReader::new(file), &name)?
    };
    if !bad.is_empty() {
        for line in bad.iter().take(SHOWN_ERRORS) {
            say_err!("{line}");
        }
        if bad.len() > SHOWN_ERRORS {
            say_err!("{name}: … and {} more bad lines", bad.len() - SHOWN_ERRORS);
        }
        return Err(Failure::input(format!(
            "{name}: {} bad line(s); nothing was stored",
            bad.len()
        )));
    }
    if good.is_empty() {
        // As every file read: a file with nothing in it is an input error, not a success.
        return Err(Failure::input(format!(
            "{name}: nothing to ingest: no webhook body was found"
        )));
    }
    let (store, base_url) = Session::store_of(settings)?;
    let batches: Vec<NumberBatch> = good.into_iter().flat_map(batches).collect();
    let mut numbers: Vec<String> = batches.iter().map(|b| b.phone_number_id.clone()).collect();
    numbers.sort();
    numbers.dedup();
    let received = store
        .receive_events(&base_url, batches)
        .await
        .map_err(|e| Failure::input(format!("store: {e}")))?;
    let (new, repeated) = received
        .iter()
        .fold((0, 0), |(n, r), (_, x)| (n + x.new, r + x.repeated));
    let mut settled = 0;
    for number in &numbers {
        let account = store
            .account(&base_url, number)
            .await
            .map_err(|e| Failure::input(format!("store: {e}")))?;
        let done = inbox::process_pending(&account)
            .await
            .map_err(|e| Failure::input(format!("store: {e}")))?;
        settled += done.operations;
    }
    say!(
        "{name}: {new} new event(s), {repeated} already received, for {} number(s); {settled} operation(s) settled",
        numbers.len()
    );
    Ok(Outcome::Done)
}
