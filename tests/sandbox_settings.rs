//! A group's settings over HTTP: subject and description as JSON, checked field by field, and
//! the photo as a multipart JPEG (square, at least 192 px, at most 5 MB).

mod sandbox_common;

use sandbox_common::{Api, body, multipart, plain};
use serde_json::json;
use sha2::{Digest, Sha256};
use wa_groups::testing::jpeg;

#[tokio::test]
async fn settings_apply_field_by_field() {
    let sb = plain(0).await;
    let api = Api::new(&sb);
    let id = sb.insert_group("Old name", &[]);
    let both = body(json!({"subject": " New name ", "description": "About us"}));
    let reply = api.json("POST", &id, &both).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(reply.json()["request_id"].is_string());
    let group = sb.group(&id).expect("group");
    assert_eq!(
        (group.subject.as_str(), group.description.as_str()),
        ("New name", "About us")
    );
    // A subject too long is not applied; the description sent with it is.
    let mixed = body(json!({"subject": "s".repeat(129), "description": "Second"}));
    assert_eq!(api.json("POST", &id, &mixed).await.status, 200);
    let group = sb.group(&id).expect("group");
    assert_eq!(
        (group.subject.as_str(), group.description.as_str()),
        ("New name", "Second")
    );
    for bad in [
        body(json!({})),
        json!({"subject": "No product"}),
        body(json!({"join_approval_mode": "auto_approve"})),
        body(json!({"profile_picture_file": "/home/me/square.jpg"})),
        body(json!({"subject": ["x"]})),
    ] {
        api.json("POST", &id, &bad).await.graph_error(400, 100);
    }
    api.json("POST", "Tm9wZQ", &both)
        .await
        .graph_error(400, 131041);
}

#[tokio::test]
async fn the_photo_is_a_multipart_jpeg_square_and_at_least_192_px() {
    let sb = plain(0).await;
    let api = Api::new(&sb);
    let id = sb.insert_group("Photo", &[]);
    let product = [("messaging_product", "whatsapp")];
    let square = jpeg(640, 640);
    let (kind, upload) = multipart(&product, Some(("file", "image/jpeg", &square)));
    let reply = api.post_raw(&id, &kind, upload).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let sha = hex_sha(&square);
    assert_eq!(sb.group(&id).and_then(|g| g.photo_sha256), Some(sha));
    // pywa's way: every field as multipart, the picture as `profile_picture_file`.
    let other = jpeg(192, 192);
    let texts = [("messaging_product", "whatsapp"), ("subject", "Renamed")];
    let (kind, upload) = multipart(&texts, Some(("profile_picture_file", "image/jpeg", &other)));
    assert_eq!(api.post_raw(&id, &kind, upload).await.status, 200);
    let group = sb.group(&id).expect("group");
    assert_eq!(group.subject, "Renamed");
    assert_eq!(group.photo_sha256, Some(hex_sha(&other)));
    let mut big = jpeg(640, 640);
    big.resize(5 * 1024 * 1024 + 1, 0);
    let cases: [(&[u8], &str, u64); 5] = [
        (&jpeg(640, 480), "image/jpeg", 131209),
        (&jpeg(191, 191), "image/jpeg", 131210),
        (&jpeg(640, 640), "image/png", 100),
        (b"\x89PNG\r\n\x1a\n0000", "application/octet-stream", 100),
        (&big, "image/jpeg", 100),
    ];
    for (bytes, content_type, code) in cases {
        let (kind, upload) = multipart(&product, Some(("file", content_type, bytes)));
        api.post_raw(&id, &kind, upload)
            .await
            .graph_error(400, code);
    }
    let (kind, upload) = multipart(&[], Some(("file", "image/jpeg", &square)));
    api.post_raw(&id, &kind, upload).await.graph_error(400, 100);
    assert_eq!(
        sb.group(&id).and_then(|g| g.photo_sha256),
        Some(hex_sha(&other))
    );
}

fn hex_sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
