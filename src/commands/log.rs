//! `log`: the audit trail (every exchange and every participant outcome), filtered by group,
//! participant, time and state: as readable lines in time order, JSON, or a CSV of outcomes.
//! Groups are named as everywhere (`GroupNames`), with the id beside the subject in JSON and
//! CSV; times are RFC 3339 to the millisecond.

use std::collections::HashMap;

use serde_json::json;

use super::csv_out::CsvOut;
use super::group_arg::{self, names};
use super::local::{open, store_failure};
use crate::cli::LogArgs;
use crate::config::Settings;
use crate::domain::text::sanitize;
use crate::domain::when::{parse_moment, rfc3339};
use crate::domain::{
    GroupNames, OpSpec, OperationKind, OperationState, Participant, Query, UserId,
};
use crate::exit::{Failure, Outcome};
use crate::present;
use crate::store::{Exchange, OperationFilter, Outcome as ParticipantOutcome, now_ms};

/// What the operator asked to see.
#[derive(Default)]
struct Filter {
    group: Option<String>,
    /// Every key the person is logged by: E.164 and BSUID (a person found by one key in the
    /// mirror brings the other).
    participant: Option<Vec<String>>,
    since: Option<i64>,
    state: Option<OperationState>,
}

impl Filter {
    fn outcome(&self, o: &ParticipantOutcome) -> bool {
        self.group.as_ref().is_none_or(|g| *g == o.group_id)
            && self
                .participant
                .as_ref()
                .is_none_or(|keys| keys.contains(&o.participant))
            && self.since.is_none_or(|t| o.at >= t)
            && self.state.is_none_or(|s| s == o.result)
    }

    /// Exchanges carry no outcome state: with `--state`, only outcomes are shown.
    fn exchange(&self, e: &Exchange) -> bool {
        self.state.is_none()
            && self
                .group
                .as_ref()
                .is_none_or(|g| e.group_id.as_deref() == Some(g))
            && self
                .participant
                .as_ref()
                .is_none_or(|keys| participants(e).any(|q| keys.iter().any(|k| k == q)))
            && self.since.is_none_or(|t| e.at >= t)
    }
}

