//! The client: sends a [`Call`] and turns its answer into a typed [`Answer`]. Only the engine
//! sends (its call policy paces, retries and audits every call); tests call the client directly.

use std::sync::Arc;

use reqwest::{Method, StatusCode, Url, header};
use serde_json::Value;

use super::body::{excerpt, read_capped};
use super::call::{Call, Endpoint, Method as CallMethod};
use super::error::ApiError;
use super::lifecycle::{InviteLink, JoinRequestsAnswered};
use super::proxy::{self, ProxyChoice};
use super::settings::ClientSettings;
use super::wire::{self, GroupInfo, GroupPage, GroupSummary, JoinRequestPage, WriteAccepted};
use crate::domain::{
    MAX_GROUPS_PER_NUMBER, MAX_PARTICIPANTS_PER_REQUEST, Members, OperationKind, Participant,
    Person,
};

/// The fields asked of a group's info call.
pub const GROUP_FIELDS: &str = "subject,description,participants,total_participant_count,suspended,creation_timestamp,join_approval_mode";

/// Join requests asked for per page (the page size is not documented; C has no bound).
pub const JOIN_REQUESTS_PAGE: u32 = 100;

/// What a call answered, by the call's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Group(GroupInfo),
    Page(GroupPage),
    /// A write the server took (create, settings, photo, delete, link delete, participants).
    Write(WriteAccepted),
    /// An invite link: a get's answer, or a reset's (with the write's facts).
    Link {
        link: InviteLink,
        write: Option<WriteAccepted>,
    },
    /// A page of join requests.
    JoinRequests(JoinRequestPage),
    /// What an approve or reject did to each id.
    Decided {
        answered: JoinRequestsAnswered,
        write: WriteAccepted,
    },
}

/// The most pages of the group list read: 10,000 groups in pages of at least 10.
pub const MAX_LIST_PAGES: usize = 1_000;

/// A Graph API client for one account (one business phone number). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    settings: Arc<ClientSettings>,
}

