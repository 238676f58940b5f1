//! The sandbox's settings: what it serves (`SandboxConfig`) and how badly it behaves (`Faults`).

use std::net::SocketAddr;

use super::state::{DEFAULT_GROUP_LIMIT, Seeding};
use super::webhook::WebhookConfig;

/// Command-line settings of `wa-groups sandbox`, also used by tests and the demo.
#[derive(clap::Args, Clone, Debug)]
pub struct SandboxConfig {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Bearer token the sandbox accepts.
    #[arg(long, default_value = "sandbox-token")]
    pub token: String,
    /// The business phone number id that owns the seeded groups.
    #[arg(long, default_value = "100000000000001")]
    pub phone_number_id: String,
    /// Number of seeded groups.
    #[arg(long, default_value_t = 20)]
    pub groups: usize,
    /// Seed for the generated data and for fault decisions.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Fixed delay added to every Graph request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Extra random delay, uniform in 0..=jitter_ms.
    #[arg(long, default_value_t = 0)]
    pub jitter_ms: u64,
    /// Delay between applying a write and answering it, in milliseconds: the write's
    /// webhook then usually comes before its answer, as Meta's can.
    #[arg(long, default_value_t = 0)]
    pub answer_delay_ms: u64,
    /// Probability (0..=1) of a server failure (503 JSON or 502 HTML), nothing applied.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub fail_rate: f64,
    /// Probability (0..=1) of a 429 / 131208 throttle, nothing applied.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub throttle_rate: f64,
    /// Shared rate limit in requests per second; over it: 429 / 131208.
    #[arg(long, value_parser = parse_rate)]
    pub rate_limit: Option<f64>,
    /// Probability (0..=1) that the connection is closed without any response.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub drop_rate: f64,
    /// Probability (0..=1) that a request is held with no answer until the client gives up
    /// (half before applying the change, half after), as a hung server does.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub stall_rate: f64,
    /// Share (0..=1) of users shown with a BSUID and a username but no phone number (`wa_id`)
    /// in group info, join requests and webhooks.
    #[arg(long, default_value_t = 0.0, value_parser = parse_probability)]
    pub hidden_phone_rate: f64,
    /// Give every user a parent BSUID (`parent_user_id`) too, as linked portfolios see.
    #[arg(long)]
    pub parent_user_ids: bool,
    /// Share (0..=1) of seeded groups created with `approval_required`, each with 1 to 3
    /// pending join requests.
    #[arg(long, default_value_t = 0.2, value_parser = parse_probability)]
    pub approval_rate: f64,
    /// How many of the seeded groups (the last ones) are suspended.
    #[arg(long, default_value_t = 0)]
    pub suspended_groups: usize,
    /// How many seeded members are also members of 1 to 3 other groups.
    #[arg(long, default_value_t = 0)]
    pub regulars: usize,
    /// Delay between accepting a create and the group existing (and its webhook), in ms.
    #[arg(long, default_value_t = 200)]
    pub create_delay_ms: u64,
    /// Most groups the number may have; creates past it fail with 131211.
    #[arg(long, default_value_t = DEFAULT_GROUP_LIMIT)]
    pub group_limit: usize,
    /// Which documented shapes write answers take where the contract and the prose differ.
    #[arg(long, value_enum, default_value_t = AnswerShapes::Observed)]
    pub answer_shapes: AnswerShapes,
    /// Where webhooks go and how (boxed: it is most of the settings' size).
    #[command(flatten)]
    pub webhook: Box<WebhookConfig>,
}

/// The bodies of the write answers whose shape the sources disagree on
/// (`groups-api-2026.md` §1.12: delete group, update settings, add and remove participants).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnswerShapes {
    /// `{"messaging_product","request_id"}`: what the webhooks' `request_id` correlation needs
    /// and pywa reads.
    #[default]
    Observed,
    /// The contract's: delete `{"success":true}`, the others an empty 200.
    Contract,
    /// One of the documented shapes at random for each answer (seeded).
    Mixed,
}

impl SandboxConfig {
    /// What the seeded world looks like.
    pub fn seeding(&self) -> Seeding {
        Seeding {
            phone_number_id: self.phone_number_id.clone(),
            groups: self.groups,
            seed: self.seed,
            approval_rate: self.approval_rate,
            suspended_groups: self.suspended_groups,
            hidden_phone_rate: self.hidden_phone_rate,
            parent_user_ids: self.parent_user_ids,
            regulars: self.regulars,
            group_limit: self.group_limit,
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            token: "sandbox-token".to_owned(),
            phone_number_id: "100000000000001".to_owned(),
            groups: 20,
            seed: 1,
            latency_ms: 0,
            jitter_ms: 0,
            answer_delay_ms: 0,
            fail_rate: 0.0,
            throttle_rate: 0.0,
            rate_limit: None,
            drop_rate: 0.0,
            stall_rate: 0.0,
            hidden_phone_rate: 0.0,
            parent_user_ids: false,
            approval_rate: 0.2,
            suspended_groups: 0,
            regulars: 0,
            create_delay_ms: 200,
            group_limit: DEFAULT_GROUP_LIMIT,
            answer_shapes: AnswerShapes::Observed,
            webhook: Box::default(),
        }
    }
}

