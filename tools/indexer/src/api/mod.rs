//! The read API over HTTP (axum): what a payer's or a provider's system asks of the
//! claims, with the block every answer is complete through. Bound to 127.0.0.1 by
//! default; a request from another host needs the bearer token (`--token-file`), and the
//! server refuses to listen beyond the loopback without one. A malformed parameter is a
//! 400 naming it, never a 500.
//!
//! * `GET /v1/status`: the cursor, the events stored, those not read.
//! * `GET /v1/claims?payer=&provider=&status=&from=&to=&limit=&after=`: claims by their
//!   latest state, oldest id first; `status` a comma-separated list of `ClaimStatus`
//!   names; `from`/`to` bound the time of the claim's last change (milliseconds or RFC
//!   3339); `after` the last id of the previous page (`next` of the answer).
//! * `GET /v1/claims/open?provider=`: a provider's open items (pending review, under
//!   appeal, approved but unfunded, payment failed: owed).

use crate::store::Store;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value as JsonValue};
use sqlx::Row;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The statuses a claim can have (the contract's `ClaimStatus`).
pub const STATUSES: &[&str] = &[
    "Paid",
    "ApprovedUnfunded",
    "PendingReview",
    "Denied",
    "UnderAppeal",
    "PaymentFailed",
    "Voided",
];

/// The statuses of a provider's open items.
pub const OPEN: &[&str] = &[
    "PendingReview",
    "UnderAppeal",
    "ApprovedUnfunded",
    "PaymentFailed",
];

/// The largest page.
pub const MAX_LIMIT: i64 = 500;

/// The API's state: the store and the token for requests from other hosts.
#[derive(Clone)]
pub struct Api {
    store: Arc<Store>,
    token: Option<Arc<String>>,
}

/// An answer that is not a success: its status and what was wrong.
#[derive(Debug, PartialEq)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    parameter: Option<String>,
}

impl ApiError {
    fn bad(parameter: &str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            parameter: Some(parameter.to_string()),
        }
    }

    fn internal(message: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: format!("the database: {message}"),
            parameter: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.message, "parameter": self.parameter });
        (self.status, Json(body)).into_response()
    }
}

/// The router of the API over `store`.
pub fn router(store: Arc<Store>, token: Option<String>) -> Router {
    let api = Api {
        store,
        token: token.map(Arc::new),
    };
    Router::new()
        .route("/v1/status", get(status))
        .route("/v1/claims", get(claims))
        .route("/v1/claims/open", get(open_claims))
        .layer(middleware::from_fn_with_state(api.clone(), auth))
        .with_state(api)
}

/// Whether a request from `peer` with the `Authorization` header `given` may be
/// answered: from the loopback always, from elsewhere with the token only.
pub fn allowed(peer: &SocketAddr, token: Option<&str>, given: Option<&str>) -> bool {
    if peer.ip().is_loopback() {
        return true;
    }
    match (token, given.and_then(|value| value.strip_prefix("Bearer "))) {
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
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            message: "a request from another host needs the bearer token".into(),
            parameter: None,
        }
        .into_response()
    }
}

/// A JSON answer with the block it is complete through in a header too.
fn answer(through: Option<i64>, body: JsonValue) -> Response {
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

/// A claims query, checked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ClaimsQuery {
    /// The plan's payer (SS58).
    pub payer: Option<String>,
    /// The rendering provider (SS58).
    pub provider: Option<String>,
    /// The statuses wanted (any when empty).
    pub statuses: Vec<String>,
    /// The last change at or after (ms).
    pub from_ms: Option<i64>,
    /// The last change before (ms).
    pub to_ms: Option<i64>,
    /// The page size.
    pub limit: i64,
    /// The last id of the previous page.
    pub after: i64,
}

/// The parameters of a query, each once, each one of `known`.
fn parameters<'a>(
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
fn account(name: &str, value: &str) -> Result<String, ApiError> {
    suite_client::parse_account(value)
        .map(|account| suite_client::ss58(&account))
        .map_err(|_| ApiError::bad(name, format!("{value:?} is not an SS58 account")))
}

