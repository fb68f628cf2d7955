// What a patient takes away, in health IT's own format: their consents as FHIR R4
// `Consent` resources and their access log as FHIR R4 `AuditEvent` resources, each in a
// Bundle of type `collection`. Accounts appear as identifiers (system
// `urn:substrate:ss58`): the chain holds no names, and neither does the export.
import { useState } from 'react';
import type { Bundle, Consent as FhirConsent, AuditEvent, Coding } from 'fhir/r4';
import type { Variant } from './words';
import { codeOf } from './words';
import type { Suite } from './suite';
import { caughtUp, fhirSearch, indexerUrl } from './indexer';

const SS58 = 'urn:substrate:ss58';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

/** FHIR `provision.class` / security label of each data category (DataCategory order). */
const CATEGORY_CODES: Record<string, Coding> = {
  Demographics: { system: 'http://hl7.org/fhir/resource-types', code: 'Patient' },
  Conditions: { system: 'http://hl7.org/fhir/resource-types', code: 'Condition' },
  Medications: { system: 'http://hl7.org/fhir/resource-types', code: 'MedicationRequest' },
  Allergies: { system: 'http://hl7.org/fhir/resource-types', code: 'AllergyIntolerance' },
  LabResults: { system: 'http://hl7.org/fhir/resource-types', code: 'Observation' },
  Imaging: { system: 'http://hl7.org/fhir/resource-types', code: 'ImagingStudy' },
  Immunizations: { system: 'http://hl7.org/fhir/resource-types', code: 'Immunization' },
  Procedures: { system: 'http://hl7.org/fhir/resource-types', code: 'Procedure' },
  ClinicalNotes: { system: 'http://hl7.org/fhir/resource-types', code: 'DocumentReference' },
  Billing: { system: 'http://hl7.org/fhir/resource-types', code: 'Claim' },
  MentalHealth: {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
    code: 'PSY',
    display: 'psychiatry disorder information sensitivity',
  },
  SubstanceUse: {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
    code: 'ETH',
    display: 'substance abuse information sensitivity',
  },
  Genomic: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'GDIS', display: 'genetic disease information sensitivity' },
  VitalSigns: {
    system: 'http://terminology.hl7.org/CodeSystem/observation-category',
    code: 'vital-signs',
    display: 'Vital Signs',
  },
};

export interface ConsentRow {
  id: bigint;
  patient: string;
  grantee: string;
  kind: string;
  purposes: Variant[];
  categories: Variant[];
  validFrom: bigint;
  validUntil?: bigint;
  recordedAt: bigint;
  revokedAt?: bigint;
}

export interface AccessRow {
  index: number;
  patient: string;
  accessor: string;
  at: bigint;
  purpose: Variant;
  record?: bigint;
  emergency?: bigint;
}

const RESOURCE_TYPES = 'http://hl7.org/fhir/resource-types';
/** FHIR JSON has no empty arrays: the property only when it has elements. */
const nonEmpty = <K extends string, T>(key: K, items: T[]): { [P in K]?: T[] } =>
  (items.length ? { [key]: items } : {}) as { [P in K]?: T[] };
const iso = (ms: bigint) => new Date(Number(ms)).toISOString();
const account = (address: string) => ({ identifier: { system: SS58, value: address } });
const purposeCoding = (p: Variant): Coding => ({ system: ACT_REASON, code: codeOf(p) ?? p.name, display: p.docs });

/** When a consent is in force, as the contract decides it (and the indexer's FHIR API
 * answers): from its start (a denial from its recording at the earliest) to the first of
 * its period's end and its revocation, never ending before it starts. (A delegate's
 * consent is also bounded by its delegation term, which the row does not carry.) */
export function inForce(c: ConsentRow): { start: bigint; end?: bigint } {
  const start = c.kind === 'Deny' && c.recordedAt > c.validFrom ? c.recordedAt : c.validFrom;
  const ends = [c.validUntil, c.revokedAt].filter((t): t is bigint => t !== undefined);
  if (!ends.length) return { start };
  const end = ends.reduce((a, b) => (b < a ? b : a));
  return { start, end: end < start ? start : end };
}

