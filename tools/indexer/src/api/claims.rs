//! The claims of a payer and a provider's open items; the suite's events newest first.

use super::{account, answer, parameters, time, Api, ApiError, Arg, Sql};
use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::{json, Value as JsonValue};
use sqlx::Row;

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
    /// The last id of the previous page (the page goes on above it, or below it newest
    /// first).
    pub after: Option<i64>,
    /// Newest first (`order=newest`) instead of oldest first.
    pub newest: bool,
}

/// A `limit` parameter: 1 to [`MAX_LIMIT`].
fn page_size(value: &str) -> Result<i64, ApiError> {
    value
        .parse::<i64>()
        .ok()
        .filter(|limit| (1..=MAX_LIMIT).contains(limit))
        .ok_or_else(|| ApiError::bad("limit", format!("a number from 1 to {MAX_LIMIT}")))
}

/// Checks a claims query's parameters.
pub fn claims_query(list: &[(String, String)], open: bool) -> Result<ClaimsQuery, ApiError> {
    let known: &[&str] = if open {
        &["provider", "order", "limit", "after"]
    } else {
        &[
            "payer", "provider", "status", "from", "to", "order", "limit", "after",
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
        query.limit = page_size(value)?;
    }
    if let Some(value) = given.get("after") {
        query.after = Some(
            value
                .parse::<i64>()
                .ok()
                .filter(|after| *after >= 0)
                .ok_or_else(|| ApiError::bad("after", "a claim id (the `next` of a page)"))?,
        );
    }
    if let Some(value) = given.get("order") {
        query.newest = match *value {
            "oldest" => false,
            "newest" => true,
            _ => return Err(ApiError::bad("order", "`oldest` (the default) or `newest`")),
        };
    }
    Ok(query)
}

pub(super) async fn claims(
    State(api): State<Api>,
    Query(list): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = claims_query(&list, false)?;
    claims_page(&api, &query).await
}

pub(super) async fn open_claims(
    State(api): State<Api>,
    Query(list): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = claims_query(&list, true)?;
    claims_page(&api, &query).await
}

/// The statement of a claims page and its arguments: per status asked, the first claims
/// of that status in claim order (each branch a range of `claims_by_payer_claim` or
/// `claims_by_provider`, a page at most), merged and cut to the page; joined to the
/// cursor in the same statement. A status list read as `status IN (…)` made the database
/// sort every claim of a payer of those statuses to return the first fifty.
fn claims_statement(query: &ClaimsQuery) -> (String, Sql) {
    // Oldest first above the cursor, or newest first below it (claim ids start at 1).
    let (bound, order, from) = if query.newest {
        ("<", "DESC", query.after.unwrap_or(i64::MAX))
    } else {
        (">", "ASC", query.after.unwrap_or(0))
    };
    let mut sql = Sql::default();
    let mut conditions = vec![format!("claim {bound} {}", sql.push(Arg::Int(from)))];
    for (column, value) in [("payer", &query.payer), ("provider", &query.provider)] {
        if let Some(value) = value {
            conditions.push(format!("{column} = {}", sql.push(Arg::Text(value.clone()))));
        }
    }
    if let Some(from) = query.from_ms {
        conditions.push(format!("updated_ms >= {}", sql.push(Arg::Int(from))));
    }
    if let Some(to) = query.to_ms {
        conditions.push(format!("updated_ms < {}", sql.push(Arg::Int(to))));
    }
    let mut statuses: Vec<Option<String>> = query
        .statuses
        .iter()
        .map(|status| Some(sql.push(Arg::Text(status.clone()))))
        .collect();
    if statuses.is_empty() {
        statuses.push(None);
    }
    let limit = sql.push(Arg::Int(query.limit.saturating_add(1)));
    let branches: Vec<String> = statuses
        .iter()
        .enumerate()
        .map(|(k, status)| {
            let status = status
                .as_ref()
                .map(|place| format!(" AND status = {place}"))
                .unwrap_or_default();
            format!(
                "SELECT * FROM (SELECT claim, plan, payer, provider, member, reference, status, \
                 denial, payer_amount, member_amount, lines, replaced_by, voided_by, \
                 submitted_ms, updated_ms, updated_block FROM claims WHERE {}{status} \
                 ORDER BY claim {order} LIMIT {limit}) AS s{k}",
                conditions.join(" AND ")
            )
        })
        .collect();
    let text = format!(
        "SELECT cur.block, cl.* FROM cursor cur LEFT JOIN ({}) cl ON TRUE \
         WHERE cur.id = 1 ORDER BY cl.claim {order} LIMIT {limit}",
        branches.join(" UNION ALL ")
    );
    (text, sql)
}

/// One page of claims, read in one statement with the cursor (one snapshot on both
/// databases): the answer is complete through the cursor's block.
async fn claims_page(api: &Api, query: &ClaimsQuery) -> Result<Response, ApiError> {
    let (text, sql) = claims_statement(query);
    let rows = sql
        .bind(&text)
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

/// An events query, checked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct EventsQuery {
    /// The contract's name in the suite.
    pub contract: Option<String>,
    /// The event's name.
    pub name: Option<String>,
    /// A topic the event carries (an account's 32 bytes for an `AccountId` topic field:
    /// the events naming that account in a topic).
    pub topic: Option<[u8; 32]>,
    /// Events before this (block, index).
    pub before: Option<(i64, i64)>,
    /// The page size.
    pub limit: i64,
}

/// Checks an events query's parameters.
pub fn events_query(list: &[(String, String)]) -> Result<EventsQuery, ApiError> {
    let given = parameters(list, &["contract", "name", "topic", "before", "limit"])?;
    let word = |name: &str, value: &str| {
        if !value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            Ok(value.to_string())
        } else {
            Err(ApiError::bad(name, format!("{value:?} is not a name")))
        }
    };
    let mut query = EventsQuery {
        limit: 50,
        ..EventsQuery::default()
    };
    if let Some(value) = given.get("contract") {
        query.contract = Some(word("contract", value)?);
    }
    if let Some(value) = given.get("name") {
        query.name = Some(word("name", value)?);
    }
    if let Some(value) = given.get("topic") {
        let topic = value
            .strip_prefix("0x")
            .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|hex| {
                (0..32)
                    .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
                    .collect::<Option<Vec<u8>>>()
            })
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| ApiError::bad("topic", "32 bytes in hex (0x and 64 digits)"))?;
        query.topic = Some(topic);
    }
    if let Some(value) = given.get("before") {
        let key = value
            .split_once('.')
            .and_then(|(b, i)| Some((b.parse::<i64>().ok()?, i.parse::<i64>().ok()?)))
            .filter(|(b, i)| *b >= 0 && *i >= 0)
            .ok_or_else(|| ApiError::bad("before", "an event's key (the `next` of a page)"))?;
        query.before = Some(key);
    }
    if let Some(value) = given.get("limit") {
        query.limit = page_size(value)?;
    }
    Ok(query)
}

