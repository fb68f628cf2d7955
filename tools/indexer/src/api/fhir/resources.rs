//! FHIR R4 resources from the stored rows: the codings of purposes and categories, an
//! `AuditEvent` of an audit row, a `Consent` of a consent row with its period in force.

use super::*;

/// The HL7 purpose-of-use coding of a purpose's name (`Treatment`, …).
pub(super) fn purpose_coding(name: &str) -> JsonValue {
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
pub(super) fn category_coding(category: DataCategory) -> JsonValue {
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

pub(super) fn account(address: &str) -> JsonValue {
    json!({ "identifier": { "system": SS58, "value": address } })
}

pub(super) fn ms_time(ms: i64) -> String {
    iso_time(u64::try_from(ms).unwrap_or(0))
}

/// The integer column `i` of `row`, if not NULL.
pub(super) fn int_at(row: &AnyRow, i: usize) -> Result<Option<i64>, String> {
    row.try_get::<Option<i64>, _>(i).map_err(|e| e.to_string())
}

/// The text column `i` of `row`, if not NULL.
pub(super) fn text_at(row: &AnyRow, i: usize) -> Result<Option<String>, String> {
    row.try_get::<Option<String>, _>(i)
        .map_err(|e| e.to_string())
}

/// An AuditEvent from its stored row (columns from index `at`: block, idx, patient,
/// kind, actor, purpose, record, grant, log_index, reason, expires_ms, at_ms).
pub(super) fn audit_resource(
    row: &AnyRow,
    at: usize,
    registry: &str,
) -> Result<(String, JsonValue), String> {
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
pub(super) fn consent_of(row: &AnyRow, at: usize) -> Result<StoredConsent, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

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
    fn the_capability_statement_names_both_resources_and_their_search_parameters() {
        let statement = crate::api::fhir::capability_statement("http://example.org", 0, true);
        assert_eq!(statement["fhirVersion"], "4.0.1");
        assert_eq!(statement["date"], "1970-01-01T00:00:00.000Z");
        assert_eq!(
            statement["implementation"]["url"],
            "http://example.org/fhir"
        );
        let resources = statement["rest"][0]["resource"]
            .as_array()
            .expect("resources");
        let names: Vec<_> = resources.iter().map(|r| r["type"].clone()).collect();
        assert_eq!(names, vec![json!("AuditEvent"), json!("Consent")]);
        for resource in resources {
            let params: Vec<_> = resource["searchParam"]
                .as_array()
                .expect("parameters")
                .iter()
                .map(|p| p["name"].clone())
                .collect();
            assert_eq!(params, vec![json!("patient"), json!("date")]);
        }
        let none = crate::api::fhir::capability_statement("http://example.org", 0, false);
        assert!(none["rest"][0].get("resource").is_none());
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
