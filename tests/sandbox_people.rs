//! People as the sandbox shows them: a BSUID for everyone, usernames, hidden phone numbers, and
//! removal by BSUID, over HTTP.

mod sandbox_common;

use std::collections::BTreeMap;

use sandbox_common::{Api, body, start};
use serde_json::{Value, json};
use wa_groups::sandbox::{Sandbox, SandboxConfig, User};

const FIELDS: &str = "participants,total_participant_count";

fn is_bsuid(text: &str) -> bool {
    let Some((country, digits)) = text.split_once('.') else {
        return false;
    };
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && (1..=128).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Every participant of every group, as group info shows them.
async fn all_participants(sb: &Sandbox) -> Vec<(String, Value)> {
    let api = Api::new(sb);
    let mut out = Vec::new();
    for id in sb.group_ids() {
        let info = api.get(&format!("{id}?fields={FIELDS}")).await.json();
        let list = info["participants"].as_array().cloned().unwrap_or_default();
        assert_eq!(info["total_participant_count"], list.len(), "{info}");
        out.extend(list.into_iter().map(|p| (id.clone(), p)));
    }
    out
}

#[tokio::test]
async fn every_member_has_a_bsuid_stable_per_phone_and_business() {
    let config = |seed, phone_number_id: &str| SandboxConfig {
        groups: 30,
        seed,
        phone_number_id: phone_number_id.to_owned(),
        ..SandboxConfig::default()
    };
    let a = start(config(3, "100000000000001")).await;
    let again = start(config(3, "100000000000001")).await;
    let other_business = start(config(3, "100000000000002")).await;
    let people = all_participants(&a).await;
    assert!(people.len() > 40, "{}", people.len());
    let mut by_phone: BTreeMap<String, String> = BTreeMap::new();
    for (_, p) in &people {
        let (wa_id, user_id) = (p["wa_id"].as_str(), p["user_id"].as_str());
        let (wa_id, user_id) = (wa_id.expect("phones shown"), user_id.expect("a BSUID"));
        assert!(is_bsuid(user_id), "{p}");
        let country = if wa_id.starts_with('1') {
            "US."
        } else if wa_id.starts_with("44") {
            "GB."
        } else {
            "BR."
        };
        assert!(user_id.starts_with(country), "{p}");
        if let Some(known) = by_phone.insert(wa_id.to_owned(), user_id.to_owned()) {
            assert_eq!(
                known, user_id,
                "the same person has one BSUID in every group"
            );
        }
        assert_eq!(
            again.person(wa_id).map(|q| q.user_id),
            Some(user_id.to_owned())
        );
        let elsewhere = other_business.person(wa_id).map(|q| q.user_id);
        assert!(
            elsewhere.is_some_and(|id| id != user_id),
            "BSUIDs are per business"
        );
    }
    let named = people
        .iter()
        .filter(|(_, p)| p["username"].is_string())
        .count();
    assert!(
        named > 0 && named < people.len(),
        "some members have a username: {named}"
    );
    assert!(
        people
            .iter()
            .all(|(_, p)| p.get("parent_user_id").is_none())
    );
    let linked = start(SandboxConfig {
        groups: 5,
        parent_user_ids: true,
        ..SandboxConfig::default()
    })
    .await;
    let people = all_participants(&linked).await;
    assert!(!people.is_empty());
    for (_, p) in &people {
        let parent = p["parent_user_id"].as_str().unwrap_or_default();
        assert!(
            is_bsuid(parent) && parent != p["user_id"].as_str().unwrap_or_default(),
            "{p}"
        );
    }
}

#[tokio::test]
async fn hidden_phone_rate_hides_that_share_of_phones_everywhere() {
    let sb = start(SandboxConfig {
        groups: 60,
        hidden_phone_rate: 0.2,
        approval_rate: 0.5,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&sb);
    let people = all_participants(&sb).await;
    let hidden: Vec<&Value> = people
        .iter()
        .map(|(_, p)| p)
        .filter(|p| p.get("wa_id").is_none())
        .collect();
    let share = hidden.len() as f64 / people.len() as f64;
    assert!(
        (0.1..=0.3).contains(&share),
        "{} of {}",
        hidden.len(),
        people.len()
    );
    for p in &hidden {
        assert!(p["username"].is_string() && p["user_id"].is_string(), "{p}");
    }
    // The sandbox still knows them: the phone is only not shown.
    let (group, someone) = people
        .iter()
        .find(|(_, p)| p.get("wa_id").is_none())
        .cloned()
        .expect("a hidden member");
    let user_id = someone["user_id"].as_str().unwrap_or_default();
    let person = sb.person(user_id).expect("known by BSUID");
    assert!(
        person.phone_hidden
            && sb
                .members(&group)
                .unwrap_or_default()
                .contains(&person.wa_id)
    );
    // Join requests hide them the same way.
    let mut requests = Vec::new();
    for id in sb.group_ids() {
        let v = api
            .get(&format!("{id}/join_requests?limit=100"))
            .await
            .json();
        requests.extend(v["data"].as_array().cloned().unwrap_or_default());
    }
    assert!(requests.len() > 10, "{}", requests.len());
    for r in &requests {
        assert!(r["user_id"].as_str().is_some_and(is_bsuid), "{r}");
        assert!(r.get("wa_id").is_some() || r["username"].is_string(), "{r}");
    }
    let hidden_askers = requests.iter().filter(|r| r.get("wa_id").is_none()).count();
    assert!(
        hidden_askers > 0 && hidden_askers < requests.len(),
        "{hidden_askers}"
    );
    let none = start(SandboxConfig {
        groups: 20,
        ..SandboxConfig::default()
    })
    .await;
    assert!(
        all_participants(&none)
            .await
            .iter()
            .all(|(_, p)| p["wa_id"].is_string())
    );
}

#[tokio::test]
async fn a_hook_user_can_hide_their_phone_and_an_add_shows_it_again() {
    let sb = start(SandboxConfig {
        groups: 0,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&sb);
    let id = sb.insert_group("Privacy", &[]);
    let link = sb.invite_link(&id).expect("link");
    let user = User {
        phone: "+447400123456",
        username: Some("ana.k42"),
        hide_phone: Some(true),
    };
    let (_, person) = sb.join_by_link(&link, &user).expect("joined");
    assert!(person.phone_hidden);
    let info = api.get(&format!("{id}?fields=participants")).await.json();
    let shown = &info["participants"][0];
    assert_eq!(shown.get("wa_id"), None);
    assert_eq!(shown["username"], "ana.k42");
    assert_eq!(shown["user_id"], person.user_id.as_str());
    // The business removes them by BSUID, then adds them back by phone: now it knows the phone.
    let removal = body(json!({"participants": [{"user": person.user_id}]}));
    let reply = api
        .json("DELETE", &format!("{id}/participants"), &removal)
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(sb.members(&id), Some(vec![]));
    let add = body(json!({"participants": [{"user": "+447400123456"}]}));
    assert_eq!(
        api.json("POST", &format!("{id}/participants"), &add)
            .await
            .status,
        200
    );
    let info = api.get(&format!("{id}?fields=participants")).await.json();
    assert_eq!(info["participants"][0]["wa_id"], "447400123456");
}

#[tokio::test]
async fn removal_by_bsuid_in_user_or_user_id_and_adds_need_a_phone() {
    let sb = start(SandboxConfig {
        groups: 0,
        ..SandboxConfig::default()
    })
    .await;
    let api = Api::new(&sb);
    let id = sb.insert_group("Ids", &["12125550101", "12125550102", "5511987654321"]);
    let path = format!("{id}/participants");
    let bsuid = |wa_id: &str| sb.person(wa_id).map(|p| p.user_id).unwrap_or_default();
    let (first, second, third) = (
        bsuid("12125550101"),
        bsuid("12125550102"),
        bsuid("5511987654321"),
    );
    assert!(third.starts_with("BR."), "{third}");
    let as_user = body(json!({"participants": [{"user": first}]}));
    assert_eq!(api.json("DELETE", &path, &as_user).await.status, 200);
    let as_user_id = body(json!({"participants": [{"user_id": second}]}));
    assert_eq!(api.json("DELETE", &path, &as_user_id).await.status, 200);
    assert_eq!(sb.members(&id), Some(vec!["5511987654321".to_owned()]));
    // The same person twice (phone and BSUID) is a duplicate; a stranger's BSUID is no member.
    let twice = body(json!({"participants": [{"user": "+5511987654321"}, {"user_id": third}]}));
    api.json("DELETE", &path, &twice)
        .await
        .graph_error(400, 131202);
    let stranger = body(json!({"participants": [{"user": "US.12345678901234567890"}]}));
    let reply = api.json("DELETE", &path, &stranger).await;
    reply.graph_error(400, 131212);
    assert_eq!(
        reply.json()["failed_participants"][0]["input"],
        "US.12345678901234567890"
    );
    let both = body(json!({"participants": [{"user": "+12125550101", "user_id": first}]}));
    api.json("DELETE", &path, &both).await.graph_error(400, 100);
    let bad = body(json!({"participants": [{"user_id": "+12125550101"}]}));
    api.json("DELETE", &path, &bad).await.graph_error(400, 100);
    // Adds need a phone number, in either field.
    for add in [
        body(json!({"participants": [{"user": first}]})),
        body(json!({"participants": [{"user_id": first}]})),
    ] {
        let reply = api.json("POST", &path, &add).await;
        reply.graph_error(400, 100);
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        assert!(message.contains("phone number"), "{message}");
    }
    assert_eq!(sb.members(&id), Some(vec!["5511987654321".to_owned()]));
}
