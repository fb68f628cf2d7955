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

use super::{answer, Api, ApiError, Dialect};
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

/// The HL7 purpose-of-use coding of a purpose's name (`Treatment`, …).
fn purpose_coding(name: &str) -> JsonValue {
    let purpose = Purpose::ALL.iter().find(|p| format!("{p:?}") == name);
    let display = match purpose {
        Some(Purpose::Treatment) => "treatment",
        Some(Purpose::EmergencyTreatment) => "emergency treatment",
        Some(Purpose::Payment) => "healthcare payment",
        Some(Purpose::Operations) => "healthcare operations",
        Some(Purpose::Research) => "healthcare research",
        Some(Purpose::PublicHealth) => "public health",
        None => name,
    };
    json!({
        "system": ACT_REASON,
        "code": purpose.map_or(name, |p| p.hl7_code()),
        "display": display,
    })
}

/// The FHIR coding of a data category: a resource type (`provision.class`) or a
/// sensitivity label (`provision.securityLabel`).
fn category_coding(category: DataCategory) -> JsonValue {
    let resource = |code: &str| json!({ "system": RESOURCE_TYPES, "code": code });
    match category {
        DataCategory::Demographics => resource("Patient"),
        DataCategory::Conditions => resource("Condition"),
        DataCategory::Medications => resource("MedicationRequest"),
        DataCategory::Allergies => resource("AllergyIntolerance"),
        DataCategory::LabResults => resource("Observation"),
        DataCategory::Imaging => resource("ImagingStudy"),
        DataCategory::Immunizations => resource("Immunization"),
        DataCategory::Procedures => resource("Procedure"),
        DataCategory::ClinicalNotes => resource("DocumentReference"),
        DataCategory::Billing => resource("Claim"),
        DataCategory::MentalHealth => json!({
            "system": ACT_CODE, "code": "PSY",
            "display": "psychiatry disorder information sensitivity",
        }),
        DataCategory::SubstanceUse => json!({
            "system": ACT_CODE, "code": "ETH",
            "display": "substance abuse information sensitivity",
        }),
        DataCategory::Genomic => json!({
            "system": ACT_CODE, "code": "GDIS",
            "display": "genetic disease information sensitivity",
        }),
        DataCategory::VitalSigns => json!({
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "vital-signs", "display": "Vital Signs",
        }),
    }
}

fn account(address: &str) -> JsonValue {
    json!({ "identifier": { "system": SS58, "value": address } })
}

fn ms_time(ms: i64) -> String {
    iso_time(u64::try_from(ms).unwrap_or(0))
}

/// A search, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// The resource type searched (`AuditEvent`, `Consent`).
    pub resource: &'static str,
    /// The patient (SS58).
    pub patient: String,
    /// At or after (ms).
    pub from_ms: Option<i64>,
    /// Before (ms).
    pub to_ms: Option<i64>,
    /// The page size.
    pub count: i64,
    /// Where the previous page ended: (block, index) of an AuditEvent, or (consent, 0).
    pub after: Option<(i64, i64)>,
}

impl Search {
    fn filters_digest(&self) -> String {
        super::digest(&format!(
            "{}|{}|{:?}|{:?}",
            self.resource, self.patient, self.from_ms, self.to_ms
        ))
    }

    /// The cursor of the page after `key`.
    pub fn cursor_after(&self, key: (i64, i64)) -> String {
        format!("{}.{}.{}", key.0, key.1, self.filters_digest())
    }
}

/// The interval `[start, end)` of milliseconds a FHIR date or dateTime value denotes.
fn date_interval(value: &str) -> Option<(i64, i64)> {
    let day = |y: i32, m: u32, d: u32| {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|t| Utc.from_utc_datetime(&t).timestamp_millis())
    };
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = value.split('-').collect();
    match parts.as_slice() {
        [y] if y.len() == 4 && digits(y) => {
            let y: i32 = y.parse().ok()?;
            Some((day(y, 1, 1)?, day(y.checked_add(1)?, 1, 1)?))
        }
        [y, m] if y.len() == 4 && m.len() == 2 && digits(y) && digits(m) => {
            let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
            let next = if m == 12 {
                (y.checked_add(1)?, 1)
            } else {
                (y, m.checked_add(1)?)
            };
            Some((day(y, m, 1)?, day(next.0, next.1, 1)?))
        }
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 && digits(d) => {
            let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
            let start = day(date.year(), date.month(), date.day())?;
            Some((start, start.checked_add(86_400_000)?))
        }
        _ => {
            // A time without a zone is read as UTC (the chain's times are UTC).
            let start = match chrono::DateTime::parse_from_rfc3339(value) {
                Ok(time) => time.timestamp_millis(),
                Err(_) => chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
                    .ok()?
                    .and_utc()
                    .timestamp_millis(),
            };
            // A time given to the second covers that second; one with a fraction, that
            // millisecond.
            let width = if value.contains('.') { 1 } else { 1_000 };
            Some((start, start.checked_add(width)?))
        }
    }
}

