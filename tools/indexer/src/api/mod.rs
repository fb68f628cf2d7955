//! The read API over HTTP (axum): what a payer's or a provider's system asks of the
//! claims, with the block every answer is complete through. Bound to 127.0.0.1 by
//! default; a request from another host needs the bearer token (`--token-file`), and the
//! server refuses to listen beyond the loopback without one. A malformed parameter is a
//! 400 naming it, never a 500.
//!
//! * `GET /v1/status`: the cursor, the events stored, those not read.
//! * `GET /v1/events?contract=&name=&before=&limit=`: the suite's events, newest first
//!   (an activity feed), each decoded (name and fields) with its block and time; `before`
//!   the `next` of the previous page.
//! * `GET /v1/claims?payer=&provider=&status=&from=&to=&limit=&after=`: claims by their
//!   latest state, oldest id first; `status` a comma-separated list of `ClaimStatus`
//!   names; `from`/`to` bound the time of the claim's last change (milliseconds or RFC
//!   3339); `after` the last id of the previous page (`next` of the answer).
//! * `GET /v1/claims/open?provider=`: a provider's open items (pending review, under
//!   appeal, approved but unfunded, payment failed: owed).
//! * `GET /events?eventType=&EQ_bizStep=&EQ_action=&MATCH_epcClass=&MATCH_anyEPCClass=
//!   &MATCH_anyEPC=&GE_eventTime=&LT_eventTime=&perPage=&nextPageToken=`: the EPCIS 2.0
//!   REST binding's event query over `drug_provenance`'s custody events ([`epcis`]).
//! * `GET /fhir/AuditEvent?patient=&date=&_count=&cursor=`, `GET /fhir/Consent?…`,
//!   `GET /fhir/AuditEvent/{id}`, `GET /fhir/Consent/{id}`: a patient's access log and
//!   break-glass events, and their consents, as FHIR R4 resources in `searchset`
//!   Bundles ([`fhir`]).

mod claims;
pub mod epcis;
pub mod fhir;

use crate::store::Store;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value as JsonValue};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The API's state: the store, the token for requests from other hosts and the names
/// of the supply chain's parties (their PGLNs) for EPCIS answers.
#[derive(Clone)]
pub struct Api {
    store: Arc<Store>,
    token: Option<Arc<String>>,
    parties: Arc<epcis_export::Parties>,
    public_url: Arc<String>,
    registry: Option<Arc<String>>,
}

/// What the API is served with besides its store.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The bearer token requests from other hosts must show.
    pub token: Option<String>,
    /// The names of the supply chain's parties (PGLNs) in EPCIS answers; accounts without
    /// one are written `urn:x-ss58:ADDRESS`.
    pub parties: epcis_export::Parties,
    /// The URL the API is reached at (`http://127.0.0.1:9955`), for the links of FHIR
    /// Bundles; never taken from a request's Host header.
    pub public_url: String,
    /// The consent registry's address (SS58), naming it in FHIR resources.
    pub registry: Option<String>,
    /// The origins whose pages may read the API from a browser (CORS), such as the
    /// dApp's `http://127.0.0.1:4173`.
    pub allow_origins: Vec<String>,
}

/// The form of an error's body: the API's own JSON, or the standard's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `{"error": …, "parameter": …}`.
    Plain,
    /// An EPCIS 2.0 exception (RFC 7807 problem details).
    Epcis,
    /// A FHIR R4 `OperationOutcome`.
    Fhir,
}

/// An answer that is not a success: its status and what was wrong.
#[derive(Debug, PartialEq)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    parameter: Option<String>,
    dialect: Dialect,
}