/// The statement of an events query and its arguments: the page is chosen in a subquery
/// that names only the filters given (so each combination is planned on its index: the
/// primary key, or `events_by_name` / `events_by_contract`; with a topic, the topic's
/// entries of `topics_by_topic` newest first, each event once), then joined to the cursor
/// in the same statement.
fn events_statement(query: &EventsQuery) -> (String, Sql) {
    let (block, idx) = query.before.unwrap_or((i64::MAX, i64::MAX));
    let mut sql = Sql::default();
    if let Some(topic) = query.topic {
        let mut conditions = vec![
            format!("t.topic = {}", sql.push(Arg::Bytes(topic.to_vec()))),
            format!(
                "(t.block, t.idx) < ({}, {})",
                sql.push(Arg::Int(block)),
                sql.push(Arg::Int(idx))
            ),
            // An event naming the topic in two fields is listed once.
            "t.pos = (SELECT MIN(t2.pos) FROM event_topics t2 \
             WHERE t2.block = t.block AND t2.idx = t.idx AND t2.topic = t.topic)"
                .to_string(),
        ];
        for (column, value) in [("ev.contract", &query.contract), ("ev.name", &query.name)] {
            if let Some(value) = value {
                conditions.push(format!("{column} = {}", sql.push(Arg::Text(value.clone()))));
            }
        }
        let limit = sql.push(Arg::Int(query.limit.saturating_add(1)));
        let text = format!(
            "SELECT cur.block, e.block, e.idx, e.contract, e.name, e.json, e.error, b.timestamp_ms \
             FROM cursor cur LEFT JOIN (SELECT ev.block, ev.idx, ev.contract, ev.name, ev.json, \
             ev.error FROM event_topics t JOIN events ev ON ev.block = t.block AND ev.idx = t.idx \
             WHERE {} ORDER BY t.block DESC, t.idx DESC LIMIT {limit}) e \
             ON TRUE LEFT JOIN blocks b ON b.number = e.block \
             WHERE cur.id = 1 ORDER BY e.block DESC, e.idx DESC",
            conditions.join(" AND ")
        );
        return (text, sql);
    }
    let mut conditions = vec![format!(
        "(block, idx) < ({}, {})",
        sql.push(Arg::Int(block)),
        sql.push(Arg::Int(idx))
    )];
    for (column, value) in [("contract", &query.contract), ("name", &query.name)] {
        if let Some(value) = value {
            conditions.push(format!("{column} = {}", sql.push(Arg::Text(value.clone()))));
        }
    }
    let limit = sql.push(Arg::Int(query.limit.saturating_add(1)));
    let text = format!(
        "SELECT cur.block, e.block, e.idx, e.contract, e.name, e.json, e.error, b.timestamp_ms \
         FROM cursor cur LEFT JOIN (SELECT block, idx, contract, name, json, error FROM events \
         WHERE {} ORDER BY block DESC, idx DESC LIMIT {limit}) e \
         ON TRUE LEFT JOIN blocks b ON b.number = e.block \
         WHERE cur.id = 1 ORDER BY e.block DESC, e.idx DESC",
        conditions.join(" AND ")
    );
    (text, sql)
}