impl Client {
    /// A client for the settings' account, through the proxy [`proxy::from_env`] chooses
    /// (none for loopback). Refuses a proxy that would see the token in clear.
    pub fn new(settings: ClientSettings) -> Result<Client, ApiError> {
        // One process-wide TLS provider; a second install attempt is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let builder = match proxy::from_env(&settings.base_url)? {
            ProxyChoice::Direct => reqwest::Client::builder().no_proxy(),
            ProxyChoice::Through { url, variable } => reqwest::Client::builder().proxy(
                reqwest::Proxy::all(url)
                    .map_err(|e| ApiError::Config(format!("{variable}: {e}")))?,
            ),
        };
        let http = builder
            .user_agent(concat!("wa-groups/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .tls_backend_rustls()
            .https_only(settings.base_url.scheme() == "https")
            .tcp_nodelay(true)
            .pool_max_idle_per_host(128)
            .build()
            .map_err(|e| ApiError::Config(format!("cannot set up HTTP: {e}")))?;
        Ok(Client {
            http,
            settings: Arc::new(settings),
        })
    }

    pub fn settings(&self) -> &ClientSettings {
        &self.settings
    }

    /// The endpoint of `call` for this account (the one the client sends it to), or why it has
    /// none (an id that is not a group id).
    pub fn endpoint(&self, call: &Call) -> Result<Endpoint, ApiError> {
        call.endpoint(&self.settings.api_version, &self.settings.phone_number_id)
    }

    /// Sends one call once and reads its answer.
    pub async fn execute(&self, call: &Call) -> Result<Answer, ApiError> {
        let endpoint = self.endpoint(call)?;
        let mut url = self.url(&endpoint)?;
        match call {
            Call::GroupInfo { .. } => {
                url.query_pairs_mut().append_pair("fields", GROUP_FIELDS);
                let json = self.get_json(url).await?;
                GroupInfo::from_json(&json)
                    .map(Answer::Group)
                    .map_err(ApiError::BadAnswer)
            }
            Call::ListGroups { after } => {
                {
                    let mut query = url.query_pairs_mut();
                    query.append_pair("limit", &self.settings.page_size.clamp(1, 1024).to_string());
                    if let Some(after) = after {
                        query.append_pair("after", after);
                    }
                }
                let json = self.get_json(url).await?;
                GroupPage::from_json(&json)
                    .map(Answer::Page)
                    .map_err(ApiError::BadAnswer)
            }
            Call::AddParticipants { participants, .. }
            | Call::RemoveParticipants { participants, .. } => {
                check_batch(participants, matches!(call, Call::AddParticipants { .. }))?;
                let request = self
                    .http
                    .request(http_method(&endpoint), url)
                    .json(&call.body());
                self.write(request).await.map(|(w, _)| Answer::Write(w))
            }
            Call::GetInviteLink { .. } => {
                let json = self.get_json(url).await?;
                InviteLink::from_json(&json)
                    .map(|link| Answer::Link { link, write: None })
                    .map_err(ApiError::BadAnswer)
            }
            Call::ListJoinRequests { after, .. } => {
                {
                    let mut query = url.query_pairs_mut();
                    query.append_pair("limit", &JOIN_REQUESTS_PAGE.to_string());
                    if let Some(after) = after {
                        query.append_pair("after", after);
                    }
                }
                let json = self.get_json(url).await?;
                JoinRequestPage::from_json(&json)
                    .map(Answer::JoinRequests)
                    .map_err(ApiError::BadAnswer)
            }
            Call::UpdatePhoto { photo, .. } => {
                let (body, content_type) = super::multipart::photo_form(&photo.jpeg);
                let request = self
                    .http
                    .post(url)
                    .header(header::CONTENT_TYPE, content_type)
                    .body(body);
                self.write(request).await.map(|(w, _)| Answer::Write(w))
            }
            Call::DeleteGroup { .. } => {
                let request = self.http.delete(url);
                self.write(request).await.map(|(w, _)| Answer::Write(w))
            }
            Call::CreateGroup { .. }
            | Call::UpdateSettings { .. }
            | Call::DeleteInviteLink { .. } => {
                check_lifecycle(call)?;
                let request = self
                    .http
                    .request(http_method(&endpoint), url)
                    .json(&call.body());
                self.write(request).await.map(|(w, _)| Answer::Write(w))
            }
            Call::ResetInviteLink { .. } => {
                let request = self.http.post(url).json(&call.body());
                let (write, json) = self.write(request).await?;
                let json = json.unwrap_or(Value::Null);
                InviteLink::from_json(&json)
                    .map(|link| Answer::Link {
                        link,
                        write: Some(write),
                    })
                    // The server took the reset (the old link is dead) but its answer has no
                    // usable link: a write whose outcome is known, read the link to see it.
                    .map_err(ApiError::BadAnswer)
            }
            Call::ApproveJoinRequests { .. } | Call::RejectJoinRequests { .. } => {
                check_lifecycle(call)?;
                let request = self
                    .http
                    .request(http_method(&endpoint), url)
                    .json(&call.body());
                let (write, json) = self.write(request).await?;
                let answered = JoinRequestsAnswered::from_json(&json.unwrap_or(Value::Null));
                Ok(Answer::Decided { answered, write })
            }
        }
    }

    /// `POST /{v}/{group_id}/participants`, by phone number.
    pub async fn add_participants(
        &self,
        group_id: &str,
        people: &[Participant],
    ) -> Result<WriteAccepted, ApiError> {
        let people: Vec<Person> = people.iter().cloned().map(Person::by_phone).collect();
        self.write_participants(OperationKind::Add, group_id, &people)
            .await
    }

    /// `DELETE /{v}/{group_id}/participants`, each by phone number when known, else by BSUID
    /// (`people`: [`Person`]s, or [`Participant`]s known by phone).
    pub async fn remove_participants<P: Clone + Into<Person>>(
        &self,
        group_id: &str,
        people: &[P],
    ) -> Result<WriteAccepted, ApiError> {
        let people: Vec<Person> = people.iter().cloned().map(Into::into).collect();
        self.write_participants(OperationKind::Remove, group_id, &people)
            .await
    }

    /// Adds or removes 1 to 8 distinct participants in one request.
    pub async fn write_participants(
        &self,
        kind: OperationKind,
        group_id: &str,
        people: &[Person],
    ) -> Result<WriteAccepted, ApiError> {
        let call = Call::change_participants(kind, group_id, people.to_vec());
        self.write_call(&call).await
    }

    /// Sends a write and gives what the server took (for tests of the client; the engine
    /// sends through its call policy).
    pub async fn write_call(&self, call: &Call) -> Result<WriteAccepted, ApiError> {
        match self.execute(call).await? {
            Answer::Write(accepted) => Ok(accepted),
            _ => Err(ApiError::Invalid("not a write".into())),
        }
    }

    /// A write's answer: 200/206 with what failed (and the JSON, when there was a body), or
    /// the error. A body of `{"success": false}` (or `"false"`) is refused.
    async fn write(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(WriteAccepted, Option<Value>), ApiError> {
        let (status, headers, body) = self.send(request).await?;
        let json = if body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(
                serde_json::from_slice::<Value>(&body).map_err(|_| ApiError::NotJson {
                    status: status.as_u16(),
                    excerpt: excerpt(&body),
                })?,
            )
        };
        let code = status.as_u16();
        if !status.is_success() {
            return Err(error_of(code, &headers, json.as_ref(), &body));
        }
        let Some(json) = json else {
            return Ok((
                WriteAccepted {
                    status: code,
                    request_id: None,
                    partial: code == 206,
                    failed: Vec::new(),
                },
                None,
            ));
        };
        let graph = wire::graph_error(code, &headers, &json);
        let partial = code == 206 || graph.as_ref().is_some_and(|g| g.code == 131201);
        if let Some(g) = graph.filter(|g| g.code != 131201) {
            // A 2xx carrying an error that is not a partial success: trust the error.
            return Err(ApiError::Graph(Box::new(g)));
        }
        // C gives `success` as a boolean for a delete and as the string "true" for a link
        // delete: both are read.
        if super::lenient::boolean(json.get("success")) == Some(false) {
            return Err(ApiError::NotJson {
                status: code,
                excerpt: "the server answered success=false".into(),
            });
        }
        let accepted = WriteAccepted {
            status: code,
            request_id: wire::request_id(&json),
            partial,
            failed: wire::failed_participants(&json),
        };
        Ok((accepted, Some(json)))
    }

    /// `GET /{v}/{group_id}?fields=...`: subject, members and counts.
    pub async fn group_info(&self, group_id: &str) -> Result<GroupInfo, ApiError> {
        match self
            .execute(&Call::GroupInfo {
                group: group_id.to_owned(),
            })
            .await?
        {
            Answer::Group(info) => Ok(info),
            _ => Err(ApiError::Invalid("not a group read".into())),
        }
    }

    /// One page of `GET /{v}/{phone_number_id}/groups`.
    pub async fn list_groups_page(&self, after: Option<&str>) -> Result<GroupPage, ApiError> {
        match self
            .execute(&Call::ListGroups {
                after: after.map(str::to_owned),
            })
            .await?
        {
            Answer::Page(page) => Ok(page),
            _ => Err(ApiError::Invalid("not a group list".into())),
        }
    }

    /// Every active group, following every page, within the bounds of [`GroupList`] (for
    /// tests of the client; the engine reads the list through its call policy).
    pub async fn list_groups(&self) -> Result<Vec<GroupSummary>, ApiError> {
        let mut list = GroupList::default();
        let mut after: Option<String> = None;
        loop {
            let page = self.list_groups_page(after.as_deref()).await?;
            match list.take(page)? {
                Some(next) => after = Some(next),
                None => return Ok(list.into_groups()),
            }
        }
    }

    /// The URL of an endpoint: the base URL, then the endpoint's segments (each a checked id
    /// or a fixed word, so none needs escaping).
    fn url(&self, endpoint: &Endpoint) -> Result<Url, ApiError> {
        let mut url = self.settings.base_url.clone();
        url.path_segments_mut()
            .map_err(|_| ApiError::Config("the base URL cannot take a path".into()))?
            .pop_if_empty()
            .extend(&endpoint.segments);
        Ok(url)
    }

    async fn get_json(&self, url: Url) -> Result<Value, ApiError> {
        let (status, headers, body) = self.send(self.http.get(url)).await?;
        let code = status.as_u16();
        let json = serde_json::from_slice::<Value>(&body).ok();
        if !status.is_success() {
            return Err(error_of(code, &headers, json.as_ref(), &body));
        }
        let json = json.ok_or_else(|| ApiError::NotJson {
            status: code,
            excerpt: excerpt(&body),
        })?;
        if let Some(g) = wire::graph_error(code, &headers, &json) {
            return Err(ApiError::Graph(Box::new(g)));
        }
        Ok(json)
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(StatusCode, header::HeaderMap, Vec<u8>), ApiError> {
        let request = request.header(header::AUTHORIZATION, self.settings.token.bearer());
        let mut response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_capped(&mut response, self.settings.max_body_bytes).await?;
        tracing::debug!(status = status.as_u16(), bytes = body.len(), "answer");
        Ok((status, headers, body))
    }

    fn transport_error(&self, e: &reqwest::Error) -> ApiError {
        if e.is_timeout() {
            ApiError::Timeout(self.settings.request_timeout)
        } else if e.is_connect() {
            ApiError::Connect {
                host: self.settings.base_url.origin().ascii_serialization(),
                reason: root_cause(e),
            }
        } else {
            ApiError::NoAnswer {
                reason: root_cause(e),
            }
        }
    }
}

/// The group list read page by page, within its bounds: at most [`MAX_GROUPS_PER_NUMBER`]
/// groups in at most [`MAX_LIST_PAGES`] pages, and no page cursor twice (a server going round
/// in circles). Used by every reader of the list.
#[derive(Debug, Default)]
pub struct GroupList {
    groups: Vec<GroupSummary>,
    pages: usize,
    cursors: std::collections::HashSet<String>,
}

impl GroupList {
    /// Takes one page; the cursor of the next page to read, `None` when the list is whole, or
    /// why reading stops ([`ApiError::Limit`], or a repeated cursor).
    pub fn take(&mut self, page: GroupPage) -> Result<Option<String>, ApiError> {
        self.pages += 1;
        let empty = page.groups.is_empty();
        self.groups.extend(page.groups);
        if self.groups.len() > MAX_GROUPS_PER_NUMBER {
            return Err(ApiError::Limit(format!(
                "the group list goes past {MAX_GROUPS_PER_NUMBER} groups, the most a phone number can have; stopped reading after {} page(s)",
                self.pages
            )));
        }
        match page.next_after {
            Some(next) if !empty => {
                if self.pages >= MAX_LIST_PAGES {
                    return Err(ApiError::Limit(format!(
                        "the group list goes past {MAX_LIST_PAGES} pages ({} groups so far); stopped reading",
                        self.groups.len()
                    )));
                }
                if !self.cursors.insert(next.clone()) {
                    return Err(ApiError::NotJson {
                        status: 200,
                        excerpt: "the group list repeats a page cursor".into(),
                    });
                }
                Ok(Some(next))
            }
            _ => Ok(None),
        }
    }

    /// The groups read.
    pub fn into_groups(self) -> Vec<GroupSummary> {
        self.groups
    }
}

/// The HTTP method of an endpoint.
fn http_method(endpoint: &Endpoint) -> Method {
    match endpoint.method {
        CallMethod::Post => Method::POST,
        CallMethod::Delete => Method::DELETE,
        CallMethod::Get => Method::GET,
    }
}

/// What a lifecycle write must hold before it is sent: a subject of 1 to 128 characters, a
/// description of at most 2048, something to change, 1 or more join request ids (none twice).
fn check_lifecycle(call: &Call) -> Result<(), ApiError> {
    use crate::domain::group::{check_description, check_subject};
    let invalid = ApiError::Invalid;
    match call {
        Call::CreateGroup { new } => {
            check_subject(&new.subject).map_err(invalid)?;
            if let Some(d) = &new.description {
                check_description(d).map_err(invalid)?;
            }
        }
        Call::UpdateSettings {
            subject,
            description,
            ..
        } => {
            if subject.is_none() && description.is_none() {
                return Err(invalid(
                    "nothing to change: no subject and no description".into(),
                ));
            }
            if let Some(s) = subject {
                check_subject(s).map_err(invalid)?;
            }
            if let Some(d) = description {
                check_description(d).map_err(invalid)?;
            }
        }
        Call::ApproveJoinRequests { ids, .. } | Call::RejectJoinRequests { ids, .. } => {
            if ids.is_empty() {
                return Err(invalid("no join request given".into()));
            }
            let mut seen = std::collections::HashSet::new();
            if let Some(twice) = ids.iter().find(|id| !seen.insert(id.as_str())) {
                return Err(invalid(format!("join request {twice} is given twice")));
            }
        }
        _ => {}
    }
    Ok(())
}

/// 1 to 8 participants, none twice (one person in two forms, or by phone and BSUID, is twice),
/// and for an add (`adding`) each with a phone number.
pub fn check_batch(people: &[Person], adding: bool) -> Result<(), ApiError> {
    if people.is_empty() {
        return Err(ApiError::Invalid("no participants given".into()));
    }
    if people.len() > MAX_PARTICIPANTS_PER_REQUEST {
        return Err(ApiError::Invalid(format!(
            "{} participants in one request; the limit is {MAX_PARTICIPANTS_PER_REQUEST}",
            people.len()
        )));
    }
    let mut seen = Members::default();
    for p in people {
        if adding && p.phone().is_none() {
            return Err(ApiError::Invalid(format!(
                "{p} is known only by BSUID: participants are added by phone number"
            )));
        }
        if !seen.insert(p.clone()) {
            return Err(ApiError::Invalid(format!(
                "{p} is given twice in one request"
            )));
        }
    }
    Ok(())
}

fn error_of(
    status: u16,
    headers: &header::HeaderMap,
    json: Option<&Value>,
    body: &[u8],
) -> ApiError {
    match json.and_then(|j| wire::graph_error(status, headers, j)) {
        Some(g) => ApiError::Graph(Box::new(g)),
        None => ApiError::NotJson {
            status,
            excerpt: excerpt(body),
        },
    }
}

/// The innermost reason of a transport error, without the URL (which never carries the token,
/// but is noise in a one-line message).
fn root_cause(e: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    let mut last = String::from("connection error");
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    crate::domain::text::sanitize(&last)
}