/// Checks a search's parameters for `resource` (`AuditEvent`, `Consent`).
pub fn search(list: &[(String, String)], resource: &'static str) -> Result<Search, ApiError> {
    let mut query = Search {
        resource,
        count: COUNT,
        ..Search::default()
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut dates = 0usize;
    let mut cursor = None;
    for (key, value) in list {
        let key = key.as_str();
        // Presentation only: the answer is JSON whatever they ask.
        if IGNORED.contains(&key) {
            continue;
        }
        if !KNOWN.contains(&key) {
            return Err(bad(
                key,
                format!("unknown parameter (known: {})", KNOWN.join(", ")),
            ));
        }
        if key == "date" {
            dates = dates.saturating_add(1);
            if dates > 2 {
                return Err(bad(
                    "date",
                    "at most two dates (a lower and an upper bound)",
                ));
            }
        } else if seen.contains(&key) {
            return Err(bad(key, "given twice"));
        }
        seen.push(key);
        match key {
            "patient" | "patient:identifier" => {
                if !query.patient.is_empty() {
                    return Err(bad(key, "one patient per search"));
                }
                let address = if key == "patient" {
                    value.strip_prefix("Patient/").unwrap_or(value)
                } else {
                    value
                        .strip_prefix(&format!("{SS58}|"))
                        .ok_or_else(|| bad(key, format!("the system is {SS58}: {SS58}|ADDRESS")))?
                };
                query.patient = suite_client::parse_account(address)
                    .map(|account| suite_client::ss58(&account))
                    .map_err(|_| bad(key, format!("{address:?} is not an SS58 account")))?;
            }
            "date" => {
                let (prefix, rest) = match value.get(..2) {
                    Some(p @ ("eq" | "ge" | "gt" | "le" | "lt")) => {
                        (p, value.get(2..).unwrap_or(""))
                    }
                    _ => ("eq", value.as_str()),
                };
                let (start, end) = date_interval(rest).ok_or_else(|| {
                    bad(
                        "date",
                        format!(
                            "{value:?}: a prefix (eq, ge, gt, le, lt) and YYYY, YYYY-MM, \
                             YYYY-MM-DD or an RFC 3339 time"
                        ),
                    )
                })?;
                let (low, high) = match prefix {
                    "ge" => (Some(start), None),
                    "gt" => (Some(end), None),
                    "le" => (None, Some(end)),
                    "lt" => (None, Some(start)),
                    _ => (Some(start), Some(end)),
                };
                if let Some(low) = low {
                    query.from_ms = Some(query.from_ms.map_or(low, |f| f.max(low)));
                }
                if let Some(high) = high {
                    query.to_ms = Some(query.to_ms.map_or(high, |t| t.min(high)));
                }
            }
            "_count" => {
                query.count = value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_COUNT).contains(n))
                    .ok_or_else(|| bad("_count", format!("a number from 1 to {MAX_COUNT}")))?;
            }
            _ => cursor = Some(value.as_str()),
        }
    }
    if query.patient.is_empty() {
        return Err(bad(
            "patient",
            "a search names its patient (patient=ADDRESS or patient:identifier=urn:substrate:ss58|ADDRESS)",
        ));
    }
    if let Some(value) = cursor {
        let wrong = || {
            bad(
                "cursor",
                "not a cursor of this search (take it from the Bundle's next link)",
            )
        };
        let parts: Vec<&str> = value.split('.').collect();
        let [a, b, digest] = parts.as_slice() else {
            return Err(wrong());
        };
        let number = |text: &str| text.parse::<i64>().ok().filter(|n| *n >= 0);
        let (Some(a), Some(b)) = (number(a), number(b)) else {
            return Err(wrong());
        };
        if *digest != query.filters_digest() {
            return Err(wrong());
        }
        query.after = Some((a, b));
    }
    Ok(query)
}