/// The suite's events, newest first, read in one statement with the cursor.
pub(super) async fn events(
    State(api): State<Api>,
    Query(list): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = events_query(&list)?;
    let (text, sql) = events_statement(&query);
    let rows = sql
        .bind(&text)
        .fetch_all(api.store.pool())
        .await
        .map_err(ApiError::internal)?;
    let mut through = None;
    let mut items = Vec::new();
    for row in &rows {
        through = Some(row.try_get::<i64, _>(0).map_err(ApiError::internal)?);
        let Some(block) = row
            .try_get::<Option<i64>, _>(1)
            .map_err(ApiError::internal)?
        else {
            continue;
        };
        let text = |i: usize| row.try_get::<Option<String>, _>(i);
        let fields = text(5)
            .map_err(ApiError::internal)?
            .and_then(|t| serde_json::from_str::<JsonValue>(&t).ok())
            .unwrap_or(JsonValue::Null);
        items.push(json!({
            "block": block,
            "index": row.try_get::<Option<i64>, _>(2).map_err(ApiError::internal)?,
            "contract": text(3).map_err(ApiError::internal)?,
            "name": text(4).map_err(ApiError::internal)?,
            "fields": fields,
            "not_read": text(6).map_err(ApiError::internal)?,
            "time_ms": row.try_get::<Option<i64>, _>(7).map_err(ApiError::internal)?,
        }));
    }
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let next = if items.len() > limit {
        items.truncate(limit);
        items
            .last()
            .map(|item| format!("{}.{}", item["block"], item["index"]))
    } else {
        None
    };
    Ok(answer(
        through,
        json!({ "complete_through_block": through, "items": items, "next": next }),
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::api::sqlite_plan;
    use axum::http::StatusCode;

    pub(crate) fn list(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    #[test]
    fn an_events_query_is_read_and_a_malformed_one_refused_naming_the_parameter() {
        let query = events_query(&list(&[
            ("contract", "drug_provenance"),
            ("name", "BatchStateChanged"),
            ("before", "12.3"),
        ]))
        .expect("read");
        assert_eq!(query.before, Some((12, 3)));
        assert_eq!(query.limit, 50);
        let topic = format!("0x{}", "ab".repeat(31) + "Cd");
        let query = events_query(&list(&[("topic", topic.as_str())])).expect("read");
        let mut expected = [0xab; 32];
        expected[31] = 0xcd;
        assert_eq!(query.topic, Some(expected));
        let signed = format!("0x+f{}", "00".repeat(31));
        for (pairs, parameter) in [
            (&[("topic", "0x12")][..], "topic"),
            (&[("topic", &"ab".repeat(32)[..])][..], "topic"),
            (&[("topic", signed.as_str())][..], "topic"),
            (&[("contract", "x' OR 1=1")][..], "contract"),
            (&[("name", "")][..], "name"),
            (&[("before", "12")][..], "before"),
            (&[("before", "-1.0")][..], "before"),
            (&[("limit", "0")][..], "limit"),
            (&[("status", "Paid")][..], "status"),
        ] {
            let error = events_query(&list(pairs)).expect_err("refused");
            assert_eq!(error.parameter(), Some(parameter), "{pairs:?}");
        }
    }

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
            (&[("order", "desc")], "order"),
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
        assert_eq!(
            (query.limit, query.after, query.newest),
            (50, Some(7), false)
        );
        let open = claims_query(&list(&[("provider", ALICE)]), true).expect("read");
        assert_eq!(open.statuses, OPEN);
        let newest =
            claims_query(&list(&[("provider", ALICE), ("order", "newest")]), true).expect("read");
        assert!(newest.newest);
    }

    #[tokio::test]
    async fn the_events_naming_a_topic_are_read_newest_first_from_the_topic_index() {
        for filters in [
            vec![],
            vec![("contract", "drug_provenance")],
            vec![("contract", "drug_provenance"), ("name", "Shipped")],
        ] {
            let topic = format!("0x{}", "01".repeat(32));
            let mut filters = filters;
            filters.push(("topic", topic.as_str()));
            let query = events_query(&list(&filters)).expect("read");
            let (text, sql) = events_statement(&query);
            let plan = sqlite_plan(&text, sql).await;
            assert!(
                plan.iter()
                    .any(|d| d
                        == "SEARCH t USING INDEX topics_by_topic (topic=? AND (block,idx)<(?,?))"),
                "{filters:?}: {plan:?}"
            );
            // The page is read in the index's order (the one sort left is the outer
            // query's, of the page's rows).
            assert_eq!(
                plan.iter().filter(|d| d.contains("TEMP B-TREE")).count(),
                1,
                "{filters:?}: {plan:?}"
            );
        }
    }

    #[tokio::test]
    async fn each_events_filter_reads_newest_first_from_its_own_index() {
        for (contract, name, index) in [
            (false, false, "sqlite_autoindex_events_1"),
            (true, false, "events_by_contract"),
            (false, true, "events_by_event_name"),
            (true, true, "events_by_name"),
        ] {
            let mut filters = Vec::new();
            if contract {
                filters.push(("contract", "drug_provenance"));
            }
            if name {
                filters.push(("name", "Shipped"));
            }
            let query = events_query(&list(&filters)).expect("read");
            let (text, sql) = events_statement(&query);
            let plan = sqlite_plan(&text, sql).await;
            let events = plan
                .iter()
                .find(|detail| detail.contains(" events "))
                .unwrap_or_else(|| panic!("{plan:?}"));
            assert!(
                events.contains(&format!("INDEX {index} ")),
                "{contract} {name}: {plan:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_payers_claims_of_several_statuses_are_read_per_status_from_its_index() {
        let query = claims_query(&list(&[("payer", ALICE), ("status", "Paid,Denied")]), false)
            .expect("read");
        let (text, sql) = claims_statement(&query);
        let plan = sqlite_plan(&text, sql).await;
        let branches = plan
            .iter()
            .filter(|d| {
                d.contains("INDEX claims_by_payer_claim (payer=? AND status=? AND claim>?)")
            })
            .count();
        assert_eq!(branches, 2, "{plan:?}");
    }
}
