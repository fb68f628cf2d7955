// The patient's care relationships: naming a provider (from a first visit), ending one.
import { useState } from 'react';
import { useTx } from '../../tx';
import { Action, TextField, ms, startOfToday, when, AccountField, useAccountName } from '../../ui';
import { accountOf, shortAddress } from '../../accounts';
import type { PatientSectionProps } from './section';

export function CareSection({ subject, data, after }: PatientSectionProps) {
  const { send } = useTx();
  const { care } = data;
  const [provider, setProvider] = useState('');
  const [careFrom, setCareFrom] = useState('');
  const name = useAccountName();
  return (
    <>
      <Action
        title="Care relationship"
        submit="Name care provider"
        action={async () => {
          const p = await accountOf(provider, 'Provider');
          return after(
            send(`Name ${shortAddress(p)} as care provider`, 'consent_registry', 'addCareProvider', [
              subject,
              p,
              careFrom ? ms(new Date(careFrom)) : startOfToday(),
            ]),
          );
        }}
      >
        <AccountField label="Provider (account)" name="provider" value={provider} set={setProvider} />
        <TextField
          label="First visit"
          hint="Empty: today 00:00. May lie in the past."
          name="care-from"
          type="datetime-local"
          value={careFrom}
          set={setCareFrom}
          optional
        />
        {care.length > 0 && (
          <ul>
            {care.map((c) => (
              <li key={c.id.toString()}>
                {name(c.provider)}: from {when(c.from)}
                {c.until !== undefined ? ` until ${when(c.until)}` : ' (open) '}
                {c.until === undefined && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() =>
                      void after(send(`End care with ${name(c.provider)}`, 'consent_registry', 'endCare', [subject, c.provider]))
                    }
                  >
                    End
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Action>
    </>
  );
}
