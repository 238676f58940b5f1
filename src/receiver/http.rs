//! The receiver's two routes on `/webhook`: the verification handshake (`GET`) and
//! deliveries (`POST`), each refusal with its status and a log line that never carries the
//! body, the signature or a secret.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{Intake, MAX_BODY};
use crate::api::webhook::parse_delivery;
use crate::receiver::signature::{is_verify_token, verify};

/// The longest `hub.challenge` echoed (Meta's are a few digits).
const MAX_CHALLENGE: usize = 256;

/// `GET` and `POST /webhook`, bodies capped at [`MAX_BODY`] (413 past it).
pub(super) fn router(intake: Arc<Intake>) -> Router {
    Router::new()
        .route("/webhook", get(handshake).post(delivery))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(intake)
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain")], text).into_response()
}

/// `?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C`: 200 with the challenge when the
/// mode is `subscribe` and the token matches; 403 otherwise (§2.1); 400 without a usable
/// challenge.
async fn handshake(
    State(intake): State<Arc<Intake>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mode = query.get("hub.mode").map(String::as_str);
    let token = query.get("hub.verify_token").map(String::as_str);
    let challenge = query.get("hub.challenge");
    let Some(challenge) = challenge.filter(|c| {
        !c.is_empty() && c.len() <= MAX_CHALLENGE && c.bytes().all(|b| b.is_ascii_graphic())
    }) else {
        tracing::warn!("webhook handshake refused: no usable hub.challenge");
        return plain(
            StatusCode::BAD_REQUEST,
            "hub.challenge missing or not plain text\n",
        );
    };
    let token_ok = token.is_some_and(|t| is_verify_token(&intake.secrets.verify_token, t));
    if mode != Some("subscribe") || !token_ok {
        tracing::warn!(
            mode_is_subscribe = mode == Some("subscribe"),
            "webhook handshake refused: wrong mode or verify token"
        );
        return plain(StatusCode::FORBIDDEN, "verification refused\n");
    }
    tracing::info!("webhook handshake answered");
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain")],
        challenge.clone(),
    )
        .into_response()
}

/// A delivery: signature on the raw bytes first, then JSON, then every item committed to the
/// store, then 200. 401 unsigned or badly signed, 400 not a webhook envelope, 413 too large
/// (by the body limit), 500 when the store cannot take it (Meta retries).
async fn delivery(State(intake): State<Arc<Intake>>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers.get("x-hub-signature-256").map(|v| v.as_bytes());
    if let Err(why) = verify(&intake.secrets.app_secret, signature, &body) {
        intake.stats.refused();
        tracing::warn!(bytes = body.len(), reason = %why, "webhook refused: signature");
        return plain(StatusCode::UNAUTHORIZED, "signature refused\n");
    }
    let delivery = match parse_delivery(&body) {
        Ok(delivery) => delivery,
        Err(why) => {
            intake.stats.refused();
            tracing::warn!(bytes = body.len(), reason = %why, "webhook refused: body");
            return plain(StatusCode::BAD_REQUEST, "not a webhook delivery\n");
        }
    };
    match intake.take(delivery).await {
        Ok(()) => plain(StatusCode::OK, "EVENT_RECEIVED\n"),
        Err(e) => {
            tracing::error!(error = %e, "webhook not stored; the sender will retry");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "not stored, try again\n")
        }
    }
}
