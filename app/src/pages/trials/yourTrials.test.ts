import { describe, expect, it } from 'vitest';
import { byUrgency, trialRow } from './YourTrials';
import { accountTopic } from '../../indexer';
import type {
  ClinicalTrialsModelAdverseEvent as AdverseEvent,
  ClinicalTrialsModelReportStatus as ReportStatus,
  ClinicalTrialsModelTrial as Trial,
} from '../../contracts/clinical_trials/types';

const SPONSOR = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const IRB = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y';
const trial = (id: number, current: number, latest: number, openSusars = 0) =>
  ({
    id,
    sponsor: { address: () => SPONSOR },
    irb: { address: () => IRB },
    currentVersion: current,
    latestVersion: latest,
    enrolled: 3,
    targetEnrolment: 10,
    suspended: false,
    openSusars,
  }) as unknown as Trial;
const susar = (due: bigint, status: ReportStatus): [AdverseEvent, ReportStatus] => [{ due } as AdverseEvent, status];

describe('the trials a sponsor or IRB works on', () => {
  it('names the role, the version awaiting approval and the open reports', () => {
    const row = trialRow(trial(4, 1, 2, 3), accountTopic(IRB), [susar(500n, 'Pending'), susar(300n, 'Pending'), susar(100n, 'Overdue')]);
    expect(row).toMatchObject({ id: 4, role: 'IRB', inForce: 1, pending: 2, openSusars: 3, overdue: 1, nextDue: 300n });
    expect(trialRow(trial(5, 2, 2), accountTopic(SPONSOR), [])).toMatchObject({ role: 'sponsor', pending: undefined, nextDue: undefined });
    expect(trialRow(trial(6, 1, 1), accountTopic(IRB), [], true).role).toBe('IRB and investigator');
    const INVESTIGATOR = '5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy';
    expect(trialRow(trial(7, 1, 1), accountTopic(INVESTIGATOR), [], true).role).toBe('investigator');
    // A participant who consented to version 1 while version 2 is in force: its consent is awaited.
    expect(trialRow(trial(8, 2, 2), accountTopic(INVESTIGATOR), [], false, { number: 3, consented: 1 })).toMatchObject({
      role: 'participant 3',
      reconsent: true,
    });
    expect(trialRow(trial(8, 2, 2), accountTopic(INVESTIGATOR), [], false, { number: 3, consented: 2 }).reconsent).toBe(false);
    // Open to an account holding research consent to its sponsor, until it takes part.
    expect(trialRow(trial(9, 1, 1), accountTopic(INVESTIGATOR), [], false, undefined, true)).toMatchObject({
      role: 'invited (your research consent to its sponsor)',
      invited: true,
    });
    expect(trialRow(trial(9, 1, 1), accountTopic(INVESTIGATOR), [], false, { number: 1, consented: 1 }, true).invited).toBe(false);
  });

  it('puts overdue reports first, then pending work by due date, then the rest newest first', () => {
    const me = accountTopic(SPONSOR);
    const quiet = [trialRow(trial(1, 1, 1), me, []), trialRow(trial(2, 1, 1), me, [])];
    const amendment = trialRow(trial(3, 1, 2), me, []);
    const soon = trialRow(trial(4, 1, 1, 1), me, [susar(200n, 'Pending')]);
    const late = trialRow(trial(5, 1, 1, 1), me, [susar(100n, 'Overdue')]);
    const sorted = [...quiet, amendment, soon, late].sort(byUrgency).map((r) => r.id);
    expect(sorted).toEqual([5, 4, 3, 2, 1]);
  });
});
