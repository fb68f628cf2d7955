// The clinician's patients: those who named it a care provider (consent_registry's
// `CareRelationshipStarted` events naming it), whose remote-monitoring care team it is on
// (remote_monitoring's `CareTeamChanged`) and whose alerts it was sent (`AlertSent`), found
// through the indexer; whether each relationship is live, the care team now and each
// alert are read from the contracts. Patients with alerts come first. *Open* puts the
// patient in the page's forms: no account to type.
import { useCallback } from 'react';
import type { Suite } from '../../suite';
import { accountTopic, caughtUp, eventsWithTopic, idsIn, type IndexedEvent } from '../../indexer';
import { useWorklist } from '../../worklist';
import { useTx } from '../../tx';
import { day, useAccountName, when, WorklistTable } from '../../ui';
import { loincText, quantityName } from '../../monitoring';

/** How many events of each kind naming the clinician are read for the list. */
const RECENT = 100;

const WORDS = {
  noAccount: 'Choose your account to see your patients.',
  noIndexer: "Your patients are found through the suite's indexer, which this deployment does not name: type a patient's account below.",
  failed: "The indexer did not answer: type a patient's account below, or try again.",
};

/** A patient on the list. */
export interface PatientRow {
  patient: string;
  /** Start of the oldest live care relationship naming the clinician, if any. */
  careSince: bigint | undefined;
  /** On the patient's remote-monitoring care team now. */
  careTeam: boolean;
  /** Alerts sent to the clinician about the patient (among the recent ones read). */
  alerts: number;
  /** The newest of them: when, and the quantity's LOINC code. */
  lastAlert: { at: bigint; quantity: string } | undefined;
}

/** An account field of an indexed event (SS58 text), or undefined. */
function accountField(e: IndexedEvent, name: string): string | undefined {
  const value = (e.fields as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** The rows, patients with alerts first (newest alert first), then by name. */
export function patientRows(
  care: { patient: string; from: bigint }[],
  teams: string[],
  alerts: { patient: string; at: bigint; quantity: string }[],
  name: (address: string) => string,
): PatientRow[] {
  const rows = new Map<string, PatientRow>();
  const row = (patient: string) => {
    const key = accountTopic(patient);
    let r = rows.get(key);
    if (!r) {
      r = { patient, careSince: undefined, careTeam: false, alerts: 0, lastAlert: undefined };
      rows.set(key, r);
    }
    return r;
  };
  for (const c of care) {
    const r = row(c.patient);
    if (r.careSince === undefined || c.from < r.careSince) r.careSince = c.from;
  }
  for (const t of teams) row(t).careTeam = true;
  for (const a of alerts) {
    const r = row(a.patient);
    r.alerts += 1;
    if (!r.lastAlert || a.at > r.lastAlert.at) r.lastAlert = { at: a.at, quantity: a.quantity };
  }
  return [...rows.values()].sort(
    (a, b) => Number(b.lastAlert?.at ?? -1n) - Number(a.lastAlert?.at ?? -1n) || name(a.patient).localeCompare(name(b.patient)),
  );
}

export function Patients({ suite, account, onOpen }: { suite: Suite; account: string | undefined; onOpen: (patient: string) => void }) {
  const { query } = useTx();
  const name = useAccountName();
  const read = useCallback(
    async (clinician: string) => {
      const current = await caughtUp(suite);
      const topic = accountTopic(clinician);
      const [started, teamChanges, sent] = await Promise.all([
        eventsWithTopic(suite, topic, { contract: 'consent_registry', name: 'CareRelationshipStarted' }, RECENT),
        eventsWithTopic(suite, topic, { contract: 'remote_monitoring', name: 'CareTeamChanged' }, RECENT),
        eventsWithTopic(suite, topic, { contract: 'remote_monitoring', name: 'AlertSent' }, RECENT),
      ]);
      if (!started || !teamChanges || !sent) return undefined;
      const live = await Promise.all(
        idsIn(started.items, 'id').map(async (id) => {
          const c = await query('consent_registry', 'careRelationship', [id]);
          if (!c.ok || !c.value || c.value.endedAt !== undefined || accountTopic(c.value.provider.address()) !== topic) return undefined;
          return { patient: c.value.patient.address(), from: c.value.from };
        }),
      );
      // Each patient whose care team named the clinician, once; on the team now?
      const candidates = [...new Set(teamChanges.items.map((e) => accountField(e, 'patient')).filter((p) => p !== undefined))];
      const teams = await Promise.all(
        candidates.map(async (patient) => {
          const team = await query('remote_monitoring', 'careTeam', [patient]);
          return team.ok && team.value.some((m) => accountTopic(m.address()) === topic) ? patient : undefined;
        }),
      );
      const alerts = await Promise.all(
        idsIn(sent.items, 'alert').map(async (id) => {
          const a = await query('remote_monitoring', 'alert', [id]);
          if (!a.ok || !a.value) return undefined;
          return { patient: a.value.patient.address(), at: a.value.raisedAt, quantity: loincText(a.value.quantity) };
        }),
      );
      return {
        behind: !current,
        rows: patientRows(
          live.filter((c) => c !== undefined),
          teams.filter((t) => t !== undefined),
          alerts.filter((a) => a !== undefined),
          name,
        ),
        source:
          `Patients who named you a care provider, whose care team you are on, or whose alerts you were sent (the ${RECENT} most recent of each; from the indexer, complete through block #${started.complete_through_block ?? '?'}` +
          (current ? '' : ', not yet the newest') +
          '), each read from the contracts now.',
      };
    },
    [suite, query, name],
  );
  const { rows, source, read: listed } = useWorklist(suite, account, WORDS, read);

  return (
    <WorklistTable
      id="patients"
      title="Your patients"
      source={source}
      listed={listed}
      none="No patients yet."
      columns={['Patient', 'Your care', 'Care team', 'Alerts', 'Action']}
      rows={rows}
      row={(r) => (
        <tr key={r.patient} data-testid="patient-row">
          <td>{name(r.patient)}</td>
          <td>{r.careSince === undefined ? '—' : `since ${day(r.careSince)}`}</td>
          <td>{r.careTeam ? 'yes' : '—'}</td>
          <td data-testid="patient-alerts">
            {r.alerts === 0 ? 'none' : `${r.alerts}, the last ${when(r.lastAlert?.at ?? 0n)}: ${quantityName(r.lastAlert?.quantity ?? '')}`}
          </td>
          <td>
            <button type="button" className="secondary" onClick={() => onOpen(r.patient)} aria-label={`Open ${name(r.patient)}`}>
              Open
            </button>
          </td>
        </tr>
      )}
    />
  );
}
