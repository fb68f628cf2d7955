//! The EPCIS 2.0 REST binding's event query, `GET /events`, over `drug_provenance`'s
//! custody events: an `EPCISQueryDocument` of `ObjectEvent`s, rendered from the stored
//! rows by the same mapping as `scripts/epcis-export.sh` (`epcis_export`), oldest first
//! (chain order), a page at a time.
//!
//! | parameter | meaning |
//! |---|---|
//! | `eventType` | `\|`-separated EPCIS event types; only `ObjectEvent`s are held |
//! | `EQ_bizStep` | `\|`-separated CBV business steps (bare, `urn:epcglobal:cbv:bizstep:…` or `https://ref.gs1.org/cbv/BizStep-…`) |
//! | `EQ_action` | `\|`-separated `ADD`, `OBSERVE`, `DELETE` |
//! | `MATCH_epcClass`, `MATCH_anyEPCClass` | `\|`-separated GS1 Digital Link URIs of a class, `…/01/{GTIN-14}/10/{lot}`; a trailing `*` matches a lot prefix (`…/10/*`: every lot of the GTIN) |
//! | `MATCH_anyEPC` | the same, or an instance's URI (`…/10/{lot}/21/{serial}`): batches are tracked at class level, so an instance matches its lot's events |
//! | `GE_eventTime`, `LT_eventTime` | RFC 3339 (or milliseconds since the epoch) |
//! | `perPage` | 1 to 1 000 (30) |
//! | `nextPageToken` | from the `Link: <…>; rel="next"` header of the previous page |
//!
//! Parameters are combined with AND, the values of one parameter with OR. A batch's
//! whole custody chain across its partners is one query: `MATCH_epcClass` = its
//! Digital Link URI. Every event has an `eventID` (`urn:x-healthcare-suite:event:
//! {block}:{index}:{sub}`, where it is on the chain) and a `recordTime` (its block's
//! time); the document states the block it is complete through (`hc:completeThroughBlock`
//! and the `X-Complete-Through-Block` header). A malformed, unknown or repeated parameter
//! is a 400 `epcisException:QueryParameterException` naming it.

use super::{answer, cut_page, parameters, Api, ApiError, Arg, Dialect, Sql};
use crate::store::Store;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use drug_provenance::drug_provenance::{CustodyEvent, EventKind};
use epcis_export::{
    iso_time, object_event_of, vocabulary, Class, Parties, EPCIS_CONTEXT, HC_NAMESPACE,
};
use ink::primitives::{AccountId, Hash};
use serde_json::{json, Value as JsonValue};
use sqlx::Row;

/// The event types of EPCIS 2.0.
pub const EVENT_TYPES: &[&str] = &[
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
];

/// The parameters `GET /events` reads.
pub const KNOWN: &[&str] = &[
    "eventType",
    "EQ_bizStep",
    "EQ_action",
    "MATCH_epcClass",
    "MATCH_anyEPCClass",
    "MATCH_anyEPC",
    "GE_eventTime",
    "LT_eventTime",
    "GE_recordTime",
    "LT_recordTime",
    "perPage",
    "nextPageToken",
];

/// The page size when `perPage` is not given, and the largest.
pub const PER_PAGE: i64 = 30;
/// The largest page.
pub const MAX_PER_PAGE: i64 = 1_000;
/// The most URIs one `MATCH_` parameter may list.
pub const MAX_URIS: usize = 20;

/// The custody kind of a stored kind's name (the names of `custody::KINDS`).
pub fn event_kind(name: &str) -> Option<EventKind> {
    Some(match name {
        "Registered" => EventKind::Registered,
        "Shipped" => EventKind::Shipped,
        "Received" => EventKind::Received,
        "Rejected" => EventKind::Rejected,
        "Dispensed" => EventKind::Dispensed,
        "Destroyed" => EventKind::Destroyed,
        "Excursion" => EventKind::Excursion,
        "QuarantinedForExcursion" => EventKind::QuarantinedForExcursion,
        "Recalled" => EventKind::Recalled,
        "Cancelled" => EventKind::Cancelled,
        "QuarantineLifted" => EventKind::QuarantineLifted,
        "SuspectFlagged" => EventKind::SuspectFlagged,
        "VerificationResponded" => EventKind::VerificationResponded,
        "DeclaredIllegitimate" => EventKind::DeclaredIllegitimate,
        "SuspicionCleared" => EventKind::SuspicionCleared,
        _ => return None,
    })
}

