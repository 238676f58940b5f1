//! Section 7: the webhook receiver. `wa-groups webhook serve` under `/usr/bin/time -v`, on a
//! store synced from a sandbox; signed deliveries (one join by invite link each, into the
//! synced groups) POSTed over keep-alive connections by `concurrency` senders; the latency of
//! each (request written to status read: the delivery committed), the ingest rate, and how long
//! until every event was processed (the mirror moved).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{Home, Measured, PHONE_ID, Timed, signal, start_sandbox};

/// The app secret the bench signs with (a bench value, no secret).
const SECRET: &str = "bench-app-secret";
/// Deliveries per run, and the senders at once.
pub const DELIVERIES: usize = 2_000;
pub const CONCURRENCIES: [usize; 2] = [1, 8];
/// Groups synced for the events to land in.
const GROUPS: usize = 50;

pub struct WebhookResult {
    pub concurrency: usize,
    pub deliveries: usize,
    /// Client side: from the first POST to the last answer.
    pub wall: f64,
    pub latencies_ms: Vec<f64>,
    /// From the first POST until every event was processed.
    pub processed_after: f64,
    pub run: Measured,
}

impl WebhookResult {
    pub fn rate(&self) -> f64 {
        self.deliveries as f64 / self.wall
    }

    /// The `q` quantile of the latencies (sorted).
    pub fn latency(&self, q: f64) -> f64 {
        let n = self.latencies_ms.len();
        if n == 0 {
            return 0.0;
        }
        let i = ((n as f64 * q).ceil() as usize).clamp(1, n) - 1;
        self.latencies_ms[i]
    }
}

fn signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Delivery `i`: a join of a new person into one of `groups`, happening now.
fn delivery(i: usize, groups: &[String], at: u64) -> Vec<u8> {
    let group = &groups[i % groups.len()];
    serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "200000000000001",
        "changes": [{"field": "group_participants_update", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550100001", "phone_number_id": PHONE_ID},
            "groups": [{"timestamp": at.to_string(), "group_id": group,
                "type": "group_participants_add", "reason": "invite_link",
                "added_participants": [{"wa_id": format!("4477009{i:05}"), "user_id": format!("GB.{i}")}]}]}}]}]})
    .to_string()
    .into_bytes()
}

/// One keep-alive connection: POSTs and reads each answer whole.
struct Connection {
    reader: BufReader<TcpStream>,
    addr: String,
}

impl Connection {
    fn open(addr: &str) -> Result<Connection, String> {
        let stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        Ok(Connection {
            reader: BufReader::new(stream),
            addr: addr.to_owned(),
        })
    }

    /// The answer's status.
    fn post(&mut self, body: &[u8]) -> Result<u16, String> {
        let head = format!(
            "POST /webhook HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nX-Hub-Signature-256: {}\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            signature(body),
            body.len()
        );
        let stream = self.reader.get_mut();
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(body))
            .map_err(|e| format!("write: {e}"))?;
        let mut status = 0;
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            self.reader
                .read_line(&mut line)
                .map_err(|e| format!("read: {e}"))?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some(rest) = l.strip_prefix("HTTP/1.1 ") {
                status = rest.get(..3).and_then(|s| s.parse().ok()).unwrap_or(0);
            } else if let Some((name, value)) = l.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut rest = vec![0; length];
        self.reader
            .read_exact(&mut rest)
            .map_err(|e| format!("read body: {e}"))?;
        Ok(status)
    }
}

/// The receiver's address from its first line (`webhook receiver listening on URL`).
fn address(timed: &Timed) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = std::fs::read_to_string(&timed.stdout).unwrap_or_default();
        if let Some(first) = text.lines().next() {
            return first
                .strip_prefix("webhook receiver listening on http://")
                .and_then(|rest| rest.strip_suffix("/webhook"))
                .map(str::to_owned)
                .ok_or_else(|| format!("unexpected first line of the receiver: {first:?}"));
        }
        if Instant::now() > deadline {
            return Err("the receiver did not start within 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The count of events of the store processed so far.
fn processed(db: &std::path::Path) -> i64 {
    rusqlite::Connection::open(db)
        .and_then(|c| {
            c.query_row(
                "SELECT count(*) FROM webhook_events WHERE processed_seq IS NOT NULL",
                [],
                |r| r.get(0),
            )
        })
        .unwrap_or(0)
}

pub fn webhook_run(deliveries: usize, concurrency: usize) -> Result<WebhookResult, String> {
    let sandbox = start_sandbox(GROUPS, None)?;
    let home = Home::new(&sandbox.url)?;
    home.run(&["groups", "sync"])?;
    let listed = home.run(&["groups", "list", "--json"])?;
    let groups: Vec<String> = serde_json::from_str::<serde_json::Value>(&listed)
        .map_err(|e| format!("groups list: {e}"))?
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|g| g["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if groups.is_empty() {
        return Err("no groups to send events for".into());
    }
    let timed = home.spawn_timed_with(
        super::bin(),
        &["webhook", "serve", "--listen", "127.0.0.1:0"],
        "receiver",
        &[
            ("WA_APP_SECRET", SECRET),
            ("WA_VERIFY_TOKEN", "bench-verify"),
        ],
    )?;
    let addr = address(&timed)?;
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() + 2)
        .unwrap_or(0);
    let bodies: Vec<Vec<u8>> = (0..deliveries).map(|i| delivery(i, &groups, at)).collect();
    let started = Instant::now();
    let mut senders = Vec::new();
    for k in 0..concurrency {
        let mine: Vec<Vec<u8>> = bodies
            .iter()
            .skip(k)
            .step_by(concurrency)
            .cloned()
            .collect();
        let addr = addr.clone();
        senders.push(std::thread::spawn(move || -> Result<Vec<f64>, String> {
            let mut conn = Connection::open(&addr)?;
            let mut latencies = Vec::with_capacity(mine.len());
            for body in mine {
                let sent = Instant::now();
                let status = conn.post(&body)?;
                if status != 200 {
                    return Err(format!("a delivery was answered {status}"));
                }
                latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            Ok(latencies)
        }));
    }
    let mut latencies_ms = Vec::with_capacity(deliveries);
    for sender in senders {
        latencies_ms.extend(sender.join().map_err(|_| "a sender panicked")??);
    }
    let wall = started.elapsed().as_secs_f64();
    let db = home.path().join("store.db");
    let deadline = Instant::now() + Duration::from_secs(120);
    while processed(&db) < deliveries as i64 {
        if Instant::now() > deadline {
            return Err(format!(
                "{} of {deliveries} events processed after 120 s",
                processed(&db)
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let processed_after = started.elapsed().as_secs_f64();
    // Ctrl-C: the receiver stops and `/usr/bin/time` reports.
    for kid in super::children_of(timed.guard.child.id()) {
        signal(kid, "-INT");
    }
    let run = timed.finish()?;
    latencies_ms.sort_by(f64::total_cmp);
    drop(sandbox);
    Ok(WebhookResult {
        concurrency,
        deliveries,
        wall,
        latencies_ms,
        processed_after,
        run,
    })
}
