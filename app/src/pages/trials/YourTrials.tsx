// The sponsor's, the IRB's, the investigator's and the participant's worklist: the trials
// the account sponsors, oversees as IRB of record, investigates at a site it was not
// removed from, or takes part in (a protocol version in force it has not consented to yet)
// (among the newest 100, read from the contract's own paged list), each with the
// protocol version in force and one proposed and awaiting the IRB's approval, enrolment,
// and its SUSARs not yet reported to the regulators with the nearest report due (15
// calendar days, 7 for a death or a life-threatening event; 21 CFR 312.32) or overdue.
// Trials with something to do come first. *Show* opens the trial below: no trial id to
// type.
import { useCallback } from 'react';
import type { Suite } from '../../suite';
import type {
  ClinicalTrialsModelAdverseEvent as AdverseEvent,
  ClinicalTrialsModelReportStatus as ReportStatus,
  ClinicalTrialsModelTrial as Trial,
} from '../../contracts/clinical_trials/types';
import { accountTopic } from '../../indexer';
import { useWorklist } from '../../worklist';
import { variantName, variantsOf } from '../../words';
import { useTx } from '../../tx';
import { when, WorklistTable } from '../../ui';

/** The newest trials read (two of the contract's pages of 50). */
const NEWEST = 100;
const PAGE = 50;

const WORDS = {
  noAccount: 'Choose your account to see the trials you sponsor, oversee, investigate or take part in.',
  failed: 'The node did not answer: type a trial id below, or try again.',
};

export interface TrialRow {
  id: number;
  role: string;
  inForce: number;
  /** A version proposed after the one in force, awaiting the IRB. */
  pending: number | undefined;
  enrolled: number;
  target: number;
  suspended: boolean;
  openSusars: number;
  overdue: number;
  /** The nearest due date among the open SUSARs not yet overdue. */
  nextDue: bigint | undefined;
  /** A participant whose consent is to an older version than the one in force. */
  reconsent: boolean;
  /** Not yet taking part, but open to the account: enrolling, its sponsor holding the
   * account's research consent. */
  invited: boolean;
}

/** The account as a participant of a trial: its number and the version it consented to. */
export interface AsParticipant {
  number: number;
  consented: number | undefined;
}

/** A row of `trial` for `me` (its sponsor, its IRB, one of its investigators, or
 * several), with its open SUSARs. */
export function trialRow(
  trial: Trial,
  me: string,
  susars: [AdverseEvent, ReportStatus][],
  investigator = false,
  participant?: AsParticipant,
  invited = false,
): TrialRow {
  const roles = [
    ...(accountTopic(trial.sponsor.address()) === me ? ['sponsor'] : []),
    ...(accountTopic(trial.irb.address()) === me ? ['IRB'] : []),
    ...(investigator ? ['investigator'] : []),
    ...(participant ? [`participant ${participant.number}`] : []),
    ...(invited && !participant ? ['invited (your research consent to its sponsor)'] : []),
  ];
  const pendingDue = susars.filter(([, s]) => s === 'Pending').flatMap(([e]) => (e.due === undefined ? [] : [e.due]));
  return {
    id: trial.id,
    role: roles.join(' and '),
    inForce: trial.currentVersion,
    pending: trial.latestVersion > trial.currentVersion ? trial.latestVersion : undefined,
    enrolled: trial.enrolled,
    target: trial.targetEnrolment,
    suspended: trial.suspended,
    openSusars: trial.openSusars,
    overdue: susars.filter(([, s]) => s === 'Overdue').length,
    nextDue: pendingDue.length ? pendingDue.reduce((a, b) => (b < a ? b : a)) : undefined,
    reconsent: participant !== undefined && trial.currentVersion > (participant.consented ?? 0),
    invited: invited && !participant,
  };
}

/** Overdue reports first, then pending amendments and reports, soonest due first, then the
 * rest, newest trial first. */
export function byUrgency(a: TrialRow, b: TrialRow): number {
  const rank = (r: TrialRow) => (r.overdue > 0 ? 0 : r.openSusars > 0 || r.pending !== undefined || r.reconsent || r.invited ? 1 : 2);
  const due = (r: TrialRow) => r.nextDue ?? BigInt(Number.MAX_SAFE_INTEGER);
  return rank(a) - rank(b) || (due(a) < due(b) ? -1 : due(a) > due(b) ? 1 : 0) || b.id - a.id;
}