/// The EPCIS action and business step of a stored kind (neither depends on anything
/// but the kind).
fn action_and_step(kind: EventKind) -> (&'static str, &'static str) {
    let (action, step, _) = vocabulary(&CustodyEvent {
        at: 0,
        kind,
        actor: AccountId::from([0; 32]),
        counterparty: None,
        quantity: 0,
        reference: 0,
        evidence: None,
    });
    (action, step)
}

/// One class a `MATCH_` parameter names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassMatch {
    /// The GTIN-14.
    pub gtin: String,
    /// The lot's bytes as the database holds them (`0x…`), or their prefix.
    pub lot: String,
    /// Whether `lot` is a prefix.
    pub prefix: bool,
}

/// An event query, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventsQuery {
    /// The custody kinds wanted (`None`: any).
    pub kinds: Option<Vec<&'static str>>,
    /// Per `MATCH_` parameter given, the classes it names: an event matches one of each.
    pub classes: Vec<Vec<ClassMatch>>,
    /// Events at or after (ms).
    pub from_ms: Option<i64>,
    /// Events before (ms).
    pub to_ms: Option<i64>,
    /// The page size.
    pub per_page: i64,
    /// Where the previous page ended (block, index, sub-index).
    pub after: Option<(i64, i64, i64)>,
}

impl EventsQuery {
    /// A digest of the filters (not the paging): a page token is good for these only.
    fn filters_digest(&self) -> String {
        let text = format!(
            "{:?}|{:?}|{:?}|{:?}",
            self.kinds, self.classes, self.from_ms, self.to_ms
        );
        super::digest(&text)
    }

    /// The token of the page after the event at `key`.
    pub fn token_after(&self, key: (i64, i64, i64)) -> String {
        format!("{}.{}.{}.{}", key.0, key.1, key.2, self.filters_digest())
    }
}

fn bad(parameter: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad(parameter, message).into(Dialect::Epcis)
}

/// The values of a `|`-separated list.
fn values(value: &str) -> impl Iterator<Item = &str> {
    value.split('|')
}

/// A business step's CBV word, from any of its three spellings.
fn step_word<'a>(parameter: &str, value: &'a str) -> Result<&'a str, ApiError> {
    let word = value
        .strip_prefix("urn:epcglobal:cbv:bizstep:")
        .or_else(|| value.strip_prefix("https://ref.gs1.org/cbv/BizStep-"))
        .unwrap_or(value);
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(bad(
            parameter,
            format!("{value:?} is not a CBV business step (e.g. shipping)"),
        ));
    }
    Ok(word)
}

/// A class (or, for `MATCH_anyEPC`, an instance) named by its GS1 Digital Link URI.
fn class_match(parameter: &str, value: &str, instance: bool) -> Result<ClassMatch, ApiError> {
    let wrong = || {
        bad(
            parameter,
            format!(
                "{value:?} is not a GS1 Digital Link URI of a batch \
                 (https://id.gs1.org/01/{{GTIN-14}}/10/{{lot}})"
            ),
        )
    };
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(wrong)?;
    let at = rest.find("/01/").ok_or_else(wrong)?;
    let path = rest.get(at.saturating_add(4)..).ok_or_else(wrong)?;
    let (gtin, lot) = path.split_once("/10/").ok_or_else(wrong)?;
    if gtin.len() != 14 || !gtin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong());
    }
    let lot = match lot.split_once("/21/") {
        Some((lot, serial)) if instance && !serial.is_empty() && !serial.contains('/') => lot,
        Some(_) => return Err(wrong()),
        None => lot,
    };
    let (lot, prefix) = match lot.strip_suffix('*') {
        Some(lot) if !instance => (lot, true),
        Some(_) => return Err(wrong()),
        None => (lot, false),
    };
    if lot.contains('/') || (lot.is_empty() && !prefix) {
        return Err(wrong());
    }
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(lot).collect();
    Ok(ClassMatch {
        gtin: gtin.to_string(),
        lot: suite_client::hex(&bytes),
        prefix,
    })
}

