// The participant (or a delegate): consents to the protocol version in force, withdraws.
import { useState } from 'react';
import { useTx } from '../../tx';
import { accountOf } from '../../accounts';
import { Action, DocumentField, AccountField } from '../../ui';
import { need, type SectionProps } from './section';

/** `participant` is shared with the investigator's section, which enrols the participant named here. */
export function ParticipantSection({
  view,
  account,
  current,
  after,
  participant,
  setParticipant,
}: SectionProps & { participant: string; setParticipant: (p: string) => void }) {
  const { send } = useTx();
  const [consentForm, setConsentForm] = useState('');
  // The participant named, else the account acting.
  const self = async (text: string) => accountOf(text || account?.address || '', 'Participant');
  return (
    <>
      <h3>Participant</h3>
      <Action
        title="Consent to the protocol in force"
        submit="Consent"
        action={async () => {
          const id = current();
          const who = await self(participant);
          return after(
            send(`Consent to trial ${id} version ${view?.trial.currentVersion}`, 'clinical_trials', 'consentToVersion', [
              id,
              who,
              view?.trial.currentVersion ?? 0,
              need(consentForm, 'signed consent form'),
            ]),
          );
        }}
      >
        <p className="muted">
          Consent to the trial&apos;s current protocol version (again after each approved amendment). Enrolment also needs your research
          consent to the sponsor for the trial&apos;s data categories, given on the Patient page.
        </p>
        <AccountField
          label="Participant (account)"
          name="participant"
          hint="Empty: the account acting. A delegate names the participant."
          value={participant}
          set={setParticipant}
          optional
        />
        <DocumentField label="Signed consent form" name="consent-form" hash={consentForm} set={setConsentForm} />
      </Action>
      <Action
        title="Withdraw from the trial"
        submit="Withdraw"
        action={async () => {
          const id = current();
          const who = await self(participant);
          return after(send(`Withdraw from trial ${id}`, 'clinical_trials', 'withdraw', [id, who]));
        }}
      >
        <p className="muted">At any time, by the participant or a delegate: no data for later periods is accepted.</p>
      </Action>
    </>
  );
}