/// The participants of an exchange, as sent (E.164).
fn participants(e: &Exchange) -> impl Iterator<Item = &str> {
    e.participants
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

pub async fn run(settings: &Settings, args: LogArgs) -> Result<Outcome, Failure> {
    let store = open(settings).await?;
    let names = names(&store).await?;
    let mut filter = Filter {
        group: group_arg::resolve_opt(&names, "--group", args.group.as_ref())?,
        participant: None,
        since: match &args.since {
            Some(text) => Some(
                parse_moment(text, now_ms())
                    .map_err(|e| Failure::input(format!("--since: {e}")))?,
            ),
            None => None,
        },
        state: args.state,
    };
    let all: Vec<ParticipantOutcome> = store
        .outcomes()
        .await
        .map_err(store_failure)?
        .into_iter()
        .map(|r| r.outcome)
        .collect();
    if let Some(text) = &args.participant {
        filter.participant = Some(person_keys(&store, text, settings.default_region, &all).await?);
    }
    let outcomes: Vec<ParticipantOutcome> = all.into_iter().filter(|o| filter.outcome(o)).collect();
    let made = made_subjects(&store, &outcomes, &names).await?;
    // A group as named everywhere; one a create made that the mirror does not know yet, by
    // the subject the create asked for.
    let group = |id: &str| match made.get(id) {
        Some(subject) => sanitize(subject),
        None => names.label(id),
    };
    let subject = |id: &str| {
        names
            .subject(id)
            .map(str::to_owned)
            .or_else(|| made.get(id).map(|s| sanitize(s)))
    };
    if args.csv {
        return write_csv(&outcomes, &subject);
    }
    let exchanges: Vec<Exchange> = store
        .exchanges()
        .await
        .map_err(store_failure)?
        .into_iter()
        .map(|r| r.exchange)
        .filter(|e| filter.exchange(e))
        .collect();
    if args.json {
        write_json(&exchanges, &outcomes, &subject);
        return Ok(Outcome::Done);
    }
    // In time order; an exchange before the outcomes it settled.
    let mut lines: Vec<(i64, u8, String)> = exchanges
        .iter()
        .map(|e| (e.at, 0, exchange_line(e, &group)))
        .chain(outcomes.iter().map(|o| (o.at, 1, outcome_line(o, &group))))
        .collect();
    lines.sort_by_key(|(at, order, _)| (*at, *order));
    super::table::print_lines(lines.into_iter().map(|(_, _, line)| line));
    let said = format!(
        "{} exchange(s), {} participant outcome(s) (--csv for the outcomes, --json for everything)",
        exchanges.len(),
        outcomes.len()
    );
    for part in super::table::fit_stderr(&said) {
        eprintln!("{part}");
    }
    Ok(Outcome::Done)
}

/// The keys the log may hold `text`'s person by, as it keeps them (a phone in E.164, a
/// BSUID): a phone number, a BSUID or an `@username`, each completed by what the mirror
/// knows of the person, and a username by the outcomes that name it (`outcomes`: the whole
/// log's). An input error names what could not be read, or a username no one has.
async fn person_keys(
    store: &crate::store::AccountStore,
    text: &str,
    region: Option<crate::domain::Region>,
    outcomes: &[ParticipantOutcome],
) -> Result<Vec<String>, Failure> {
    let text = text.trim();
    let bad = |e: String| Failure::input(format!("--participant {}: {e}", sanitize(text)));
    let query = if text.starts_with('@') {
        Query::username(text).ok_or_else(|| {
            bad("not a WhatsApp username (3 to 35 letters, digits, . and _)".into())
        })?
    } else if UserId::is_meant(text) {
        Query::User(UserId::parse(text).map_err(|e| bad(e.to_string()))?)
    } else {
        match Participant::parse(text, region) {
            Ok(phone) => Query::Phone(phone),
            // Not a number, but a username without its `@` (as `/` in the app takes it).
            Err(e) => Query::username(text)
                .filter(|_| text.chars().any(|c| c.is_alphabetic()))
                .ok_or_else(|| bad(e.to_string()))?,
        }
    };
    let mut keys: Vec<String> = match &query {
        Query::Phone(p) => vec![p.e164().to_owned()],
        Query::User(id) => vec![id.as_str().to_owned()],
        Query::Username(_) => Vec::new(),
    };
    for (_, member) in store
        .groups_with_member(&query)
        .await
        .map_err(store_failure)?
    {
        keys.extend(member.phone().map(|p| p.e164().to_owned()));
        keys.extend(member.user_id().map(|id| id.as_str().to_owned()));
    }
    if let Query::Username(name) = &query {
        keys.extend(
            outcomes
                .iter()
                .filter(|o| {
                    o.username
                        .as_deref()
                        .is_some_and(|u| u.eq_ignore_ascii_case(name))
                })
                .map(|o| o.participant.clone()),
        );
    }
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return Err(bad(
            "no one in the mirror's groups or in the log has this username".into(),
        ));
    }
    Ok(keys)
}

/// `TIME  POST   Book Club  +1…, +44…  206 code 131201  90 ms  request R: message`
fn exchange_line(e: &Exchange, group: &impl Fn(&str) -> String) -> String {
    let what = match (&e.group_id, e.participants.is_empty()) {
        (Some(g), false) => format!("{}  {}", group(g), sanitize(&e.participants)),
        // What of the group a request without participants was about (`join_requests`,
        // `invite_link`), so a read of the group and of its join requests tell apart.
        (Some(g), true) => present::words([group(g).as_str(), &sanitize(part_of(&e.path, g))]),
        (None, _) => sanitize(&e.path),
    };
    let status = e
        .status
        .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
    let code = e
        .graph_code
        .map(|c| format!(" code {c}"))
        .unwrap_or_default();
    let request = e
        .request_id
        .as_deref()
        .map(|r| format!("  request {}", sanitize(r)))
        .unwrap_or_default();
    let error = e
        .error
        .as_deref()
        .map(|m| format!(": {}", sanitize(m)))
        .unwrap_or_default();
    format!(
        "{}  {:<6} {what}  {status}{code}  {} ms{request}{error}",
        rfc3339(e.at),
        e.method,
        e.duration_ms
    )
}

/// The part of the group a path names after the group's id (`join_requests` in
/// `/v23.0/ID/join_requests`), empty for the group itself.
fn part_of<'a>(path: &'a str, group: &str) -> &'a str {
    path.split('/')
        .skip_while(|segment| *segment != group)
        .nth(1)
        .unwrap_or_default()
}

