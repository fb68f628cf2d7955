//! FHIR R4 over `consent_registry`'s history: a patient's access log and break-glass
//! events as `AuditEvent`s, their consents as `Consent`s, each search a `searchset`
//! Bundle, in the same shapes as the dApp's downloads (`app/src/fhir.ts`).
//!
//! | request | answer |
//! |---|---|
//! | `GET /fhir/AuditEvent?patient=&date=&_count=&cursor=` | the patient's access-log entries (a record read: `read`; a break-glass grant opened: `create`) and the later steps of their break-glass grants (acknowledged, closed: `update`), in chain order; `date` bounds `recorded` |
//! | `GET /fhir/Consent?patient=&date=&_count=&cursor=` | the patient's consents by id; `date` bounds `dateTime` (when it was recorded) |
//! | `GET /fhir/AuditEvent/{id}`, `GET /fhir/Consent/{id}` | one resource |
//!
//! `patient` (an SS58 address, or `patient:identifier=urn:substrate:ss58|ADDRESS`) is
//! required: nobody lists every patient's history. `date` may be given twice, with a
//! prefix `eq` (the default), `ge`, `gt`, `le` or `lt` and a value of `YYYY`, `YYYY-MM`,
//! `YYYY-MM-DD` or an RFC 3339 time; `_count` is 1–500 (50); `cursor` comes from the
//! Bundle's `next` link. A consent's status is `active` until its end: its period's
//! end, its revocation or, for a delegate's consent, the end of the delegation term it
//! was recorded under, whichever is first, compared with the time of the block the
//! answer is complete through. Each Bundle states that block in
//! `meta.extension[complete-through-block]` and the `X-Complete-Through-Block` header.
//! A malformed, unknown or repeated parameter is a 400 `OperationOutcome` whose
//! `expression` names it.

use super::{answer, cut_page, Api, ApiError, Dialect};
use crate::store::StoredConsent;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use epcis_export::iso_time;
use healthcare_traits::{DataCategories, DataCategory, Purpose, PurposeSet};
use serde_json::{json, Value as JsonValue};
use sqlx::any::AnyRow;
use sqlx::Row;

const SS58: &str = "urn:substrate:ss58";
const ACT_REASON: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
const RESOURCE_TYPES: &str = "http://hl7.org/fhir/resource-types";
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

/// The extension stating the block an answer is complete through.
pub const COMPLETE_THROUGH: &str =
    "https://healthcare-suite.invalid/fhir/StructureDefinition/complete-through-block";

/// The default page size and the largest.
pub const COUNT: i64 = 50;
/// The largest page.
pub const MAX_COUNT: i64 = 500;

/// The parameters a search reads.
const KNOWN: &[&str] = &["patient", "patient:identifier", "date", "_count", "cursor"];
/// The parameters a search accepts and ignores (the answer is always JSON).
const IGNORED: &[&str] = &["_format", "_pretty"];

fn bad(parameter: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad(parameter, message).into(Dialect::Fhir)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e).into(Dialect::Fhir)
}

mod resources;
mod search;

use resources::*;
pub use resources::{consent_resource, in_force};
pub use search::{search, Search};

/// The resource type a search or read is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    AuditEvent,
    Consent,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::AuditEvent => "AuditEvent",
            Type::Consent => "Consent",
        }
    }
}

const AUDIT_COLUMNS: &str = "a.block, a.idx, a.patient, a.kind, a.actor, a.purpose, a.record, \
     a.grant_id, a.log_index, a.reason, a.expires_ms, a.at_ms";
const CONSENT_COLUMNS: &str = "c.consent, c.patient, c.grantee, c.kind, c.purposes, \
     c.categories, c.valid_from_ms, c.valid_until_ms, c.recorded_by, c.delegation, \
     c.recorded_ms, c.revoked_by, c.revoked_ms, t.from_ms, t.until_ms";
const TERM_JOIN: &str = "LEFT JOIN delegation_terms t ON t.patient = c.patient \
     AND t.delegate = c.recorded_by AND t.term = c.delegation";

/// One page of a search: the resources (id, resource), the cursor block and its time,
/// and the key of the last resource when another page follows.
struct Page {
    through: Option<i64>,
    through_ms: i64,
    resources: Vec<(String, JsonValue)>,
    more_after: Option<(i64, i64)>,
}

