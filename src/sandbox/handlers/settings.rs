//! `POST /{v}/{group_id}`: subject and description as JSON, the photo as multipart (§1.4).

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use axum::response::Response;
use serde_json::Value;

use super::photo::check_photo;
use super::{Write, accepted, check_product, error, group_error, optional_text, write_body};
use crate::sandbox::errors::GraphError;
use crate::sandbox::shared::Shared;
use crate::sandbox::state::now;
use crate::sandbox::webhook::{Field, events};

/// Largest JSON settings body read.
const JSON_LIMIT: usize = 64 * 1024;

/// What one settings request asks for.
#[derive(Debug, Default)]
struct Asked {
    subject: Option<String>,
    description: Option<String>,
    photo_sha256: Option<String>,
}

fn from_json(body: &[u8]) -> Result<Asked, GraphError> {
    let object = write_body(body)?;
    if object.contains_key("join_approval_mode") {
        return Err(GraphError::invalid(
            "Param join_approval_mode cannot be changed after the group is created",
        ));
    }
    if object.contains_key("profile_picture_file") {
        return Err(
            GraphError::invalid("Param profile_picture_file must be uploaded as a file").details(
                "send the photo as multipart/form-data with messaging_product=whatsapp and the \
             JPEG in the part `file`",
            ),
        );
    }
    let text = |name: &str| optional_text(&object, name);
    Ok(Asked {
        subject: text("subject")?,
        description: text("description")?,
        photo_sha256: None,
    })
}

fn multipart_error(e: impl std::fmt::Display) -> GraphError {
    GraphError::invalid("The multipart/form-data body cannot be read").details(e.to_string())
}

/// Parts `messaging_product`, `subject`, `description` (text) and the JPEG as `file` (R, C)
/// or `profile_picture_file` (as pywa sends it).
async fn from_multipart(request: Request) -> Result<Asked, GraphError> {
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(multipart_error)?;
    let mut asked = Asked::default();
    let mut product = None;
    let mut photo: Option<(Bytes, Option<String>)> = None;
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "file" | "profile_picture_file" => {
                let content_type = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await.map_err(multipart_error)?;
                photo = Some((bytes, content_type));
            }
            "messaging_product" | "subject" | "description" => {
                let text = field.text().await.map_err(multipart_error)?;
                match name.as_str() {
                    "messaging_product" => product = Some(Value::String(text)),
                    "subject" => asked.subject = Some(text),
                    _ => asked.description = Some(text),
                }
            }
            _ => {}
        }
    }
    check_product(product.as_ref())?;
    if let Some((bytes, content_type)) = photo {
        asked.photo_sha256 = Some(check_photo(&bytes, content_type.as_deref())?);
    }
    Ok(asked)
}

/// Applies what was asked; each field is checked on its own and its outcome reported in the
/// `group_settings_update` webhook (W), the answer only saying the request was accepted.
pub async fn update(shared: &Shared, group_id: &str, request: Request) -> Response {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let asked = if multipart {
        from_multipart(request).await
    } else {
        match axum::body::to_bytes(request.into_body(), JSON_LIMIT).await {
            Ok(body) => from_json(&body),
            Err(_) => Err(GraphError::invalid(
                "Request body is too large or could not be read",
            )),
        }
    };
    let asked = match asked {
        Ok(a) if a.subject.is_none() && a.description.is_none() && a.photo_sha256.is_none() => {
            return error(
                shared,
                GraphError::invalid("One feature setting must be specified")
                    .details("send subject, description or a photo"),
            );
        }
        Ok(a) => a,
        Err(e) => return error(shared, e),
    };
    let outcome = shared.groups().update_settings(
        group_id,
        asked.subject.as_deref(),
        asked.description.as_deref(),
        asked.photo_sha256,
    );
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return group_error(shared, group_id, e),
    };
    let applied = [&outcome.subject, &outcome.description]
        .iter()
        .any(|f| f.as_ref().is_some_and(|f| f.error.is_none()));
    if applied || outcome.photo_sha256.is_some() {
        shared.stats().record_applied_write();
    }
    let request_id = shared.request_id();
    let item = events::settings_updated(now(), &request_id, group_id, &outcome);
    shared.emit(Field::Settings, item);
    accepted(shared, Write::Settings, &request_id)
}