/// `TIME  failed    add    +1… in Book Club: 131203 message  request R`; a change about no
/// participant without the gap (`TIME  confirmed create in Spring Cohort`).
fn outcome_line(o: &ParticipantOutcome, group: &impl Fn(&str) -> String) -> String {
    let why = match (o.code, o.message.as_deref()) {
        (Some(c), Some(m)) => format!(": {c} {}", sanitize(m)),
        (Some(c), None) => format!(": {c}"),
        (None, Some(m)) => format!(": {}", sanitize(m)),
        (None, None) => String::new(),
    };
    let request = o
        .request_id
        .as_deref()
        .map(|r| format!("  request {}", sanitize(r)))
        .unwrap_or_default();
    // The participant as kept, with their username when the outcome knows it.
    let participant = present::outcome_person(o);
    // The action is padded to line up the participants after it; with none, it is not.
    let action = if participant.is_empty() {
        o.action.as_str().to_owned()
    } else {
        format!("{:<6}", o.action.as_str())
    };
    format!(
        "{}  {:<9} {}{why}{request}",
        rfc3339(o.at),
        o.result.as_str(),
        present::words([action.as_str(), &participant, "in", &group(&o.group_id)])
    )
}

/// The subjects of the groups the creates among `outcomes` made, where the mirror does not
/// know them (yet): a group is named by the subject its create asked for, not by its id.
async fn made_subjects(
    store: &crate::store::AccountStore,
    outcomes: &[ParticipantOutcome],
    names: &GroupNames,
) -> Result<HashMap<String, String>, Failure> {
    let ids: Vec<_> = outcomes
        .iter()
        .filter(|o| o.action == OperationKind::Create && !names.knows(&o.group_id))
        .filter_map(|o| o.operation_id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ops = store
        .operations(OperationFilter {
            ids: Some(ids),
            ..OperationFilter::default()
        })
        .await
        .map_err(store_failure)?;
    Ok(ops
        .into_iter()
        .filter_map(|op| match op.spec {
            OpSpec::Create {
                group: Some(group),
                new,
            } => Some((group, new.subject)),
            _ => None,
        })
        .collect())
}

fn write_csv(
    outcomes: &[ParticipantOutcome],
    subject: &impl Fn(&str) -> Option<String>,
) -> Result<Outcome, Failure> {
    let mut out = CsvOut::new(std::io::stdout().lock());
    out.row([
        "time",
        "group",
        "subject",
        "participant",
        "action",
        "result",
        "code",
        "message",
        "request_id",
        "username",
    ])?;
    for o in outcomes {
        let code = o.code.map(|c| c.to_string()).unwrap_or_default();
        let subject = subject(&o.group_id).unwrap_or_default();
        out.row([
            rfc3339(o.at).as_str(),
            &o.group_id,
            &subject,
            &o.participant,
            o.action.as_str(),
            o.result.as_str(),
            &code,
            o.message.as_deref().unwrap_or(""),
            o.request_id.as_deref().unwrap_or(""),
            o.username.as_deref().unwrap_or(""),
        ])?;
    }
    out.flush()?;
    Ok(Outcome::Done)
}

fn write_json(
    exchanges: &[Exchange],
    outcomes: &[ParticipantOutcome],
    subject: &impl Fn(&str) -> Option<String>,
) {
    let subject = |g: Option<&str>| g.and_then(subject);
    let value = json!({
        "exchanges": exchanges.iter().map(|e| json!({
            "time": rfc3339(e.at), "method": e.method, "path": e.path,
            "group": e.group_id, "subject": subject(e.group_id.as_deref()),
            "participants": participants(e).collect::<Vec<_>>(),
            "status": e.status, "code": e.graph_code, "request_id": e.request_id,
            "duration_ms": e.duration_ms, "error": e.error,
        })).collect::<Vec<_>>(),
        "outcomes": outcomes.iter().map(|o| json!({
            "time": rfc3339(o.at), "group": o.group_id, "subject": subject(Some(&o.group_id)),
            "participant": o.participant, "username": o.username,
            "action": o.action, "result": o.result,
            "code": o.code, "message": o.message, "request_id": o.request_id,
            "operation": o.operation_id.map(|id| id.0),
        })).collect::<Vec<_>>(),
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}

#[cfg(test)]
mod tests {
    use super::part_of;

    #[test]
    fn the_part_of_a_group_a_path_names() {
        assert_eq!(part_of("/v23.0/G1/join_requests", "G1"), "join_requests");
        assert_eq!(part_of("/v23.0/G1/invite_link", "G1"), "invite_link");
        assert_eq!(part_of("/v23.0/G1", "G1"), "");
        assert_eq!(part_of("/v23.0/100/groups", "G1"), "");
    }
}
