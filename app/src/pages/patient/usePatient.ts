// The data of the Patient page: a patient's consents, care relationships, delegates,
// record anchors and access log (with the state of each break-glass grant in it), queried
// in parallel and typed as the bindings decode them.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Suite } from '../../suite';
import { useTx, type Outcome } from '../../tx';
import type { DataCategory, Purpose, Relationship } from '../../types';
import type { AccessRow, ConsentRow } from '../../fhir';
import { membersOf, variantName, variantsOf, type Variant } from '../../words';

/** A break-glass grant's state, for the access-log entries it covers. */
export interface GrantState {
  acknowledged?: bigint;
  closed?: bigint;
  expires: bigint;
}

export interface PatientView {
  consents: ConsentRow[];
  care: { id: bigint; provider: string; from: bigint; until?: bigint }[];
  delegates: { account: string; relationship: string; expiresAt: bigint }[];
  records: { id: bigint; category: string; anchoredAt: bigint }[];
  log: AccessRow[];
  /** By break-glass grant id. */
  grants: Record<string, GrantState>;
  /** When this view was loaded (ms; 0: not yet). */
  refreshed: number;
}

export interface PatientData extends PatientView {
  purposes: Variant<Purpose>[];
  categories: Variant<DataCategory>[];
  relationships: Variant<Relationship>[];
  refresh: () => Promise<void>;
}

const EMPTY: PatientView = { consents: [], care: [], delegates: [], records: [], log: [], grants: {}, refreshed: 0 };
/** The contracts' page size. Lists are kept oldest first: the newest page of a counted
 * list starts at its count less this. */
const PAGE = 50;
const newestFrom = (n: Outcome<number>) => (n.ok ? Math.max(0, n.value - PAGE) : 0);
const rowsOf = <T>(o: Outcome<T[]>): T[] => (o.ok ? o.value : []);

/** The records of `subject` (an address; '' shows nothing). */
export function usePatient(suite: Suite, subject: string): PatientData {
  const { query } = useTx();
  const meta = suite.metadata.consent_registry;
  const [purposes] = useState(() => variantsOf<Purpose>(meta, 'Purpose'));
  const [categories] = useState(() => variantsOf<DataCategory>(meta, 'DataCategory'));
  const [relationships] = useState(() => variantsOf<Relationship>(meta, 'Relationship'));
  const [view, setView] = useState<PatientView>(EMPTY);

  // Only the newest refresh may show its results (an older one, for another account or
  // before a transaction, may answer later).
  const latest = useRef(0);
  const refresh = useCallback(async () => {
    if (!subject) return;
    const ticket = ++latest.current;
    const [consentCount, accessCount, delegateList, recordList, careList] = await Promise.all([
      query('consent_registry', 'consentCountOf', [subject]),
      query('consent_registry', 'accessCountOf', [subject]),
      query('consent_registry', 'delegatesOf', [subject, 0, PAGE]),
      query('consent_registry', 'recordsOf', [subject, 0, PAGE]),
      query('consent_registry', 'careOf', [subject, 0, PAGE]),
    ]);
    const logOffset = newestFrom(accessCount);
    const [consentList, logList] = await Promise.all([
      query('consent_registry', 'consentsOf', [subject, newestFrom(consentCount), PAGE]),
      query('consent_registry', 'accessLog', [subject, logOffset, PAGE]),
    ]);
    const log = rowsOf(logList).map((x, i) => ({
      index: logOffset + i,
      patient: subject,
      accessor: x.accessor.address(),
      at: x.at,
      purpose: purposes.find((p) => p.name === x.purpose) ?? { index: -1, name: variantName(x.purpose), docs: '' },
      record: x.record,
      emergency: x.emergency,
    }));
    const emergencies = [...new Set(log.flatMap((x) => (x.emergency === undefined ? [] : [x.emergency])))];
    const openings = await Promise.all(emergencies.map((id) => query('consent_registry', 'breakGlass', [id])));
    const grants: Record<string, GrantState> = {};
    emergencies.forEach((id, i) => {
      const g = openings[i];
      if (g.ok && g.value)
        grants[id.toString()] = { acknowledged: g.value.acknowledgedAt, closed: g.value.closedAt, expires: g.value.expiresAt };
    });
    if (ticket !== latest.current) return;
    setView({
      consents: rowsOf(consentList).map((x) => ({
        id: x.id,
        patient: x.patient.address(),
        grantee: x.grantee.address(),
        kind: variantName(x.kind),
        purposes: membersOf(Number(x.purposes), purposes),
        categories: membersOf(Number(x.categories), categories),
        validFrom: x.validFrom,
        validUntil: x.validUntil,
        recordedAt: x.recordedAt,
        revokedAt: x.revokedAt,
      })),
      delegates: rowsOf(delegateList).map((x) => ({
        account: x.account.address(),
        relationship: variantName(x.relationship),
        expiresAt: x.expiresAt,
      })),
      records: rowsOf(recordList).map((x) => ({ id: x.id, category: variantName(x.category), anchoredAt: x.anchoredAt })),
      care: rowsOf(careList).map((x) => ({ id: x.id, provider: x.provider.address(), from: x.from, until: x.endedAt })),
      log,
      grants,
      refreshed: Date.now(),
    });
  }, [subject, query, purposes, categories]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return { ...view, purposes, categories, relationships, refresh };
}