/// The integer column `i` of `row`, if not NULL.
fn int_at(row: &AnyRow, i: usize) -> Result<Option<i64>, String> {
    row.try_get::<Option<i64>, _>(i).map_err(|e| e.to_string())
}

/// The text column `i` of `row`, if not NULL.
fn text_at(row: &AnyRow, i: usize) -> Result<Option<String>, String> {
    row.try_get::<Option<String>, _>(i)
        .map_err(|e| e.to_string())
}

/// An AuditEvent from its stored row (columns from index `at`: block, idx, patient,
/// kind, actor, purpose, record, grant, log_index, reason, expires_ms, at_ms).
fn audit_resource(row: &AnyRow, at: usize, registry: &str) -> Result<(String, JsonValue), String> {
    let (int, text) = (|i| int_at(row, at + i), |i| text_at(row, at + i));
    let missing = |what: &str| format!("an audit row without its {what}");
    let (block, idx) = (
        int(0)?.ok_or_else(|| missing("block"))?,
        int(1)?.unwrap_or(0),
    );
    let patient = text(2)?.ok_or_else(|| missing("patient"))?;
    let kind = text(3)?.ok_or_else(|| missing("kind"))?;
    let actor = text(4)?.ok_or_else(|| missing("actor"))?;
    let (record, grant) = (int(6)?, int(7)?);
    let (subtype, action) = match kind.as_str() {
        "Accessed" => (json!({"code": "read", "display": "read"}), "R"),
        "BreakGlassOpened" => (
            json!({"code": "create", "display": "break-glass grant opened"}),
            "C",
        ),
        "BreakGlassAcknowledged" => (
            json!({"code": "update", "display": "break-glass grant acknowledged"}),
            "U",
        ),
        "BreakGlassClosed" => (
            json!({"code": "update", "display": "break-glass grant closed"}),
            "U",
        ),
        other => return Err(format!("unknown audit kind {other:?}")),
    };
    let mut subtype = subtype;
    subtype["system"] = json!("http://hl7.org/fhir/restful-interaction");
    let id = format!("audit-{block}-{idx}");
    let mut entity = vec![json!({
        "what": account(&patient),
        "role": {
            "system": "http://terminology.hl7.org/CodeSystem/object-role",
            "code": "1",
            "display": "Patient",
        },
    })];
    if let Some(record) = record {
        entity.push(json!({
            "what": { "identifier": { "system": format!("{SS58}:{registry}:record"), "value": record.to_string() } },
            "description": "record anchor",
        }));
    }
    if let Some(grant) = grant {
        let mut detail = Vec::new();
        if let Some(reason) = int(9)? {
            detail.push(json!({ "type": "reason", "valueString": reason.to_string() }));
        }
        if let Some(expires) = int(10)? {
            detail.push(json!({ "type": "expires", "valueString": ms_time(expires) }));
        }
        let mut grant_entity = json!({
            "what": { "identifier": { "system": format!("{SS58}:{registry}:break-glass"), "value": grant.to_string() } },
            "description": "break-glass grant",
        });
        if !detail.is_empty() {
            grant_entity["detail"] = json!(detail);
        }
        entity.push(grant_entity);
    }
    let mut resource = json!({
        "resourceType": "AuditEvent",
        "id": id,
        "type": {
            "system": "http://dicom.nema.org/resources/ontology/DCM",
            "code": "110110",
            "display": "Patient Record",
        },
        "subtype": [subtype],
        "action": action,
        "recorded": ms_time(int(11)?.ok_or_else(|| missing("time"))?),
        "outcome": "0",
        "agent": [{ "who": account(&actor), "requestor": true }],
        "source": {
            "observer": { "identifier": { "system": SS58, "value": registry }, "display": "consent_registry" },
        },
        "entity": entity,
    });
    if let Some(purpose) = text(5)? {
        resource["purposeOfEvent"] = json!([{ "coding": [purpose_coding(&purpose)] }]);
    }
    Ok((id, resource))
}