/// A time parameter: milliseconds since the epoch, or RFC 3339.
fn time(name: &str, value: &str) -> Result<i64, ApiError> {
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

/// Checks a claims query's parameters.
pub fn claims_query(list: &[(String, String)], open: bool) -> Result<ClaimsQuery, ApiError> {
    let known: &[&str] = if open {
        &["provider", "limit", "after"]
    } else {
        &[
            "payer", "provider", "status", "from", "to", "limit", "after",
        ]
    };
    let given = parameters(list, known)?;
    let mut query = ClaimsQuery {
        limit: 50,
        ..ClaimsQuery::default()
    };
    if let Some(value) = given.get("payer") {
        query.payer = Some(account("payer", value)?);
    }
    if let Some(value) = given.get("provider") {
        query.provider = Some(account("provider", value)?);
    }
    if open {
        if query.provider.is_none() {
            return Err(ApiError::bad(
                "provider",
                "a provider's open items need the provider",
            ));
        }
        query.statuses = OPEN.iter().map(|s| s.to_string()).collect();
    } else if let Some(value) = given.get("status") {
        for status in value.split(',') {
            if !STATUSES.contains(&status) {
                return Err(ApiError::bad(
                    "status",
                    format!("{status:?} is not a claim status ({})", STATUSES.join(", ")),
                ));
            }
            // Each at most once: at most seven placeholders whatever the request.
            if !query.statuses.iter().any(|s| s == status) {
                query.statuses.push(status.to_string());
            }
        }
    }
    if let Some(value) = given.get("from") {
        query.from_ms = Some(time("from", value)?);
    }
    if let Some(value) = given.get("to") {
        query.to_ms = Some(time("to", value)?);
    }
    if let Some(value) = given.get("limit") {
        query.limit = value
            .parse::<i64>()
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| ApiError::bad("limit", format!("a number from 1 to {MAX_LIMIT}")))?;
    }
    if let Some(value) = given.get("after") {
        query.after = value
            .parse::<i64>()
            .ok()
            .filter(|after| *after >= 0)
            .ok_or_else(|| ApiError::bad("after", "a claim id (the `next` of a page)"))?;
    }
    Ok(query)
}

async fn claims(
    State(api): State<Api>,
    Query(list): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = claims_query(&list, false)?;
    claims_page(&api, &query).await
}

async fn open_claims(
    State(api): State<Api>,
    Query(list): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = claims_query(&list, true)?;
    claims_page(&api, &query).await
}

