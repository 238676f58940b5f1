//! Graph error envelopes and the raw responses (JSON, HTML) the sandbox sends.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// A Graph API error, sent as `{"error":{"message","type","code","error_subcode"?,
/// "error_data"?,"fbtrace_id","is_transient"?}}`.
#[derive(Clone, Debug)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
    pub subcode: Option<u32>,
    pub details: Option<String>,
    pub transient: bool,
}

impl GraphError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            subcode: None,
            details: None,
            transient: false,
        }
    }

    /// 400, code 100: a bad parameter or an unsupported request.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 100, message)
    }

    pub fn details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    pub fn subcode(mut self, subcode: u32) -> Self {
        self.subcode = Some(subcode);
        self
    }

    pub fn transient(mut self) -> Self {
        self.transient = true;
        self
    }

    /// 401, code 190.
    pub fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 190, "Invalid OAuth access token")
    }

    /// 400, code 131041.
    pub fn unknown_group(group_id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            131041,
            "Group unknown, or the business is not in it",
        )
        .details(format!(
            "Group {group_id} does not exist or the business is not a participant"
        ))
    }

    /// 429, code 131208.
    pub fn rate_limit() -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, 131208, "Rate limit hit")
            .details("Too many group requests; retry after a pause")
            .transient()
    }

    /// 403, code 131207: the group is suspended; nothing but its info can be had.
    pub fn suspended(group_id: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, 131207, "Group is suspended").details(format!(
            "Group {group_id} is suspended and cannot be changed"
        ))
    }

    /// 400, code 131215: the number may not use the Groups API.
    pub fn not_eligible() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            131215,
            "Business phone number is not eligible for the Groups API",
        )
        .details("Groups are available to Official Business Accounts on the Cloud API")
    }

    /// 400, code 131059: a paging cursor that is corrupted or expired.
    pub fn invalid_cursor(name: &str, text: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 131059, "Invalid cursor").details(format!(
            "{name} was `{text}`; start again from the first page"
        ))
    }

    /// The `error` object alone.
    pub fn error_object(&self, fbtrace_id: &str) -> Map<String, Value> {
        let mut error = Map::new();
        error.insert("message".into(), json!(self.message));
        error.insert("type".into(), json!("OAuthException"));
        error.insert("code".into(), json!(self.code));
        if let Some(subcode) = self.subcode {
            error.insert("error_subcode".into(), json!(subcode));
        }
        if let Some(details) = &self.details {
            error.insert(
                "error_data".into(),
                json!({"messaging_product": "whatsapp", "details": details}),
            );
        }
        error.insert("fbtrace_id".into(), json!(fbtrace_id));
        if self.transient {
            error.insert("is_transient".into(), json!(true));
        }
        error
    }

    /// The whole envelope, with `extra` top-level fields (e.g. `failed_participants`).
    pub fn into_response(self, fbtrace_id: &str, extra: Map<String, Value>) -> Response {
        let mut body = Map::new();
        body.insert("error".into(), Value::Object(self.error_object(fbtrace_id)));
        body.extend(extra);
        let mut response = json_response(self.status, &Value::Object(body));
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    "OAuth \"Facebook Platform\" \"invalid_token\" \"Invalid OAuth access token\"",
                ),
            );
        }
        response
    }
}

/// A per-item error inside group answers and webhooks: `{code, message, title,
/// error_data: {details}}` (the contract's `Error` schema).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemError {
    pub code: u32,
    pub title: &'static str,
    pub message: &'static str,
    pub details: String,
}

impl ItemError {
    pub fn to_json(&self) -> Value {
        json!({
            "code": self.code,
            "message": self.message,
            "title": self.title,
            "error_data": {"details": self.details},
        })
    }

    /// 131203: the user has not accepted the current terms (R's example, for adds and approvals).
    pub fn terms_not_accepted(details: String) -> Self {
        ItemError {
            code: 131203,
            title: "Unable to add participant to group",
            message: "Recipient has not accepted our new Terms of Service and Privacy Policy",
            details,
        }
    }

    /// The same error as a whole-request Graph error with `status`.
    pub fn to_graph(&self, status: StatusCode) -> GraphError {
        GraphError::new(status, self.code, self.message).details(self.details.clone())
    }
}

/// A JSON body with `content-type: application/json`.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// The HTML page a broken proxy in front of Graph would send.
pub fn bad_gateway_page() -> Response {
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/html"))],
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
        .into_response()
}