/// Fault injection knobs; changeable at runtime with `Sandbox::set_faults`.
///
/// Probabilities outside 0..=1 are clamped; a rate limit that is not a positive number means none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    pub latency_ms: u64,
    pub jitter_ms: u64,
    /// Delay after a write is applied, before its answer (see [`SandboxConfig`]).
    pub answer_delay_ms: u64,
    pub fail_rate: f64,
    pub throttle_rate: f64,
    pub rate_limit: Option<f64>,
    pub drop_rate: f64,
    pub stall_rate: f64,
    /// Faults hit only writes (POST, DELETE): reads are served as asked (a test of what a
    /// lost write's answer does, whose settling read must get through).
    pub writes_only: bool,
}

impl From<&SandboxConfig> for Faults {
    fn from(config: &SandboxConfig) -> Self {
        Self {
            latency_ms: config.latency_ms,
            jitter_ms: config.jitter_ms,
            answer_delay_ms: config.answer_delay_ms,
            fail_rate: config.fail_rate,
            throttle_rate: config.throttle_rate,
            rate_limit: config.rate_limit,
            drop_rate: config.drop_rate,
            stall_rate: config.stall_rate,
            writes_only: false,
        }
    }
}

/// A probability or share between 0 and 1.
pub(crate) fn parse_probability(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("`{text}` is not a probability between 0 and 1"))
    }
}

fn parse_rate(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(format!(
            "`{text}` is not a positive number of requests per second"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        sandbox: SandboxConfig,
    }

    #[test]
    fn clap_defaults_match_default() {
        let parsed = Cli::try_parse_from(["x"]).map(|c| c.sandbox);
        let parsed = parsed.expect("no arguments parse");
        let default = SandboxConfig::default();
        assert_eq!(parsed.listen, default.listen);
        assert_eq!(parsed.token, default.token);
        assert_eq!(parsed.phone_number_id, default.phone_number_id);
        assert_eq!(parsed.groups, default.groups);
        assert_eq!(parsed.seed, default.seed);
        assert_eq!(Faults::from(&parsed), Faults::from(&default));
        assert_eq!(parsed.hidden_phone_rate, default.hidden_phone_rate);
        assert_eq!(parsed.parent_user_ids, default.parent_user_ids);
        assert_eq!(parsed.approval_rate, default.approval_rate);
        assert_eq!(parsed.suspended_groups, default.suspended_groups);
        assert_eq!(parsed.create_delay_ms, default.create_delay_ms);
        assert_eq!(parsed.group_limit, default.group_limit);
        assert_eq!(parsed.answer_shapes, default.answer_shapes);
        let (w, d) = (&parsed.webhook, &default.webhook);
        assert_eq!(w.webhook_url, d.webhook_url);
        assert_eq!(w.app_secret, d.app_secret);
        assert_eq!(w.webhook_chaos, d.webhook_chaos);
        assert_eq!(w.webhook_attempts, d.webhook_attempts);
        assert_eq!(w.webhook_retry_ms, d.webhook_retry_ms);
        assert_eq!(w.waba_id, d.waba_id);
        assert_eq!(w.display_phone_number, d.display_phone_number);
    }

    #[test]
    fn webhook_flags_come_in_pairs_and_the_secret_stays_hidden() {
        let url = ["x", "--webhook-url", "http://127.0.0.1:9/webhook"];
        assert!(Cli::try_parse_from(url).is_err(), "a URL without a secret");
        assert!(Cli::try_parse_from(["x", "--app-secret", "s"]).is_err());
        let public = [
            "x",
            "--webhook-url",
            "http://192.0.2.1/webhook",
            "--app-secret",
            "s",
        ];
        assert!(
            Cli::try_parse_from(public).is_err(),
            "plain http off loopback"
        );
        let both = Cli::try_parse_from([
            "x",
            "--webhook-url",
            "http://127.0.0.1:9/webhook",
            "--app-secret",
            "hush-hush-42",
            "--webhook-chaos",
            "0.3",
            "--hidden-phone-rate",
            "0.2",
            "--answer-shapes",
            "mixed",
        ]);
        let both = both.expect("valid flags parse").sandbox;
        assert_eq!(both.webhook.webhook_chaos, 0.3);
        assert_eq!(both.hidden_phone_rate, 0.2);
        assert_eq!(both.answer_shapes, AnswerShapes::Mixed);
        assert!(both.webhook.target().is_ok_and(|t| t.is_some()));
        assert!(!format!("{both:?}").contains("hush-hush-42"));
        assert!(Cli::try_parse_from(["x", "--webhook-chaos", "2"]).is_err());
    }

    #[test]
    fn probabilities_and_rates_are_validated() {
        assert!(Cli::try_parse_from(["x", "--fail-rate", "1.5"]).is_err());
        assert!(Cli::try_parse_from(["x", "--drop-rate", "-0.1"]).is_err());
        assert!(Cli::try_parse_from(["x", "--throttle-rate", "abc"]).is_err());
        assert!(Cli::try_parse_from(["x", "--rate-limit", "0"]).is_err());
        let ok = Cli::try_parse_from(["x", "--fail-rate", "1", "--rate-limit", "2.5"]);
        let ok = ok.expect("valid flags parse").sandbox;
        assert_eq!(ok.fail_rate, 1.0);
        assert_eq!(ok.rate_limit, Some(2.5));
    }
}