/// An EPCIS time parameter: RFC 3339 only (a bare number is no time here).
fn rfc3339(name: &str, value: &str) -> Result<i64, ApiError> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|time| time.timestamp_millis())
        .map_err(|_| bad(name, format!("{value:?} is not an RFC 3339 time")))
}

/// Checks an event query's parameters.
pub fn events_query(list: &[(String, String)]) -> Result<EventsQuery, ApiError> {
    let given = parameters(list, KNOWN).map_err(|e| e.into(Dialect::Epcis))?;
    let mut query = EventsQuery {
        per_page: PER_PAGE,
        ..EventsQuery::default()
    };
    let mut kinds: Vec<&'static str> = crate::project::custody::KINDS.to_vec();
    let mut filtered = false;
    if let Some(value) = given.get("eventType") {
        let mut objects = false;
        for kind in values(value) {
            if !EVENT_TYPES.contains(&kind) {
                return Err(bad(
                    "eventType",
                    format!(
                        "{kind:?} is not an EPCIS event type ({})",
                        EVENT_TYPES.join(", ")
                    ),
                ));
            }
            objects |= kind == "ObjectEvent";
        }
        if !objects {
            kinds.clear();
        }
        filtered = true;
    }
    if let Some(value) = given.get("EQ_bizStep") {
        let mut words = Vec::new();
        for step in values(value) {
            words.push(step_word("EQ_bizStep", step)?);
        }
        kinds
            .retain(|kind| event_kind(kind).is_some_and(|k| words.contains(&action_and_step(k).1)));
        filtered = true;
    }
    if let Some(value) = given.get("EQ_action") {
        let mut actions = Vec::new();
        for action in values(value) {
            if !["ADD", "OBSERVE", "DELETE"].contains(&action) {
                return Err(bad(
                    "EQ_action",
                    format!("{action:?} is not an EPCIS action (ADD, OBSERVE, DELETE)"),
                ));
            }
            actions.push(action);
        }
        kinds.retain(|kind| {
            event_kind(kind).is_some_and(|k| actions.contains(&action_and_step(k).0))
        });
        filtered = true;
    }
    if filtered {
        query.kinds = Some(kinds);
    }
    for parameter in ["MATCH_epcClass", "MATCH_anyEPCClass", "MATCH_anyEPC"] {
        let Some(value) = given.get(parameter) else {
            continue;
        };
        let uris: Vec<&str> = values(value).collect();
        if uris.len() > MAX_URIS {
            return Err(bad(parameter, format!("at most {MAX_URIS} URIs")));
        }
        let instance = parameter == "MATCH_anyEPC";
        let mut classes = Vec::new();
        for uri in uris {
            classes.push(class_match(parameter, uri, instance)?);
        }
        query.classes.push(classes);
    }
    // An event's record time is its event time (the block's), so the record-time bounds
    // are the same bounds.
    for name in ["GE_eventTime", "GE_recordTime"] {
        if let Some(value) = given.get(name) {
            let at = rfc3339(name, value)?;
            query.from_ms = Some(query.from_ms.map_or(at, |from| from.max(at)));
        }
    }
    for name in ["LT_eventTime", "LT_recordTime"] {
        if let Some(value) = given.get(name) {
            let at = rfc3339(name, value)?;
            query.to_ms = Some(query.to_ms.map_or(at, |to| to.min(at)));
        }
    }
    if let Some(value) = given.get("perPage") {
        query.per_page = value
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_PER_PAGE).contains(n))
            .ok_or_else(|| bad("perPage", format!("a number from 1 to {MAX_PER_PAGE}")))?;
    }
    if let Some(value) = given.get("nextPageToken") {
        let wrong = || {
            bad(
                "nextPageToken",
                "not a token of this query (take it from the Link header of the page before, \
                 with the same filters)",
            )
        };
        let parts: Vec<&str> = value.split('.').collect();
        let [block, idx, sub, digest] = parts.as_slice() else {
            return Err(wrong());
        };
        let number = |text: &str| text.parse::<i64>().ok().filter(|n| *n >= 0);
        let key = match (number(block), number(idx), number(sub)) {
            (Some(block), Some(idx), Some(sub)) => (block, idx, sub),
            _ => return Err(wrong()),
        };
        if *digest != query.filters_digest() {
            return Err(wrong());
        }
        query.after = Some(key);
    }
    Ok(query)
}