async fn search_page(api: &Api, kind: Type, query: &Search) -> Result<Page, ApiError> {
    let registry = registry(api)?;
    let (after_a, after_b) = query.after.unwrap_or((-1, -1));
    let (from, to) = (
        query.from_ms.unwrap_or(i64::MIN),
        query.to_ms.unwrap_or(i64::MAX),
    );
    let limit = query.count.saturating_add(1);
    let audit_sql = format!(
        "SELECT cur.block, cur.timestamp_ms, {AUDIT_COLUMNS} FROM cursor cur \
             LEFT JOIN audit_events a ON a.patient = $1 AND (a.block, a.idx) > ($2, $3) \
             AND a.at_ms >= $4 AND a.at_ms < $5 \
             WHERE cur.id = 1 ORDER BY a.block, a.idx LIMIT $6"
    );
    let consent_sql = format!(
        "SELECT cur.block, cur.timestamp_ms, {CONSENT_COLUMNS} FROM cursor cur \
             LEFT JOIN consents c ON c.patient = $1 AND c.consent > $2 \
             AND c.recorded_ms >= $3 AND c.recorded_ms < $4 {TERM_JOIN} \
             WHERE cur.id = 1 ORDER BY c.consent LIMIT $5"
    );
    let statement = match kind {
        Type::AuditEvent => sqlx::query(&audit_sql)
            .bind(query.patient.clone())
            .bind(after_a)
            .bind(after_b),
        Type::Consent => sqlx::query(&consent_sql)
            .bind(query.patient.clone())
            .bind(after_a),
    };
    let rows = statement
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(api.store.pool())
        .await
        .map_err(internal)?;
    let mut page = Page {
        through: None,
        through_ms: 0,
        resources: Vec::new(),
        more_after: None,
    };
    let mut keys = Vec::new();
    for row in &rows {
        page.through = Some(row.try_get(0).map_err(internal)?);
        page.through_ms = row.try_get(1).map_err(internal)?;
        let Some(first) = row.try_get::<Option<i64>, _>(2).map_err(internal)? else {
            continue;
        };
        let resource = match kind {
            Type::AuditEvent => {
                keys.push((first, row.try_get::<i64, _>(3).map_err(internal)?));
                audit_resource(row, 2, &registry)
            }
            Type::Consent => {
                keys.push((first, 0));
                consent_of(row, 2).and_then(|c| consent_resource(&c, &registry, page.through_ms))
            }
        }
        .map_err(internal)?;
        page.resources.push(resource);
    }
    page.more_after = cut_page(&mut page.resources, &keys, query.count);
    Ok(page)
}

fn registry(api: &Api) -> Result<String, ApiError> {
    api.registry.as_deref().cloned().ok_or_else(|| ApiError {
        status: StatusCode::NOT_FOUND,
        message: "this suite has no consent_registry".into(),
        parameter: None,
        dialect: Dialect::Fhir,
    })
}

/// A FHIR JSON answer.
fn fhir_answer(through: Option<i64>, body: JsonValue) -> Response {
    let mut response = answer(through, body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/fhir+json"),
    );
    response
}

async fn search_bundle(
    api: &Api,
    kind: Type,
    list: &[(String, String)],
) -> Result<Response, ApiError> {
    let query = search(list, kind.name())?;
    let page = search_page(api, kind, &query).await?;
    let base = format!("{}/fhir/{}", api.public_url, kind.name());
    let link_with = |cursor: Option<String>| {
        let mut url = form_urlencoded::Serializer::new(String::new());
        for (name, value) in list.iter().filter(|(name, _)| name != "cursor") {
            url.append_pair(name, value);
        }
        if let Some(cursor) = cursor {
            url.append_pair("cursor", &cursor);
        }
        format!("{base}?{}", url.finish())
    };
    let self_cursor = list
        .iter()
        .find(|(name, _)| name == "cursor")
        .map(|(_, value)| value.clone());
    let mut links = vec![json!({ "relation": "self", "url": link_with(self_cursor) })];
    if let Some(key) = page.more_after {
        links.push(json!({ "relation": "next", "url": link_with(Some(query.cursor_after(key))) }));
    }
    let entries: Vec<JsonValue> = page
        .resources
        .into_iter()
        .map(|(id, resource)| {
            json!({
                "fullUrl": format!("{base}/{id}"),
                "resource": resource,
                "search": { "mode": "match" },
            })
        })
        .collect();
    let mut bundle = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": ms_time(page.through_ms),
        "link": links,
    });
    if let Some(block) = page.through {
        bundle["meta"] =
            json!({ "extension": [{ "url": COMPLETE_THROUGH, "valueUnsignedInt": block }] });
    }
    if !entries.is_empty() {
        bundle["entry"] = json!(entries);
    }
    Ok(fhir_answer(page.through, bundle))
}

