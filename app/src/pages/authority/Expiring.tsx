// The licensing authority's worklist: the credentials it issued that are not revoked and
// expire within 90 days (or expired within the last 30 without a renewal), soonest first,
// each with its holder, kind and licence number. Only a live credential can be renewed:
// an expired one needs a new credential. The credentials are found through the
// indexer (the `CredentialIssued` events naming the authority: the contract lists a
// holder's credentials, not an issuer's) and each is read from the contract. *Renew* puts
// it in the renewal form: no credential id to type.
import { useCallback } from 'react';
import type { Suite } from '../../suite';
import { chainNow } from '../../suite';
import type { StaffCredentialsModelCredential } from '../../contracts/staff_credentials/types';
import { accountTopic, caughtUp, eventsWithTopic, idsIn } from '../../indexer';
import { useWorklist } from '../../worklist';
import { useTx } from '../../tx';
import { day, text, useAccountName, WorklistTable } from '../../ui';
import { mostRecent, spaced, variantName } from '../../words';

const DAY = 86_400_000n;
/** How far ahead the list looks, and how far back at credentials left to expire. */
export const AHEAD = 90n * DAY;
export const BEHIND = 30n * DAY;
/** How many `CredentialIssued` events naming the authority are read for the list. */
const RECENT = 200;

const WORDS = {
  noAccount: 'Choose your account to see the credentials you issued that expire soon.',
  noIndexer:
    "The credentials you issued are found through the suite's indexer, which this deployment does not name: list a holder's credentials below.",
  failed: "The indexer did not answer: list a holder's credentials below, or try again.",
};

export interface ExpiringRow {
  id: bigint;
  subject: string;
  kind: string;
  identifier: string;
  validUntil: bigint;
  suspended: boolean;
  /** Already expired: the contract renews only a live credential. */
  expired: boolean;
}

/** The credentials of `found` that are not revoked and whose validity ends within
 * `AHEAD` after `now` or ended within `BEHIND` before it, soonest first. */
export function expiringRows(found: StaffCredentialsModelCredential[], now: bigint): ExpiringRow[] {
  return found
    .filter((c) => {
      const status = variantName(c.history.at(-1)?.status ?? 'Active');
      return status !== 'Revoked' && c.validUntil <= now + AHEAD && c.validUntil > now - BEHIND;
    })
    .sort((a, b) => (a.validUntil < b.validUntil ? -1 : a.validUntil > b.validUntil ? 1 : 0))
    .map((c) => ({
      id: c.id,
      subject: c.subject.address(),
      kind: spaced(variantName(c.kind)),
      identifier: text(c.identifier),
      validUntil: c.validUntil,
      suspended: variantName(c.history.at(-1)?.status ?? 'Active') === 'Suspended',
      expired: c.validUntil <= now,
    }));
}

export function ExpiringCredentials({
  suite,
  account,
  refresh,
  onRenew,
}: {
  suite: Suite;
  account: string | undefined;
  refresh: number;
  onRenew: (credential: ExpiringRow) => void;
}) {
  const { query } = useTx();
  const name = useAccountName();
  const read = useCallback(
    async (issuer: string) => {
      const current = await caughtUp(suite);
      const page = await eventsWithTopic(suite, accountTopic(issuer), { contract: 'staff_credentials', name: 'CredentialIssued' }, RECENT);
      if (!page) return undefined;
      const mine = accountTopic(issuer);
      const ids = idsIn(page.items, 'id');
      const [now, found] = await Promise.all([
        chainNow(suite),
        Promise.all(ids.map((id) => query('staff_credentials', 'credential', [id]))),
      ]);
      const credentials = found.flatMap((o) => (o.ok && o.value && accountTopic(o.value.issuer.address()) === mine ? [o.value] : []));
      return {
        behind: !current,
        rows: expiringRows(credentials, now),
        source:
          `Among ${mostRecent(page.items.length, 'credential', 'credentials')} you issued (from the indexer, complete through block #${page.complete_through_block ?? '?'}` +
          (current ? '' : ', not yet the newest') +
          '), each read from the contract now.',
      };
    },
    [suite, query],
  );
  const { rows, source, read: listed } = useWorklist(suite, account, WORDS, read, refresh);

  return (
    <WorklistTable
      id="expiring"
      title="Credentials expiring within 90 days"
      source={source}
      listed={listed}
      none="None of the credentials you issued expires within 90 days."
      columns={['Credential', 'Holder', 'Kind', 'Number', 'Valid until', 'Action']}
      rows={rows}
      row={(r) => (
        <tr key={String(r.id)} data-testid="expiring-row">
          <td>{String(r.id)}</td>
          <td>{name(r.subject)}</td>
          <td>
            {r.kind}
            {r.suspended && <span className="muted"> (suspended)</span>}
          </td>
          <td>{r.identifier}</td>
          <td>{day(r.validUntil)}</td>
          <td>
            {r.expired ? (
              <span className="muted">expired: issue a new one</span>
            ) : (
              <button type="button" className="secondary" onClick={() => onRenew(r)} aria-label={`Renew credential ${r.id}`}>
                Renew
              </button>
            )}
          </td>
        </tr>
      )}
    />
  );
}