/// The condition a class puts on `batches`. Lots are stored as `0x` and lower-case hex
/// (whatever bytes the user's lot holds), so the lots whose bytes start with a prefix
/// sort at or after the prefix's hex and before it followed by `g` (past `f`): a range of
/// `batches_by_class` on both databases, with generic plans too (a `LIKE` with a bound
/// pattern is served by neither), and no pattern to escape.
fn class_condition(class: &ClassMatch, sql: &mut Sql) -> String {
    let gtin = sql.push(Arg::Text(class.gtin.clone()));
    let low = sql.push(Arg::Text(class.lot.clone()));
    if class.prefix {
        let high = sql.push(Arg::Text(format!("{}g", class.lot)));
        format!("(gtin = {gtin} AND lot >= {low} AND lot < {high})")
    } else {
        format!("(gtin = {gtin} AND lot = {low})")
    }
}

/// One page of an event query: the block it is complete through, that block's time,
/// the events and the key of the last one if more follow.
#[derive(Debug, Clone, PartialEq)]
pub struct EventsPage {
    /// The last block stored (`None` before the first).
    pub through: Option<i64>,
    /// Its time (ms).
    pub through_ms: Option<i64>,
    /// The events, as EPCIS `ObjectEvent`s.
    pub events: Vec<JsonValue>,
    /// The key of the last event when another page follows.
    pub more_after: Option<(i64, i64, i64)>,
}

/// Reads one page of `query` in one statement with the cursor (one snapshot on both
/// databases): complete through the cursor's block.
pub async fn events_page(
    store: &Store,
    query: &EventsQuery,
    parties: &Parties,
) -> Result<EventsPage, ApiError> {
    let (text, sql) = events_statement(query);
    let rows = sql
        .bind(&text)
        .fetch_all(store.pool())
        .await
        .map_err(|e| ApiError::internal(e).into(Dialect::Epcis))?;
    events_of_rows(&rows, query, parties)
}

/// The statement of an event query's page and its arguments.
fn events_statement(query: &EventsQuery) -> (String, Sql) {
    let mut sql = Sql::default();
    let mut conditions = Vec::new();
    if let Some((block, idx, sub)) = query.after {
        let (b, i, s) = (
            sql.push(Arg::Int(block)),
            sql.push(Arg::Int(idx)),
            sql.push(Arg::Int(sub)),
        );
        conditions.push(format!("(c.block, c.idx, c.sub) > ({b}, {i}, {s})"));
    }
    if let Some(kinds) = &query.kinds {
        if kinds.is_empty() {
            conditions.push("1 = 0".to_string());
        } else {
            let places: Vec<String> = kinds
                .iter()
                .map(|kind| sql.push(Arg::Text(kind.to_string())))
                .collect();
            conditions.push(format!("c.kind IN ({})", places.join(", ")));
        }
    }
    for classes in &query.classes {
        let any: Vec<String> = classes
            .iter()
            .map(|class| class_condition(class, &mut sql))
            .collect();
        conditions.push(format!(
            "c.batch IN (SELECT batch FROM batches WHERE {})",
            any.join(" OR ")
        ));
    }
    if let Some(from) = query.from_ms {
        conditions.push(format!("c.at_ms >= {}", sql.push(Arg::Int(from))));
    }
    if let Some(to) = query.to_ms {
        conditions.push(format!("c.at_ms < {}", sql.push(Arg::Int(to))));
    }
    if conditions.is_empty() {
        conditions.push("1 = 1".to_string());
    }
    let limit = sql.push(Arg::Int(query.per_page.saturating_add(1)));
    let text = format!(
        "SELECT cur.block, cur.timestamp_ms, c.block, c.idx, c.sub, c.seq, c.kind, c.actor, \
         c.counterparty, c.quantity, c.reference, c.evidence, c.at_ms, b.gtin, b.lot, \
         b.expiry_ms \
         FROM cursor cur LEFT JOIN custody c ON {} LEFT JOIN batches b ON b.batch = c.batch \
         WHERE cur.id = 1 ORDER BY c.block, c.idx, c.sub LIMIT {limit}",
        conditions.join(" AND ")
    );
    (text, sql)
}