export function consentResource(c: ConsentRow, registry: string, now: bigint): FhirConsent {
  const { start, end } = inForce(c);
  const ended = end !== undefined && end <= now;
  return {
    resourceType: 'Consent',
    id: `consent-${c.id}`,
    identifier: [{ system: `${SS58}:${registry}:consent`, value: c.id.toString() }],
    status: ended ? 'inactive' : 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: account(c.patient),
    dateTime: iso(c.recordedAt),
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: {
      type: c.kind === 'Deny' ? 'deny' : 'permit',
      period: { start: iso(start), ...(end !== undefined ? { end: iso(end) } : {}) },
      actor: [
        {
          role: {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' },
            ],
          },
          reference: account(c.grantee),
        },
      ],
      ...nonEmpty('purpose', c.purposes.map(purposeCoding)),
      ...nonEmpty(
        'class',
        c.categories.filter((v) => CATEGORY_CODES[v.name]?.system === RESOURCE_TYPES).map((v) => CATEGORY_CODES[v.name]),
      ),
      ...nonEmpty(
        'securityLabel',
        c.categories
          .filter((v) => CATEGORY_CODES[v.name] && CATEGORY_CODES[v.name].system !== RESOURCE_TYPES)
          .map((v) => CATEGORY_CODES[v.name]),
      ),
    },
  };
}

export function auditEventResource(a: AccessRow, registry: string): AuditEvent {
  return {
    resourceType: 'AuditEvent',
    id: `access-${a.index}`,
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110', display: 'Patient Record' },
    subtype: [
      a.record === undefined
        ? { system: 'http://hl7.org/fhir/restful-interaction', code: 'create', display: 'break-glass grant opened' }
        : { system: 'http://hl7.org/fhir/restful-interaction', code: 'read', display: 'read' },
    ],
    action: a.record === undefined ? 'C' : 'R',
    recorded: iso(a.at),
    outcome: '0',
    purposeOfEvent: [{ coding: [purposeCoding(a.purpose)] }],
    agent: [{ who: account(a.accessor), requestor: true }],
    source: { observer: { identifier: { system: SS58, value: registry }, display: 'consent_registry' } },
    entity: [
      { what: account(a.patient), role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' } },
      ...(a.record !== undefined
        ? [{ what: { identifier: { system: `${SS58}:${registry}:record`, value: a.record.toString() } }, description: 'record anchor' }]
        : []),
      ...(a.emergency !== undefined
        ? [
            {
              what: { identifier: { system: `${SS58}:${registry}:break-glass`, value: a.emergency.toString() } },
              description: 'break-glass grant',
            },
          ]
        : []),
    ],
  };
}

export function bundle(resources: (FhirConsent | AuditEvent)[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${crypto.randomUUID()}`, resource })),
  };
}

/** A patient's resources of `type` as a download: from the indexer when the deployment
 * names one (the whole history: every consent ever recorded, every access, break-glass
 * acknowledgement and closing, after waiting for it to store the best block),
 * otherwise the rows the page shows, as the contract answers them. Returns where they
 * came from, in words. */
export async function downloadPatientBundle(
  suite: Suite,
  type: 'AuditEvent' | 'Consent',
  patient: string,
  shown: () => (AuditEvent | FhirConsent)[],
): Promise<string> {
  const name = `${type === 'Consent' ? 'consents' : 'access-log'}-${patient.slice(0, 8)}.json`;
  const current = await caughtUp(suite);
  const indexed = await fhirSearch<AuditEvent | FhirConsent>(suite, type, patient);
  if (indexed) {
    download(name, bundle(indexed.items));
    return (
      `Downloaded ${indexed.items.length} ${type} resources from the indexer, complete through block #${indexed.through ?? '?'}` +
      (indexed.truncated ? ' (the first ones only: ask the indexer for a period)' : '') +
      (current ? '' : ' (it has not yet stored the newest block)')
    );
  }
  const resources = shown();
  download(name, bundle(resources));
  const why = indexerUrl(suite) ? 'the indexer did not answer' : 'no indexer';
  return `Downloaded ${resources.length} ${type} resources as this page shows them (${why}: the newest page of the contract's list)`;
}

/** The state of a patient's download button: the function to call and what it said. */
export function usePatientDownload(suite: Suite, type: 'AuditEvent' | 'Consent', patient: string) {
  const [said, setSaid] = useState('');
  const start = (shown: () => (AuditEvent | FhirConsent)[]) =>
    downloadPatientBundle(suite, type, patient, shown).then(setSaid, (e: unknown) => setSaid(`Download failed: ${String(e)}`));
  return { said, start };
}

/** Offers a JSON document as a download. */
export function download(name: string, document: unknown): void {
  const blob = new Blob([JSON.stringify(document, null, 2)], { type: 'application/fhir+json' });
  const url = URL.createObjectURL(blob);
  const a = Object.assign(window.document.createElement('a'), { href: url, download: name });
  a.click();
  URL.revokeObjectURL(url);
}