impl ApiError {
    fn bad(parameter: &str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            parameter: Some(parameter.to_string()),
            dialect: Dialect::Plain,
        }
    }

    /// The database failed: the reason goes to the server's log, not to the client.
    fn internal(message: impl std::fmt::Display) -> Self {
        eprintln!("indexer API: the database failed: {message}");
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "the database cannot answer now (see the indexer's log)".into(),
            parameter: None,
            dialect: Dialect::Plain,
        }
    }

    /// The same error in the form of `dialect`.
    fn into(self, dialect: Dialect) -> Self {
        Self { dialect, ..self }
    }

    /// The parameter the error is about.
    pub fn parameter(&self) -> Option<&str> {
        self.parameter.as_deref()
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.parameter {
            Some(parameter) => write!(f, "{parameter}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self.dialect {
            Dialect::Plain => {
                let body = json!({ "error": self.message, "parameter": self.parameter });
                (self.status, Json(body)).into_response()
            }
            Dialect::Epcis => {
                let (kind, title) = match self.status {
                    StatusCode::BAD_REQUEST => {
                        ("QueryParameterException", "Invalid query parameter")
                    }
                    StatusCode::UNAUTHORIZED => ("SecurityException", "Not authorised"),
                    _ => (
                        "ImplementationException",
                        "The repository cannot answer now",
                    ),
                };
                let body = json!({
                    "type": format!("epcisException:{kind}"),
                    "title": title,
                    "status": self.status.as_u16(),
                    "detail": self.message,
                    "parameter": self.parameter,
                });
                let mut response = (self.status, Json(body)).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/problem+json"),
                );
                response
            }
            Dialect::Fhir => {
                let code = match self.status {
                    StatusCode::BAD_REQUEST => "invalid",
                    StatusCode::NOT_FOUND => "not-found",
                    StatusCode::UNAUTHORIZED => "security",
                    _ => "transient",
                };
                let mut issue = json!({
                    "severity": "error",
                    "code": code,
                    "diagnostics": self.message,
                });
                if let Some(parameter) = &self.parameter {
                    issue["expression"] = json!([parameter]);
                }
                let body = json!({ "resourceType": "OperationOutcome", "issue": [issue] });
                let mut response = (self.status, Json(body)).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/fhir+json"),
                );
                response
            }
        }
    }
}

/// The router of the API over `store`.
pub fn router(store: Arc<Store>, config: Config) -> Router {
    let origins: Vec<HeaderValue> = config
        .allow_origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok())
        .collect();
    let cors = tower_http::cors::CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([axum::http::Method::GET])
        .allow_headers([header::AUTHORIZATION])
        .expose_headers([
            header::LINK,
            axum::http::HeaderName::from_static("x-complete-through-block"),
        ]);
    let api = Api {
        store,
        token: config.token.map(Arc::new),
        parties: Arc::new(config.parties),
        public_url: Arc::new(config.public_url.trim_end_matches('/').to_string()),
        registry: config.registry.map(Arc::new),
    };
    Router::new()
        .route("/v1/status", get(status))
        .route("/v1/events", get(claims::events))
        .route("/v1/claims", get(claims::claims))
        .route("/v1/claims/open", get(claims::open_claims))
        .route("/events", get(epcis::events))
        .route("/fhir/metadata", get(fhir::metadata))
        .route("/fhir/AuditEvent", get(fhir::audit_events))
        .route("/fhir/AuditEvent/{id}", get(fhir::audit_event))
        .route("/fhir/Consent", get(fhir::consents))
        .route("/fhir/Consent/{id}", get(fhir::consent))
        .layer(middleware::from_fn_with_state(api.clone(), auth))
        .layer(cors)
        .with_state(api)
}

/// Whether a request from `peer` with the `Authorization` header `given` may be
/// answered: with a token configured, only a request showing it (from any host: a proxy
/// on the same host makes every request look local); without one, from the loopback
/// only.
pub fn allowed(peer: &SocketAddr, token: Option<&str>, given: Option<&str>) -> bool {
    if token.is_none() {
        return peer.ip().is_loopback();
    }
    // The scheme's name is case-insensitive (RFC 9110 §11.1); the token is not.
    let presented = given.and_then(|value| {
        let (scheme, token) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(token)
    });
    match (token, presented) {
        (Some(token), Some(given)) => bool::from(token.as_bytes().ct_eq(given.as_bytes())),
        _ => false,
    }
}

async fn auth(
    State(api): State<Api>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: Request,
    next: Next,
) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    if allowed(&peer, api.token.as_deref().map(String::as_str), given) {
        next.run(request).await
    } else {
        let path = request.uri().path();
        let dialect = if path.starts_with("/fhir/") {
            Dialect::Fhir
        } else if path == "/events" {
            Dialect::Epcis
        } else {
            Dialect::Plain
        };
        let mut response = ApiError {
            status: StatusCode::UNAUTHORIZED,
            message: "this request needs the bearer token (Authorization: Bearer …)".into(),
            parameter: None,
            dialect,
        }
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"indexer\""),
        );
        response
    }
}

/// A JSON answer with the block it is complete through in a header too.
pub(crate) fn answer(through: Option<i64>, body: JsonValue) -> Response {
    let mut response = Json(body).into_response();
    if let Some(block) = through.and_then(|b| HeaderValue::from_str(&b.to_string()).ok()) {
        response
            .headers_mut()
            .insert("x-complete-through-block", block);
    }
    response
}

async fn status(State(api): State<Api>) -> Result<Response, ApiError> {
    let status = api.store.status().await.map_err(ApiError::internal)?;
    let through = status["complete_through_block"].as_i64();
    Ok(answer(through, status))
}

