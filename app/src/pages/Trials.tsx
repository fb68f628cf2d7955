// Clinical trials: the sponsor's and IRB's trials with what awaits them (a protocol
// version to approve, SUSAR report clocks); a trial's registration, protocol versions, enrolment, adverse events with
// their regulator-report clocks (21 CFR 312.32) and results (late, outcome switched), for
// everyone to see; the sponsor registers, amends, reports SUSARs and posts results; the
// IRB approves protocol versions; investigators enrol and report adverse events;
// participants (or delegates) consent to the current protocol version and withdraw.
// Documents never leave the browser: only their SHA-256 hashes go on chain.
//
// The page holds the trial shown (its data hook, trials/useTrial.ts) and gives it to one
// section per role (trials/*.tsx), each holding its own form state.
import { useState } from 'react';
import { useLinkedItem } from '../route';
import type { PageProps } from '../main';
import type { DataCategory } from '../types';
import { Action, TextField } from '../ui';
import { variantsOf } from '../words';
import { useTrial } from './trials/useTrial';
import { TrialFacts } from './trials/TrialFacts';
import { ParticipantSection } from './trials/Participant';
import { InvestigatorSection } from './trials/Investigator';
import { SponsorSection } from './trials/Sponsor';
import { OversightSection } from './trials/Oversight';
import { YourTrials } from './trials/YourTrials';

export function TrialsPage({ suite, account }: PageProps) {
  // DataCategories is a bit set in this contract's metadata: the variants come from
  // consent_registry's (the same enum, the suite's ABI).
  const categories = variantsOf<DataCategory>(suite.metadata.consent_registry, 'DataCategory');
  const [trialId, setTrialId] = useState('');
  // The participant named in the participant's section, whom an investigator enrols.
  const [participant, setParticipant] = useState('');
  // The adverse event the sponsor reports to the regulators, picked from the trial's list.
  const [susarEvent, setSusarEvent] = useState('');
  const { view, missing, refresh } = useTrial(trialId, account);
  const [changed, setChanged] = useState(0);
  // A link to a trial (the activity feed's) shows it.
  useLinkedItem('trial', (id) => {
    if (/^\d+$/.test(id)) setTrialId(id);
  });

  const after = async <T,>(p: Promise<T>) => {
    const o = await p;
    await refresh().catch(() => undefined);
    setChanged((n) => n + 1);
    return o;
  };
  const current = () => {
    if (!view) throw new Error('Choose a trial first (none is shown).');
    return view.id;
  };
  const roles = { current, after };

  return (
    <>
      <YourTrials
        suite={suite}
        account={account?.address}
        refresh={changed}
        onShow={(id) => {
          setTrialId(String(id));
          document.getElementById('which-trial')?.scrollIntoView({ block: 'start' });
        }}
      />
      <Action title="Which trial" submit="Show" action={refresh}>
        <TextField label="Trial (id)" name="trial" hint="Empty: the latest registered." value={trialId} set={setTrialId} numeric optional />
      </Action>
      {missing && <p>{missing}</p>}
      {view && (
        <TrialFacts
          view={view}
          categories={categories}
          account={account}
          onReport={(e) => {
            setSusarEvent(String(e));
            document.getElementById('report-a-susar-to-the-regulators')?.scrollIntoView({ block: 'start' });
          }}
        />
      )}
      <ParticipantSection {...roles} view={view} account={account} participant={participant} setParticipant={setParticipant} />
      <InvestigatorSection {...roles} view={view} suite={suite} participant={participant} />
      <SponsorSection {...roles} categories={categories} setTrialId={setTrialId} susarEvent={susarEvent} setSusarEvent={setSusarEvent} />
      <OversightSection {...roles} view={view} />
    </>
  );
}