export function YourTrials({
  suite,
  account,
  refresh,
  onShow,
}: {
  suite: Suite;
  account: string | undefined;
  refresh: number;
  onShow: (trial: number) => void;
}) {
  const { query } = useTx();
  const read = useCallback(
    async (account: string) => {
      const count = await query('clinical_trials', 'trialCount', []);
      if (!count.ok) return undefined;
      const from = Math.max(0, count.value - NEWEST);
      const pages = await Promise.all(
        Array.from({ length: Math.ceil((count.value - from) / PAGE) }, (_, i) =>
          query('clinical_trials', 'trials', [from + i * PAGE, PAGE]),
        ),
      );
      if (pages.some((p) => !p.ok)) return undefined;
      const me = accountTopic(account);
      const trials = pages.flatMap((p) => (p.ok ? p.value : []));
      // An investigator of a trial (added to it and not removed), or a participant of it
      // (enrolled, with the version it consented to).
      const [investigates, participates] = await Promise.all([
        Promise.all(
          trials.map(async (t) => {
            const record = await query('clinical_trials', 'investigator', [t.id, account]);
            return record.ok && record.value !== undefined && record.value.removedAt === undefined;
          }),
        ),
        Promise.all(
          trials.map(async (t): Promise<AsParticipant | undefined> => {
            const number = await query('clinical_trials', 'participantNumber', [t.id, account]);
            if (!number.ok || number.value === undefined) return undefined;
            const consent = await query('clinical_trials', 'versionConsent', [t.id, account]);
            return { number: number.value, consented: consent.ok ? consent.value?.version : undefined };
          }),
        ),
      ]);
      // The sponsors holding the account's research consent (its newest 50 consents): their
      // enrolling trials are open to it.
      const research = variantsOf(suite.metadata.consent_registry, 'Purpose').find((v) => v.name === 'Research');
      const consents = await query('consent_registry', 'consentCountOf', [account]);
      const recent = consents.ok
        ? await query('consent_registry', 'consentsOf', [account, Math.max(0, consents.value - PAGE), PAGE])
        : undefined;
      const sponsors = new Set(
        (recent?.ok ? recent.value : [])
          .filter(
            (c) =>
              research !== undefined &&
              variantName(c.kind) === 'Permit' &&
              c.revokedAt === undefined &&
              (Number(c.purposes) & (1 << research.index)) !== 0,
          )
          .map((c) => accountTopic(c.grantee.address())),
      );
      const openTo = (t: Trial) =>
        sponsors.has(accountTopic(t.sponsor.address())) &&
        !t.suspended &&
        t.currentVersion > 0 &&
        t.enrolled < t.targetEnrolment &&
        t.results === undefined;
      const rows = await Promise.all(
        trials.flatMap((t, i) => {
          const leads = accountTopic(t.sponsor.address()) === me || accountTopic(t.irb.address()) === me;
          if (!leads && !investigates[i] && !participates[i] && !openTo(t)) return [];
          return [
            (async () => {
              const susars = t.openSusars > 0 ? await query('clinical_trials', 'openSusars', [t.id, 0, PAGE]) : undefined;
              return trialRow(t, me, susars?.ok ? susars.value : [], investigates[i], participates[i], openTo(t));
            })(),
          ];
        }),
      );
      return {
        rows: rows.sort(byUrgency),
        source: `Among the ${count.value - from} newest of ${count.value} trials, read from the contract now.`,
      };
    },
    [query, suite],
  );
  const { rows, source, read: listed } = useWorklist(suite, account, WORDS, read, refresh);

  return (
    <WorklistTable
      id="your-trials"
      title="Your trials"
      source={source}
      listed={listed}
      none="You sponsor no trial, are the IRB of none, investigate none and take part in none."
      columns={['Trial', 'You are', 'Protocol', 'Enrolment', 'SUSAR reports', 'Action']}
      rows={rows}
      row={(r) => (
        <tr key={r.id} data-testid="your-trial-row">
          <td>{r.id}</td>
          <td>{r.role}</td>
          <td>
            {r.inForce === 0 ? 'none approved yet' : `version ${r.inForce} in force`}
            {r.pending !== undefined && <strong>; version {r.pending} awaits the IRB&apos;s approval</strong>}
            {r.reconsent && <strong>; it awaits your consent</strong>}
            {r.invited && <strong>; consent to it to take part</strong>}
          </td>
          <td>
            {r.enrolled} of {r.target}
            {r.suspended && ' (suspended)'}
          </td>
          <td data-testid="your-trial-susars">
            {r.openSusars === 0 ? (
              'none open'
            ) : (
              <>
                {r.openSusars} open
                {r.overdue > 0 && <strong>, {r.overdue} overdue</strong>}
                {r.nextDue !== undefined && `, next due ${when(r.nextDue)}`}
              </>
            )}
          </td>
          <td>
            <button type="button" className="secondary" onClick={() => onShow(r.id)} aria-label={`Show trial ${r.id}`}>
              Show
            </button>
          </td>
        </tr>
      )}
    />
  );
}