/// A consent from its stored row (columns from index `at`: those of
/// [`CONSENT_COLUMNS`]).
fn consent_of(row: &AnyRow, at: usize) -> Result<StoredConsent, String> {
    let (int, text) = (|i| int_at(row, at + i), |i| text_at(row, at + i));
    let missing = |what: &str| format!("a consent row without its {what}");
    Ok(StoredConsent {
        consent: int(0)?.ok_or_else(|| missing("id"))?,
        patient: text(1)?.ok_or_else(|| missing("patient"))?,
        grantee: text(2)?.ok_or_else(|| missing("grantee"))?,
        kind: text(3)?.ok_or_else(|| missing("kind"))?,
        purposes: int(4)?.ok_or_else(|| missing("purposes"))?,
        categories: int(5)?.ok_or_else(|| missing("categories"))?,
        valid_from_ms: int(6)?.ok_or_else(|| missing("start"))?,
        valid_until_ms: int(7)?,
        recorded_by: text(8)?.ok_or_else(|| missing("recorder"))?,
        delegation: int(9)?,
        recorded_ms: int(10)?.ok_or_else(|| missing("time"))?,
        revoked_by: text(11)?,
        revoked_ms: int(12)?,
        term: int(13)?.zip(int(14)?),
    })
}

/// When a consent is in force, as the contract decides it: from its start (a denial from
/// its recording at the earliest; a delegate's consent from its term's start at the
/// earliest) until the first of its period's end, its revocation and, for a delegate's
/// consent, its term's end. A consent revoked before it started ends where it starts.
pub fn in_force(c: &StoredConsent) -> (i64, Option<i64>) {
    let mut start = if c.kind == "Deny" {
        c.valid_from_ms.max(c.recorded_ms)
    } else {
        c.valid_from_ms
    };
    let term = c.delegation.and(c.term);
    if let Some((from, _)) = term {
        start = start.max(from);
    }
    let end = [c.valid_until_ms, c.revoked_ms, term.map(|(_, until)| until)]
        .into_iter()
        .flatten()
        .min()
        .map(|end| end.max(start));
    (start, end)
}

