// The data of the Trials page: one trial, its protocol versions, its adverse events with
// their report clocks, and the acting account's consent and participant number, queried
// in parallel and typed as the bindings decode them.
import { useCallback, useEffect, useState } from 'react';
import type { Account } from '../../accounts';
import { useTx, type Outcome } from '../../tx';
import type {
  ClinicalTrialsModelAdverseEvent as AdverseEvent,
  ClinicalTrialsModelParticipant as Participant,
  ClinicalTrialsModelProtocolVersion as ProtocolVersion,
  ClinicalTrialsModelReportStatus as ReportStatus,
  ClinicalTrialsModelTrial as Trial,
} from '../../contracts/clinical_trials/types';

export interface TrialView {
  id: number;
  trial: Trial;
  versions: ProtocolVersion[];
  events: [AdverseEvent, ReportStatus][];
  /** The first 50 participants, by number (the ones an investigator picks from). */
  participants: Participant[];
  /** The acting account's consent (the version it consented to) and participant number. */
  mine: { consented?: number; number?: number };
}

export interface TrialData {
  view: TrialView | undefined;
  /** Why no trial is shown, in words ('' when one is). */
  missing: string;
  /** Reloads the trial; resolves with the refusal, if a query was refused. */
  refresh: () => Promise<Outcome<never> | undefined>;
}

/** Trial `trialId` (empty: the latest registered) as `account` sees it. */
export function useTrial(trialId: string, account: Account | undefined): TrialData {
  const { query } = useTx();
  const [view, setView] = useState<TrialView>();
  const [missing, setMissing] = useState('');

  const refresh = useCallback(async (): Promise<Outcome<never> | undefined> => {
    let id = Number(trialId);
    if (!trialId) {
      const count = await query('clinical_trials', 'trialCount', []);
      if (!count.ok) return count;
      id = count.value;
    }
    const none = (why: string) => {
      setView(undefined);
      setMissing(why);
      return undefined;
    };
    if (!id) return none('No trial is registered yet.');
    const me = account?.address;
    const [trial, versions, events, participants, consent, number] = await Promise.all([
      query('clinical_trials', 'trial', [id]),
      query('clinical_trials', 'protocolVersions', [id, 0, 20]),
      query('clinical_trials', 'adverseEventsOf', [id, 0, 50]),
      query('clinical_trials', 'participants', [id, 0, 50]),
      me ? query('clinical_trials', 'versionConsent', [id, me]) : undefined,
      me ? query('clinical_trials', 'participantNumber', [id, me]) : undefined,
    ]);
    if (!trial.ok) return trial;
    if (!trial.value) return none(`No trial ${id}.`);
    setMissing('');
    setView({
      id,
      trial: trial.value,
      versions: versions.ok ? versions.value : [],
      events: events.ok ? events.value : [],
      participants: participants.ok ? participants.value : [],
      mine: {
        consented: consent?.ok ? consent.value?.version : undefined,
        number: number?.ok ? number.value : undefined,
      },
    });
    return undefined;
  }, [trialId, query, account]);

  useEffect(() => {
    refresh().catch(() => setView(undefined));
  }, [refresh]);

  return { view, missing, refresh };
}