/// The page the rows of an event query's statement make.
fn events_of_rows(
    rows: &[sqlx::any::AnyRow],
    query: &EventsQuery,
    parties: &Parties,
) -> Result<EventsPage, ApiError> {
    let mut page = EventsPage {
        through: None,
        through_ms: None,
        events: Vec::new(),
        more_after: None,
    };
    let mut keys = Vec::new();
    for row in rows {
        page.through = Some(row.try_get(0).map_err(internal)?);
        page.through_ms = Some(row.try_get(1).map_err(internal)?);
        let Some(block) = row.try_get::<Option<i64>, _>(2).map_err(internal)? else {
            continue;
        };
        let (key, event) = render(row, block, parties).map_err(internal)?;
        keys.push(key);
        page.events.push(event);
    }
    page.more_after = cut_page(&mut page.events, &keys, query.per_page);
    Ok(page)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e).into(Dialect::Epcis)
}

/// A stored custody row as an EPCIS `ObjectEvent`, with its key.
fn render(
    row: &sqlx::any::AnyRow,
    block: i64,
    parties: &Parties,
) -> Result<((i64, i64, i64), JsonValue), String> {
    let int =
        |i: usize| -> Result<i64, String> { row.try_get::<i64, _>(i).map_err(|e| e.to_string()) };
    let text = |i: usize| -> Result<Option<String>, String> {
        row.try_get::<Option<String>, _>(i)
            .map_err(|e| e.to_string())
    };
    let unsigned = |i: usize| -> Result<u64, String> {
        u64::try_from(int(i)?).map_err(|_| format!("column {i} is negative"))
    };
    let account = |text: &str| suite_client::parse_account(text).map_err(|e| e.to_string());
    let missing = |what: &str| format!("a custody row without its {what}");
    let (idx, sub) = (int(3)?, int(4)?);
    let index = u32::try_from(int(5)?).map_err(|_| "a custody index past u32".to_string())?;
    let kind_name = text(6)?.ok_or_else(|| missing("kind"))?;
    let kind = event_kind(&kind_name).ok_or_else(|| format!("unknown kind {kind_name:?}"))?;
    let evidence = match text(11)? {
        Some(hex) => {
            let bytes = crate::block::unhex(&hex)?;
            let bytes: [u8; 32] = bytes
                .try_into()
                .map_err(|_| format!("evidence {hex} is not 32 bytes"))?;
            Some(Hash::from(bytes))
        }
        None => None,
    };
    let event = CustodyEvent {
        at: unsigned(12)?,
        kind,
        actor: account(&text(7)?.ok_or_else(|| missing("actor"))?)?,
        counterparty: text(8)?.map(|c| account(&c)).transpose()?,
        quantity: unsigned(9)?,
        reference: unsigned(10)?,
        evidence,
    };
    let gtin = text(13)?.ok_or_else(|| missing("batch"))?;
    let lot = crate::block::unhex(&text(14)?.ok_or_else(|| missing("batch"))?)?;
    let class = Class {
        gtin: gtin.as_bytes(),
        lot: &lot,
        expiry: unsigned(15)?,
    };
    let mut value = object_event_of(&class, index, &event, parties);
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "eventID".into(),
            json!(format!("urn:x-healthcare-suite:event:{block}:{idx}:{sub}")),
        );
        object.insert("recordTime".into(), json!(iso_time(event.at)));
    }
    Ok(((block, idx, sub), value))
}

/// The EPCIS query document of a page.
pub fn document(page: &EventsPage) -> JsonValue {
    let created = page
        .through_ms
        .and_then(|ms| u64::try_from(ms).ok())
        .unwrap_or(0);
    json!({
        "@context": [EPCIS_CONTEXT, { "hc": HC_NAMESPACE }],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": iso_time(created),
        "hc:completeThroughBlock": page.through,
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": { "eventList": page.events },
            }
        },
    })
}