/// A short digest of `text` (the first 8 bytes of its BLAKE2b-256, hex): binds a page
/// token to the filters of its query.
pub(crate) fn digest(text: &str) -> String {
    let mut out = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(text.as_bytes(), &mut out);
    out.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The parameters of a query, each once, each one of `known`.
pub(crate) fn parameters<'a>(
    list: &'a [(String, String)],
    known: &[&str],
) -> Result<BTreeMap<&'a str, &'a str>, ApiError> {
    let mut out = BTreeMap::new();
    for (key, value) in list {
        if !known.contains(&key.as_str()) {
            return Err(ApiError::bad(
                key,
                format!("unknown parameter (known: {})", known.join(", ")),
            ));
        }
        if out.insert(key.as_str(), value.as_str()).is_some() {
            return Err(ApiError::bad(key, "given twice"));
        }
    }
    Ok(out)
}

/// An account parameter in its canonical SS58 form.
pub(crate) fn account(name: &str, value: &str) -> Result<String, ApiError> {
    suite_client::parse_account(value)
        .map(|account| suite_client::ss58(&account))
        .map_err(|_| ApiError::bad(name, format!("{value:?} is not an SS58 account")))
}

/// A time parameter: milliseconds since the epoch, or RFC 3339.
pub(crate) fn time(name: &str, value: &str) -> Result<i64, ApiError> {
    if let Ok(ms) = value.parse::<i64>() {
        return Ok(ms);
    }
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|time| time.timestamp_millis())
        .map_err(|_| {
            ApiError::bad(
                name,
                format!("{value:?} is neither milliseconds nor an RFC 3339 time"),
            )
        })
}

/// A statement's arguments, numbered as they are pushed (`$1`, `$2`…: one numbering for
/// both databases), so that a statement built from optional filters binds them in the
/// order it names them.
#[derive(Default)]
pub(crate) struct Sql {
    args: Vec<Arg>,
}

/// One argument of a statement.
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Sql {
    /// Adds `arg`; returns its placeholder.
    pub(crate) fn push(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// `text` with the arguments bound in their order.
    pub(crate) fn bind(
        self,
        text: &str,
    ) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut query = sqlx::query(text);
        for arg in self.args {
            query = match arg {
                Arg::Int(n) => query.bind(n),
                Arg::Text(t) => query.bind(t),
                Arg::Bytes(b) => query.bind(b),
            };
        }
        query
    }
}

/// Cuts a page fetched one row past its `size` back to `size`; returns the key of its last
/// item (where the next page starts) when a row was cut, `keys` being the items' keys.
pub(crate) fn cut_page<T, K: Copy>(items: &mut Vec<T>, keys: &[K], size: i64) -> Option<K> {
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if items.len() > size {
        items.truncate(size);
        keys.get(size.saturating_sub(1)).copied()
    } else {
        None
    }
}

/// The plan SQLite makes for `statement` with `sql`'s arguments on an empty database of
/// the current migrations (the detail column of `EXPLAIN QUERY PLAN`, a line per step):
/// the tests that hold a query to its index read it.
#[cfg(test)]
pub(crate) async fn sqlite_plan(statement: &str, sql: Sql) -> Vec<String> {
    use sqlx::Row;
    let store = crate::store::Store::open("sqlite::memory:")
        .await
        .expect("opened");
    let explain = format!("EXPLAIN QUERY PLAN {statement}");
    sql.bind(&explain)
        .fetch_all(store.pool())
        .await
        .expect("plan")
        .iter()
        .map(|row| row.try_get::<String, _>(3).expect("detail"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_token_is_needed_from_every_host_and_without_one_only_the_loopback_is_answered()
    {
        let local: SocketAddr = "127.0.0.1:5000".parse().expect("address");
        let remote: SocketAddr = "192.0.2.7:5000".parse().expect("address");
        assert!(allowed(&local, None, None));
        // With a token, the loopback shows it too (a proxy on the same host).
        assert!(!allowed(&local, Some("s3cret"), None));
        assert!(allowed(&local, Some("s3cret"), Some("Bearer s3cret")));
        assert!(!allowed(&remote, None, None));
        assert!(!allowed(&remote, None, Some("Bearer anything")));
        assert!(!allowed(&remote, Some("s3cret"), None));
        assert!(!allowed(&remote, Some("s3cret"), Some("Bearer s3cre")));
        assert!(!allowed(&remote, Some("s3cret"), Some("s3cret")));
        assert!(allowed(&remote, Some("s3cret"), Some("Bearer s3cret")));
        assert!(allowed(&remote, Some("s3cret"), Some("bearer s3cret")));
        assert!(!allowed(&remote, Some("s3cret"), Some("Basic s3cret")));
        assert!(!allowed(&remote, Some("s3cret"), Some("Bearer S3CRET")));
    }
}