pub(super) async fn audit_events(
    State(api): State<Api>,
    Query(list): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    search_bundle(&api, Type::AuditEvent, &list).await
}

pub(super) async fn consents(
    State(api): State<Api>,
    Query(list): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    search_bundle(&api, Type::Consent, &list).await
}

async fn read(api: &Api, kind: Type, id: &str) -> Result<Response, ApiError> {
    let registry = registry(api)?;
    let not_found = || ApiError {
        status: StatusCode::NOT_FOUND,
        message: format!("no {} {id}", kind.name()),
        parameter: None,
        dialect: Dialect::Fhir,
    };
    let number = |text: &str| text.parse::<i64>().map_err(|_| not_found());
    let (sql, keys) = match kind {
        Type::AuditEvent => {
            let key = id.strip_prefix("audit-").ok_or_else(not_found)?;
            let (block, idx) = key.split_once('-').ok_or_else(not_found)?;
            (
                format!(
                    "SELECT cur.block, cur.timestamp_ms, {AUDIT_COLUMNS} FROM cursor cur \
                     JOIN audit_events a ON a.block = $1 AND a.idx = $2 WHERE cur.id = 1"
                ),
                vec![number(block)?, number(idx)?],
            )
        }
        Type::Consent => {
            let key = id.strip_prefix("consent-").ok_or_else(not_found)?;
            (
                format!(
                    "SELECT cur.block, cur.timestamp_ms, {CONSENT_COLUMNS} FROM cursor cur \
                     JOIN consents c ON c.consent = $1 {TERM_JOIN} WHERE cur.id = 1"
                ),
                vec![number(key)?],
            )
        }
    };
    let mut statement = sqlx::query(&sql);
    for key in keys {
        statement = statement.bind(key);
    }
    let row = statement
        .fetch_optional(api.store.pool())
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let through: i64 = row.try_get(0).map_err(internal)?;
    let through_ms: i64 = row.try_get(1).map_err(internal)?;
    let (_, resource) = match kind {
        Type::AuditEvent => audit_resource(&row, 2, &registry),
        Type::Consent => {
            consent_of(&row, 2).and_then(|c| consent_resource(&c, &registry, through_ms))
        }
    }
    .map_err(internal)?;
    Ok(fhir_answer(Some(through), resource))
}

pub(super) async fn audit_event(
    State(api): State<Api>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    read(&api, Type::AuditEvent, &id).await
}

pub(super) async fn consent(
    State(api): State<Api>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    read(&api, Type::Consent, &id).await
}

/// What this server does, for a FHIR client's first request (`GET /fhir/metadata`): read
/// and search of `AuditEvent` and `Consent` by `patient` and `date`, JSON only.
/// With `served` false (a suite without consent_registry) it lists no resource.
pub fn capability_statement(public_url: &str, now_ms: i64, served: bool) -> JsonValue {
    let resource = |kind: &str, date_doc: &str| {
        json!({
            "type": kind,
            "interaction": [{ "code": "read" }, { "code": "search-type" }],
            "searchParam": [
                {
                    "name": "patient",
                    "type": "reference",
                    "documentation": "the patient's SS58 account, or patient:identifier=urn:substrate:ss58|ACCOUNT; required",
                },
                { "name": "date", "type": "date", "documentation": date_doc },
            ],
        })
    };
    let mut statement = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": ms_time(now_ms),
        "kind": "instance",
        "software": { "name": "healthcare-suite indexer", "version": env!("CARGO_PKG_VERSION") },
        "implementation": {
            "description": "consent_registry's history (access log, break-glass, consents), read-only",
            "url": format!("{public_url}/fhir"),
        },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "documentation": "Each answer states the finalized block it is complete through (meta.extension complete-through-block, header X-Complete-Through-Block); _count 1-500 pages a search, its next link carries the cursor.",
        }],
    });
    // FHIR JSON has no empty arrays: no `resource` at all when none is served.
    if served {
        statement["rest"][0]["resource"] = json!([
            resource("AuditEvent", "bounds AuditEvent.recorded"),
            resource("Consent", "bounds Consent.dateTime (when it was recorded)"),
        ]);
    }
    statement
}

pub(super) async fn metadata(State(api): State<Api>) -> Response {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let served = api.registry.is_some();
    fhir_answer(None, capability_statement(&api.public_url, now_ms, served))
}