pub(super) async fn events(
    State(api): State<Api>,
    Query(list): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = events_query(&list)?;
    let page = events_page(&api.store, &query, &api.parties).await?;
    let mut response = answer(page.through, document(&page));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/ld+json"),
    );
    headers.insert("gs1-epcis-version", HeaderValue::from_static("2.0.0"));
    headers.insert("gs1-cbv-version", HeaderValue::from_static("2.0.0"));
    if let Some(key) = page.more_after {
        let mut next = form_urlencoded::Serializer::new(String::new());
        for (name, value) in list.iter().filter(|(name, _)| name != "nextPageToken") {
            next.append_pair(name, value);
        }
        next.append_pair("nextPageToken", &query.token_after(key));
        if let Ok(link) = HeaderValue::from_str(&format!(
            "<{}/events?{}>; rel=\"next\"",
            api.public_url,
            next.finish()
        )) {
            response.headers_mut().insert(header::LINK, link);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::claims::tests::list;
    use axum::http::StatusCode;

    const URI: &str = "https://id.gs1.org/01/00012345678905/10/L%201%2FA";

    #[test]
    fn every_stored_kind_has_an_event_kind_of_its_name() {
        for name in crate::project::custody::KINDS {
            let kind = event_kind(name).expect("a kind");
            assert_eq!(format!("{kind:?}"), *name);
        }
        assert_eq!(event_kind("Lost"), None);
    }

    #[test]
    fn a_class_is_read_from_its_digital_link() {
        let class = class_match("MATCH_epcClass", URI, false).expect("read");
        assert_eq!(class.gtin, "00012345678905");
        assert_eq!(class.lot, suite_client::hex(b"L 1/A"));
        assert!(!class.prefix);
        // Another resolver's domain is the same class.
        let other = "https://gs1.example.com/x/01/00012345678905/10/L%201%2FA";
        assert_eq!(
            class_match("MATCH_epcClass", other, false),
            Ok(class.clone())
        );
        // An instance of the lot matches the lot.
        let item = format!("{URI}/21/SN7");
        assert_eq!(class_match("MATCH_anyEPC", &item, true), Ok(class));
        let every_lot = "https://id.gs1.org/01/00012345678905/10/*";
        let prefix = class_match("MATCH_epcClass", every_lot, false).expect("read");
        assert_eq!((prefix.lot.as_str(), prefix.prefix), ("0x", true));
    }

    #[test]
    fn the_business_step_selects_its_kinds() {
        let query = events_query(&list(&[(
            "EQ_bizStep",
            "receiving|urn:epcglobal:cbv:bizstep:shipping",
        )]))
        .expect("read");
        assert_eq!(query.kinds, Some(vec!["Shipped", "Received", "Rejected"]));
        let holding = events_query(&list(&[(
            "EQ_bizStep",
            "https://ref.gs1.org/cbv/BizStep-holding",
        )]))
        .expect("read");
        assert_eq!(
            holding.kinds,
            Some(vec![
                "QuarantinedForExcursion",
                "Recalled",
                "SuspectFlagged",
                "DeclaredIllegitimate"
            ])
        );
        // A CBV step the suite never records matches nothing; so does a type it never holds.
        let packing = events_query(&list(&[("EQ_bizStep", "packing")])).expect("read");
        assert_eq!(packing.kinds, Some(vec![]));
        let other = events_query(&list(&[("eventType", "AggregationEvent")])).expect("read");
        assert_eq!(other.kinds, Some(vec![]));
        let deleted = events_query(&list(&[("EQ_action", "DELETE")])).expect("read");
        assert_eq!(deleted.kinds, Some(vec!["Destroyed"]));
        let bounded = events_query(&list(&[
            ("GE_eventTime", "2026-12-01T00:00:00Z"),
            ("GE_recordTime", "2026-12-02T00:00:00Z"),
            ("LT_recordTime", "2026-12-05T00:00:00Z"),
        ]))
        .expect("read");
        assert_eq!(
            (bounded.from_ms, bounded.to_ms),
            (Some(1_796_169_600_000), Some(1_796_428_800_000))
        );
        let any = events_query(&list(&[])).expect("read");
        assert_eq!((any.kinds, any.per_page), (None, PER_PAGE));
    }

    #[test]
    fn a_page_token_is_good_for_its_own_filters_only() {
        let filters = [("EQ_bizStep", "shipping"), ("MATCH_epcClass", URI)];
        let query = events_query(&list(&filters)).expect("read");
        let token = query.token_after((12, 3, 1));
        let mut pairs = filters.to_vec();
        pairs.push(("nextPageToken", &token));
        let next = events_query(&list(&pairs)).expect("read");
        assert_eq!(next.after, Some((12, 3, 1)));
        let other = [
            ("EQ_bizStep", "receiving"),
            ("nextPageToken", token.as_str()),
        ];
        let error = events_query(&list(&other)).expect_err("another query's token");
        assert_eq!(error.parameter(), Some("nextPageToken"));
    }

    #[test]
    fn a_malformed_parameter_is_a_400_naming_it() {
        let many = vec![URI; MAX_URIS.saturating_add(1)].join("|");
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("eventType", "ObjectEvent|Bogus")], "eventType"),
            (&[("EQ_bizStep", "Ship Ping")], "EQ_bizStep"),
            (&[("EQ_action", "MOVE")], "EQ_action"),
            (&[("MATCH_epcClass", "x")], "MATCH_epcClass"),
            (
                &[("MATCH_epcClass", "https://id.gs1.org/01/123/10/L1")],
                "MATCH_epcClass",
            ),
            (
                &[("MATCH_epcClass", "https://id.gs1.org/01/00012345678905/10/")],
                "MATCH_epcClass",
            ),
            (
                &[("MATCH_anyEPCClass", "https://id.gs1.org/01/00012345678905")],
                "MATCH_anyEPCClass",
            ),
            (
                &[("MATCH_anyEPC", "https://id.gs1.org/01/00012345678905/10/L*")],
                "MATCH_anyEPC",
            ),
            (&[("MATCH_epcClass", &many)], "MATCH_epcClass"),
            (&[("GE_eventTime", "yesterday")], "GE_eventTime"),
            (&[("GE_eventTime", "2026")], "GE_eventTime"),
            (&[("LT_recordTime", "1800000000000")], "LT_recordTime"),
            (&[("LT_eventTime", "2026-13-01T00:00:00Z")], "LT_eventTime"),
            (&[("perPage", "0")], "perPage"),
            (&[("perPage", "1001")], "perPage"),
            (&[("nextPageToken", "zz")], "nextPageToken"),
            (
                &[("nextPageToken", "1.2.3.0011223344556677")],
                "nextPageToken",
            ),
            (&[("colour", "red")], "colour"),
            (&[("perPage", "2"), ("perPage", "3")], "perPage"),
        ];
        for (pairs, parameter) in cases {
            let error = events_query(&list(pairs)).expect_err("refused");
            assert_eq!(error.status(), StatusCode::BAD_REQUEST);
            assert_eq!(error.parameter(), Some(*parameter), "{pairs:?}");
            assert_eq!(error.dialect, Dialect::Epcis, "{pairs:?}");
        }
    }
}

