//! The sandbox's settings: what it serves (`SandboxConfig`) and how badly it behaves (`Faults`).

use std::net::SocketAddr;

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
            fail_rate: 0.0,
            throttle_rate: 0.0,
            rate_limit: None,
            drop_rate: 0.0,
            stall_rate: 0.0,
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
    pub fail_rate: f64,
    pub throttle_rate: f64,
    pub rate_limit: Option<f64>,
    pub drop_rate: f64,
    pub stall_rate: f64,
}

impl From<&SandboxConfig> for Faults {
    fn from(config: &SandboxConfig) -> Self {
        Self {
            latency_ms: config.latency_ms,
            jitter_ms: config.jitter_ms,
            fail_rate: config.fail_rate,
            throttle_rate: config.throttle_rate,
            rate_limit: config.rate_limit,
            drop_rate: config.drop_rate,
            stall_rate: config.stall_rate,
        }
    }
}

fn parse_probability(text: &str) -> Result<f64, String> {
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
