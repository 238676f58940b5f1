//! The add and remove calls: auth, unknown groups, bodies, duplicates, capacity, partial success.

use serde_json::json;

use super::*;

#[tokio::test]
async fn auth_is_required_except_for_stats() {
    let sb = sandbox_with(2).await;
    let path = format!("/{V}/{}/groups", sb.phone_number_id());
    let none = parse(&exchange(sb.addr(), &request("GET", &path, None, None)).await);
    assert_graph_error(&none, 401, 190);
    assert_eq!(
        none.json()["error"]["message"],
        "Invalid OAuth access token"
    );
    let wrong = parse(&exchange(sb.addr(), &request("GET", &path, Some("nope"), None)).await);
    assert_graph_error(&wrong, 401, 190);
    let stats = parse(&exchange(sb.addr(), &request("GET", "/_sandbox/stats", None, None)).await);
    assert_eq!(stats.status, 200);
    assert_eq!(stats.json()["by_route"]["GET /groups"]["401"], 2);
    assert_eq!(call(&sb, "GET", &path, None).await.status, 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_group_is_131041_everywhere() {
    let sb = sandbox_with(1).await;
    let info = call(&sb, "GET", &format!("/{V}/Tm9wZQ?fields=subject"), None).await;
    assert_graph_error(&info, 400, 131041);
    assert_graph_error(&add(&sb, "Tm9wZQ", &["+15551234567"]).await, 400, 131041);
    assert_graph_error(&remove(&sb, "Tm9wZQ", &["+15551234567"]).await, 400, 131041);
    assert_graph_error(
        &call(&sb, "DELETE", &format!("/{V}/Tm9wZQ"), None).await,
        400,
        131041,
    );
}

#[tokio::test]
async fn malformed_bodies_are_code_100() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Bodies", &[]);
    let path = format!("/{V}/{group}/participants");
    let nine: Vec<String> = (1..=9).map(|i| format!("+1555123456{i}")).collect();
    let nine: Vec<&str> = nine.iter().map(String::as_str).collect();
    let cases = [
        "not json".to_owned(),
        String::new(),
        "[]".to_owned(),
        json!({"participants": [{"user": "+15551234567"}]}).to_string(),
        json!({"messaging_product": "sms", "participants": [{"user": "+15551234567"}]}).to_string(),
        json!({"messaging_product": "whatsapp"}).to_string(),
        json!({"messaging_product": "whatsapp", "participants": []}).to_string(),
        json!({"messaging_product": "whatsapp", "participants": "x"}).to_string(),
        users(&nine),
    ];
    for body in &cases {
        let reply = call(&sb, "POST", &path, Some(body)).await;
        assert_graph_error(&reply, 400, 100);
    }
    for bad in [
        "abc",
        "+0155512345",
        "12345",
        "+1 555 123 4567",
        "1234567890123456",
    ] {
        let reply = add(&sb, &group, &["+15551234567", bad]).await;
        assert_graph_error(&reply, 400, 100);
        let v = reply.json();
        let details = v["error"]["error_data"]["details"].as_str().unwrap_or("");
        assert!(
            details.contains("participants[1]") && details.contains(bad),
            "{details}"
        );
    }
    let no_user = json!({"messaging_product": "whatsapp", "participants": [{"phone": "1"}]});
    let reply = call(&sb, "DELETE", &path, Some(&no_user.to_string())).await;
    assert_graph_error(&reply, 400, 100);
    assert_eq!(sb.members(&group), Some(vec![]));
    assert_eq!(sb.stats()["applied_writes"], 0);
}

#[tokio::test]
async fn duplicates_after_normalising_are_131202() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Dups", &[]);
    let reply = add(&sb, &group, &["+15551234567", "15551234567"]).await;
    assert_graph_error(&reply, 400, 131202);
    assert_eq!(sb.members(&group), Some(vec![]));
}

#[tokio::test]
async fn adds_past_eight_are_131204_and_nothing_applies() {
    let sb = sandbox_with(0).await;
    let six: Vec<String> = (1..=6).map(|i| format!("1555123450{i}")).collect();
    let six: Vec<&str> = six.iter().map(String::as_str).collect();
    let group = sb.insert_group("Nearly full", &six);
    let reply = add(
        &sb,
        &group,
        &["+15559990001", "+15559990002", "+15559990003"],
    )
    .await;
    assert_graph_error(&reply, 400, 131204);
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(6));
    // Existing members do not count as new: 6 + 2 new fits.
    let fits = add(&sb, &group, &[six[0], "+15559990001", "+15559990002"]).await;
    assert_eq!(fits.status, 200, "{fits:?}");
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(8));
}

#[tokio::test]
async fn successful_add_and_remove_answer_200_with_request_id() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Happy", &["+447700900123"]);
    let reply = add(
        &sb,
        &group,
        &["+15551234567", "12125550123", "447700900123"],
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let v = reply.json();
    assert_eq!(v["messaging_product"], "whatsapp");
    assert!(v["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        sb.members(&group),
        Some(vec![
            "12125550123".to_owned(),
            "15551234567".to_owned(),
            "447700900123".to_owned()
        ])
    );
    let gone = remove(&sb, &group, &["+12125550123"]).await;
    assert_eq!(gone.status, 200, "{gone:?}");
    assert_eq!(sb.members(&group).map(|m| m.len()), Some(2));
    assert_eq!(sb.stats()["applied_writes"], 2);
}

#[tokio::test]
async fn terms_not_accepted_is_a_partial_success() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Terms", &[]);
    let reply = add(&sb, &group, &["+15551230000", "+15551234567"]).await;
    assert_eq!(reply.status, 206, "{reply:?}");
    let v = reply.json();
    assert_eq!(v["messaging_product"], "whatsapp");
    assert!(v["request_id"].is_string());
    assert_eq!(v["error"]["code"], 131201);
    assert_eq!(v["error"]["message"], "Partial success");
    let failed = &v["failed_participants"];
    assert_eq!(failed.as_array().map(Vec::len), Some(1));
    assert_eq!(failed[0]["input"], "+15551230000");
    assert_eq!(failed[0]["errors"][0]["code"], 131203);
    assert!(failed[0]["errors"][0]["title"].is_string());
    assert!(failed[0]["errors"][0]["error_data"]["details"].is_string());
    assert_eq!(sb.members(&group), Some(vec!["15551234567".to_owned()]));
    let alone = add(&sb, &group, &["15551230000"]).await;
    assert_graph_error(&alone, 400, 131203);
    assert_eq!(
        alone.json()["failed_participants"][0]["input"],
        "15551230000"
    );
}

#[tokio::test]
async fn removing_a_non_member_is_131212() {
    let sb = sandbox_with(0).await;
    let group = sb.insert_group("Removals", &["15551234567"]);
    let mixed = remove(&sb, &group, &["+15557654321", "+15551234567"]).await;
    assert_eq!(mixed.status, 206, "{mixed:?}");
    let v = mixed.json();
    assert_eq!(v["error"]["code"], 131201);
    assert_eq!(v["failed_participants"][0]["input"], "+15557654321");
    assert_eq!(v["failed_participants"][0]["errors"][0]["code"], 131212);
    assert_eq!(sb.members(&group), Some(vec![]));
    let alone = remove(&sb, &group, &["+15557654321"]).await;
    assert_graph_error(&alone, 400, 131212);
    assert_eq!(
        alone.json()["failed_participants"][0]["errors"][0]["code"],
        131212
    );
}