#[cfg(test)]
mod plan_tests {
    use super::*;
    use crate::api::sqlite_plan;

    #[tokio::test]
    async fn a_lot_prefix_is_read_as_a_range_of_the_class_index() {
        let class = class_match(
            "MATCH_epcClass",
            "https://id.gs1.org/01/00012345678905/10/LO*",
            false,
        )
        .expect("read");
        let mut sql = Sql::default();
        let condition = class_condition(&class, &mut sql);
        let text = format!("SELECT batch FROM batches WHERE {condition}");
        let plan = sqlite_plan(&text, sql).await;
        assert!(
            plan.iter()
                .any(|d| d.contains("batches_by_class") && d.contains("lot>? AND lot<?")),
            "{plan:?}"
        );
    }

    #[tokio::test]
    async fn a_business_step_in_a_time_window_reads_only_the_window() {
        let query = events_query(&crate::api::claims::tests::list(&[
            ("EQ_bizStep", "receiving"),
            ("GE_eventTime", "2026-12-01T00:00:00Z"),
            ("LT_eventTime", "2026-12-01T01:00:00Z"),
        ]))
        .expect("read");
        let (text, sql) = events_statement(&query);
        let plan = sqlite_plan(&text, sql).await;
        assert!(
            plan.iter()
                .any(|d| d.contains("custody_by_kind_time (kind=? AND at_ms>? AND at_ms<?)")),
            "{plan:?}"
        );
    }
}
