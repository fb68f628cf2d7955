// The patient's delegates: appointing one (a relationship, until a date), removing one.
import { useState } from 'react';
import { useTx } from '../../tx';
import type { Relationship } from '../../types';
import { Action, TextField, VariantSelect, ms, when, AccountField } from '../../ui';
import { accountOf, shortAddress } from '../../accounts';
import type { PatientSectionProps } from './section';

export function DelegatesSection({ data, after }: PatientSectionProps) {
  const { send } = useTx();
  const { delegates, relationships } = data;
  const [delegate, setDelegate] = useState('');
  const [relationship, setRelationship] = useState<Relationship>(relationships[0]?.name ?? 'Guardian');
  const [delegateUntil, setDelegateUntil] = useState('');
  return (
    <>
      <Action
        title="Delegate"
        submit="Appoint delegate"
        action={async () => {
          const d = await accountOf(delegate, 'Delegate');
          return after(
            send(`Appoint ${shortAddress(d)} as ${relationship}`, 'consent_registry', 'appointDelegate', [
              d,
              relationship,
              ms(new Date(delegateUntil)),
            ]),
          );
        }}
      >
        <AccountField label="Delegate (account)" name="delegate" value={delegate} set={setDelegate} />
        <VariantSelect label="Relationship" name="relationship" variants={relationships} value={relationship} set={setRelationship} />
        <TextField label="Until" name="delegate-until" type="datetime-local" value={delegateUntil} set={setDelegateUntil} />
        {delegates.length > 0 && (
          <ul>
            {delegates.map((d) => (
              <li key={d.account}>
                {shortAddress(d.account)}: {d.relationship} until {when(d.expiresAt)}{' '}
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    void after(send(`Remove delegate ${shortAddress(d.account)}`, 'consent_registry', 'removeDelegate', [d.account]))
                  }
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </Action>
    </>
  );
}