/// A consent as a FHIR Consent, its status as of `now_ms`.
pub fn consent_resource(
    c: &StoredConsent,
    registry: &str,
    now_ms: i64,
) -> Result<(String, JsonValue), String> {
    let (consent, patient, grantee, kind) = (c.consent, &c.patient, &c.grantee, &c.kind);
    let (purposes, categories, recorded_by) = (c.purposes, c.categories, &c.recorded_by);
    let recorded = c.recorded_ms;
    let (start, end) = in_force(c);
    let status = if end.is_some_and(|end| end <= now_ms) {
        "inactive"
    } else {
        "active"
    };
    let purposes = PurposeSet(u8::try_from(purposes).map_err(|_| "purposes past 8 bits")?);
    let categories =
        DataCategories(u32::try_from(categories).map_err(|_| "categories past 32 bits")?);
    let purpose_codings: Vec<JsonValue> = Purpose::ALL
        .iter()
        .filter(|p| purposes.contains(**p))
        .map(|p| purpose_coding(&format!("{p:?}")))
        .collect();
    let (classes, labels): (Vec<JsonValue>, Vec<JsonValue>) = DataCategory::ALL
        .iter()
        .filter(|c| categories.contains(**c))
        .map(|c| category_coding(*c))
        .partition(|coding| coding["system"] == RESOURCE_TYPES);
    let mut period = json!({ "start": ms_time(start) });
    if let Some(end) = end {
        period["end"] = json!(ms_time(end));
    }
    let mut provision = json!({
        "type": if kind.as_str() == "Deny" { "deny" } else { "permit" },
        "period": period,
        "actor": [{
            "role": { "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                "code": "IRCP",
                "display": "information recipient",
            }]},
            "reference": account(grantee),
        }],
    });
    // FHIR JSON has no empty arrays.
    for (key, items) in [
        ("purpose", purpose_codings),
        ("class", classes),
        ("securityLabel", labels),
    ] {
        if !items.is_empty() {
            provision[key] = json!(items);
        }
    }
    let id = format!("consent-{consent}");
    let mut resource = json!({
        "resourceType": "Consent",
        "id": id,
        "identifier": [{ "system": format!("{SS58}:{registry}:consent"), "value": consent.to_string() }],
        "status": status,
        "scope": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "patient-privacy",
        }]},
        "category": [{ "coding": [{
            "system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent",
        }]}],
        "patient": account(patient),
        "dateTime": ms_time(recorded),
        "policyRule": { "coding": [{ "system": ACT_CODE, "code": "OPTIN" }] },
        "provision": provision,
    });
    // A delegate who recorded it on the patient's behalf is its performer.
    if recorded_by != patient {
        resource["performer"] = json!([account(recorded_by)]);
    }
    Ok((id, resource))
}

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
    let count = usize::try_from(query.count).unwrap_or(usize::MAX);
    if page.resources.len() > count {
        page.resources.truncate(count);
        page.more_after = keys.get(count.saturating_sub(1)).copied();
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::claims::tests::list;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    fn search_of(list: &[(String, String)]) -> Result<Search, ApiError> {
        search(list, "AuditEvent")
    }

    #[test]
    fn dates_bound_the_search_by_their_prefix_and_precision() {
        let day = 86_400_000;
        let dec1 = 1_796_083_200_000; // 2026-12-01T00:00:00Z
        let one = search_of(&list(&[("patient", ALICE), ("date", "2026-12-01")])).expect("read");
        assert_eq!((one.from_ms, one.to_ms), (Some(dec1), Some(dec1 + day)));
        let range = search_of(&list(&[
            ("patient", ALICE),
            ("date", "ge2026-12"),
            ("date", "lt2026-12-03"),
        ]))
        .expect("read");
        assert_eq!(
            (range.from_ms, range.to_ms),
            (Some(dec1), Some(dec1 + 2 * day))
        );
        let after = search_of(&list(&[("patient", ALICE), ("date", "gt2026")])).expect("read");
        assert_eq!(after.from_ms, Some(1_798_761_600_000)); // 2027-01-01
        let upto = search_of(&list(&[
            ("patient", ALICE),
            ("date", "le2026-12-01T10:00:00Z"),
        ]))
        .expect("read");
        assert_eq!(upto.to_ms, Some(dec1 + 36_000_000 + 1_000));
        let by_identifier = search_of(&list(&[(
            "patient:identifier",
            &format!("urn:substrate:ss58|{ALICE}"),
        )]))
        .expect("read");
        assert_eq!(
            (by_identifier.patient.as_str(), by_identifier.count),
            (ALICE, COUNT)
        );
    }

    #[test]
    fn bounds_combine_to_the_narrowest_and_a_value_covers_its_precision() {
        let june = 1_780_272_000_000; // 2026-06-01T00:00:00Z
        let two_lows = search_of(&list(&[
            ("patient", ALICE),
            ("date", "ge2026"),
            ("date", "ge2026-06"),
        ]))
        .expect("read");
        assert_eq!((two_lows.from_ms, two_lows.to_ms), (Some(june), None));
        let two_highs = search_of(&list(&[
            ("patient", ALICE),
            ("date", "lt2026-06"),
            ("date", "le2026"),
        ]))
        .expect("read");
        assert_eq!(two_highs.to_ms, Some(june));
        let instant = search_of(&list(&[
            ("patient", ALICE),
            ("date", "2026-06-01T00:00:00.500Z"),
        ]))
        .expect("read");
        assert_eq!(
            (instant.from_ms, instant.to_ms),
            (Some(june + 500), Some(june + 501))
        );
        // A time without a zone is UTC; presentation parameters are ignored.
        let local = search_of(&list(&[
            ("patient", ALICE),
            ("date", "gt2026-06-01T00:00:00"),
            ("_format", "json"),
        ]))
        .expect("read");
        assert_eq!(local.from_ms, Some(june + 1_000));
    }

    #[test]
    fn a_cursor_is_good_for_its_own_search_only() {
        let query = search_of(&list(&[("patient", ALICE), ("date", "ge2026")])).expect("read");
        let cursor = query.cursor_after((12, 3));
        let next = search_of(&list(&[
            ("patient", ALICE),
            ("date", "ge2026"),
            ("cursor", &cursor),
        ]))
        .expect("read");
        assert_eq!(next.after, Some((12, 3)));
        let other = search_of(&list(&[("patient", ALICE), ("cursor", &cursor)]))
            .expect_err("another search's cursor");
        assert_eq!(other.parameter(), Some("cursor"));
        let pairs = list(&[("patient", ALICE), ("date", "ge2026"), ("cursor", &cursor)]);
        let consents = search(&pairs, "Consent").expect_err("an AuditEvent search's cursor");
        assert_eq!(consents.parameter(), Some("cursor"));
    }

    #[test]
    fn a_malformed_parameter_is_a_400_naming_it() {
        let identifier = format!("urn:other|{ALICE}");
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[], "patient"),
            (&[("date", "2026")], "patient"),
            (&[("patient", "nobody")], "patient"),
            (&[("patient:identifier", &identifier)], "patient:identifier"),
            (&[("patient", ALICE), ("patient", ALICE)], "patient"),
            (&[("patient", ALICE), ("date", "yesterday")], "date"),
            (&[("patient", ALICE), ("date", "xx2026-01-01")], "date"),
            (&[("patient", ALICE), ("date", "2026-02-30")], "date"),
            (
                &[
                    ("patient", ALICE),
                    ("date", "ge2026"),
                    ("date", "le2027"),
                    ("date", "2026"),
                ],
                "date",
            ),
            (&[("patient", ALICE), ("_count", "0")], "_count"),
            (&[("patient", ALICE), ("_count", "501")], "_count"),
            (&[("patient", ALICE), ("cursor", "zz")], "cursor"),
            (&[("patient", ALICE), ("_sort", "date")], "_sort"),
        ];
        for (pairs, parameter) in cases {
            let error = search_of(&list(pairs)).expect_err("refused");
            assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{pairs:?}");
            assert_eq!(error.parameter(), Some(*parameter), "{pairs:?}");
            assert_eq!(error.dialect, Dialect::Fhir, "{pairs:?}");
        }
    }

    fn consent(kind: &str) -> StoredConsent {
        StoredConsent {
            consent: 3,
            patient: ALICE.into(),
            grantee: "5Grantee".into(),
            kind: kind.into(),
            purposes: 1,
            categories: 1 << 10 | 1 << 4,
            valid_from_ms: 1_000,
            valid_until_ms: Some(9_000),
            recorded_by: ALICE.into(),
            delegation: None,
            recorded_ms: 2_000,
            revoked_by: None,
            revoked_ms: None,
            term: None,
        }
    }

    #[test]
    fn a_consent_is_in_force_as_the_contract_decides() {
        assert_eq!(in_force(&consent("Permit")), (1_000, Some(9_000)));
        // A denial starts no earlier than it was recorded.
        assert_eq!(in_force(&consent("Deny")), (2_000, Some(9_000)));
        // Revoked after it expired: it ended when it expired.
        let late = StoredConsent {
            revoked_ms: Some(12_000),
            ..consent("Permit")
        };
        assert_eq!(in_force(&late).1, Some(9_000));
        // A delegate's consent lives inside its term, however it was back-dated.
        let delegated = StoredConsent {
            recorded_by: "5Delegate".into(),
            delegation: Some(1),
            term: Some((1_500, 4_000)),
            ..consent("Permit")
        };
        assert_eq!(in_force(&delegated), (1_500, Some(4_000)));
        // Revoked before it started: it never was in force.
        let never = StoredConsent {
            valid_from_ms: 5_000,
            revoked_ms: Some(3_000),
            ..consent("Permit")
        };
        assert_eq!(in_force(&never), (5_000, Some(5_000)));
    }

    #[test]
    fn a_consent_resource_states_its_status_period_and_performer() {
        let (id, active) = consent_resource(&consent("Permit"), "5Registry", 8_999).expect("r");
        assert_eq!(id, "consent-3");
        assert_eq!(active["status"], "active");
        assert_eq!(active["provision"]["period"]["end"], ms_time(9_000));
        assert_eq!(active["provision"]["class"][0]["code"], "Observation");
        assert_eq!(active["provision"]["securityLabel"][0]["code"], "PSY");
        assert!(active.get("performer").is_none());
        let (_, ended) = consent_resource(&consent("Deny"), "5Registry", 9_000).expect("r");
        assert_eq!(ended["status"], "inactive");
        assert_eq!(ended["provision"]["type"], "deny");
        assert_eq!(ended["provision"]["period"]["start"], ms_time(2_000));
        let delegated = StoredConsent {
            recorded_by: "5Delegate".into(),
            delegation: Some(1),
            term: Some((1_500, 4_000)),
            ..consent("Permit")
        };
        let (_, by_delegate) = consent_resource(&delegated, "5Registry", 5_000).expect("r");
        assert_eq!(by_delegate["status"], "inactive");
        assert_eq!(
            by_delegate["performer"][0]["identifier"]["value"],
            "5Delegate"
        );
    }

    #[test]
    fn every_purpose_and_category_has_its_coding() {
        for purpose in Purpose::ALL {
            let coding = purpose_coding(&format!("{purpose:?}"));
            assert_eq!(coding["code"], purpose.hl7_code());
            assert_ne!(coding["display"], json!(format!("{purpose:?}")));
        }
        let mut codes = std::collections::BTreeSet::new();
        for category in DataCategory::ALL {
            let coding = category_coding(category);
            assert!(codes.insert(coding["code"].to_string()), "{category:?}");
        }
    }
}