/// One page of claims, read in one statement with the cursor (one snapshot on both
/// databases): the answer is complete through the cursor's block.
async fn claims_page(api: &Api, query: &ClaimsQuery) -> Result<Response, ApiError> {
    let mut conditions = vec!["cl.claim > $1".to_string()];
    let mut texts: Vec<String> = Vec::new();
    let mut numbers: Vec<i64> = vec![query.after];
    let mut next_placeholder = 2usize;
    let mut push_text = |column: &str, value: &str, conditions: &mut Vec<String>| {
        conditions.push(format!("cl.{column} = ${next_placeholder}"));
        texts.push(value.to_string());
        next_placeholder += 1;
    };
    if let Some(payer) = &query.payer {
        push_text("payer", payer, &mut conditions);
    }
    if let Some(provider) = &query.provider {
        push_text("provider", provider, &mut conditions);
    }
    if !query.statuses.is_empty() {
        let mut places = Vec::new();
        for status in &query.statuses {
            places.push(format!("${next_placeholder}"));
            texts.push(status.clone());
            next_placeholder += 1;
        }
        conditions.push(format!("cl.status IN ({})", places.join(", ")));
    }
    let mut bounds = Vec::new();
    if let Some(from) = query.from_ms {
        bounds.push(format!("cl.updated_ms >= ${next_placeholder}"));
        numbers.push(from);
        next_placeholder += 1;
    }
    if let Some(to) = query.to_ms {
        bounds.push(format!("cl.updated_ms < ${next_placeholder}"));
        numbers.push(to);
        next_placeholder += 1;
    }
    conditions.extend(bounds);
    let sql = format!(
        "SELECT cur.block, cl.claim, cl.plan, cl.payer, cl.provider, cl.member, cl.reference, \
         cl.status, cl.denial, cl.payer_amount, cl.member_amount, cl.lines, cl.replaced_by, \
         cl.voided_by, cl.submitted_ms, cl.updated_ms, cl.updated_block \
         FROM cursor cur LEFT JOIN claims cl ON {} \
         WHERE cur.id = 1 ORDER BY cl.claim LIMIT ${next_placeholder}",
        conditions.join(" AND ")
    );
    // Placeholders in order: after, the texts, the time bounds, the limit.
    let mut statement = sqlx::query(&sql).bind(query.after);
    for text in texts {
        statement = statement.bind(text);
    }
    for number in numbers.iter().skip(1) {
        statement = statement.bind(*number);
    }
    let rows = statement
        .bind(query.limit.saturating_add(1))
        .fetch_all(api.store.pool())
        .await
        .map_err(ApiError::internal)?;
    let through: Option<i64> = match rows.first() {
        Some(row) => Some(row.try_get(0).map_err(ApiError::internal)?),
        None => None,
    };
    let mut items = Vec::new();
    for row in &rows {
        let Some(claim) = row
            .try_get::<Option<i64>, _>(1)
            .map_err(ApiError::internal)?
        else {
            continue;
        };
        let get_text = |i: usize| row.try_get::<Option<String>, _>(i);
        let parse = |text: Option<String>| -> JsonValue {
            text.and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(JsonValue::Null)
        };
        items.push(json!({
            "claim": claim,
            "plan": row.try_get::<Option<i64>, _>(2).map_err(ApiError::internal)?,
            "payer": get_text(3).map_err(ApiError::internal)?,
            "provider": get_text(4).map_err(ApiError::internal)?,
            "member": get_text(5).map_err(ApiError::internal)?,
            "reference": get_text(6).map_err(ApiError::internal)?,
            "status": get_text(7).map_err(ApiError::internal)?,
            "denial": parse(get_text(8).map_err(ApiError::internal)?),
            "payer_amount": get_text(9).map_err(ApiError::internal)?,
            "member_amount": get_text(10).map_err(ApiError::internal)?,
            "lines": parse(get_text(11).map_err(ApiError::internal)?),
            "replaced_by": row.try_get::<Option<i64>, _>(12).map_err(ApiError::internal)?,
            "voided_by": get_text(13).map_err(ApiError::internal)?,
            "submitted_ms": row.try_get::<Option<i64>, _>(14).map_err(ApiError::internal)?,
            "updated_ms": row.try_get::<Option<i64>, _>(15).map_err(ApiError::internal)?,
            "updated_block": row.try_get::<Option<i64>, _>(16).map_err(ApiError::internal)?,
        }));
    }
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().and_then(|item| item["claim"].as_i64())
    } else {
        None
    };
    Ok(answer(
        through,
        json!({
            "complete_through_block": through,
            "items": items,
            "next": next.map(|id| id.to_string()),
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    #[test]
    fn a_malformed_parameter_is_a_400_naming_it() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("payer", "nobody")], "payer"),
            (&[("status", "Paid,Lost")], "status"),
            (&[("from", "yesterday")], "from"),
            (&[("to", "2026-13-01T00:00:00Z")], "to"),
            (&[("limit", "0")], "limit"),
            (&[("limit", "501")], "limit"),
            (&[("after", "-1")], "after"),
            (&[("colour", "red")], "colour"),
            (&[("payer", ALICE), ("payer", ALICE)], "payer"),
        ];
        for (pairs, parameter) in cases {
            let error = claims_query(&list(pairs), false).expect_err("refused");
            assert_eq!(error.status, StatusCode::BAD_REQUEST);
            assert_eq!(error.parameter.as_deref(), Some(*parameter), "{pairs:?}");
        }
        let error = claims_query(&list(&[]), true).expect_err("open items need a provider");
        assert_eq!(error.parameter.as_deref(), Some("provider"));
        let error = claims_query(&list(&[("status", "Paid")]), true).expect_err("not for open");
        assert_eq!(error.parameter.as_deref(), Some("status"));
    }

    #[test]
    fn a_well_formed_query_is_read_with_its_defaults() {
        let query = claims_query(
            &list(&[
                ("payer", ALICE),
                ("status", "Paid,Denied"),
                ("from", "2026-12-01T00:00:00Z"),
                ("to", "1800000000000"),
                ("after", "7"),
            ]),
            false,
        )
        .expect("read");
        assert_eq!(query.payer.as_deref(), Some(ALICE));
        assert_eq!(query.statuses, vec!["Paid", "Denied"]);
        assert_eq!(query.from_ms, Some(1_796_083_200_000));
        assert_eq!(query.to_ms, Some(1_800_000_000_000));
        assert_eq!((query.limit, query.after), (50, 7));
        let open = claims_query(&list(&[("provider", ALICE)]), true).expect("read");
        assert_eq!(open.statuses, OPEN);
    }

    #[test]
    fn another_host_needs_the_token_and_the_loopback_does_not() {
        let local: SocketAddr = "127.0.0.1:5000".parse().expect("address");
        let remote: SocketAddr = "192.0.2.7:5000".parse().expect("address");
        assert!(allowed(&local, None, None));
        assert!(allowed(&local, Some("s3cret"), None));
        assert!(!allowed(&remote, None, None));
        assert!(!allowed(&remote, None, Some("Bearer anything")));
        assert!(!allowed(&remote, Some("s3cret"), None));
        assert!(!allowed(&remote, Some("s3cret"), Some("Bearer s3cre")));
        assert!(!allowed(&remote, Some("s3cret"), Some("s3cret")));
        assert!(allowed(&remote, Some("s3cret"), Some("Bearer s3cret")));
    }
}
