// Ids to pick instead of typing them, from the events that created them: a payer's own
// plans (its `PlanCreated` events), a member's plans (its `MemberEnrolled` events), device
// models (`ModelRegistered`, a manufacturer's own or everyone's), the devices a clinician
// registered (`DeviceRegistered`), read from the indexer
// (its topic filter for an account's). Without an indexer there is nothing to offer and
// the id is typed.
import { useEffect, useState } from 'react';
import type { Suite } from './suite';
import type { Choice } from './ui';
import { accountTopic, caughtUp, eventsWithTopic, indexerUrl, type IndexedEvent } from './indexer';

/** The values of `field` that `events` name (newest first), once each, as choices labelled
 * `${what} ${value}, ${since} ${date}`. */
export function choicesOf(events: IndexedEvent[], field: string, what: string, since: string): Choice[] {
  const seen = new Set<string>();
  const choices: Choice[] = [];
  for (const e of events) {
    const id = (e.fields as Record<string, unknown> | null)?.[field];
    if (typeof id !== 'number' && typeof id !== 'string') continue;
    const value = String(id);
    if (seen.has(value)) continue;
    seen.add(value);
    const when = e.time_ms ? `, ${since} ${new Date(e.time_ms).toLocaleDateString()}` : '';
    choices.push({ value, label: `${what} ${value}${when}` });
  }
  return choices;
}

/** The plans named by `events`, as choices. */
export const planChoices = (events: IndexedEvent[], since: string): Choice[] => choicesOf(events, 'plan', 'Plan', since);

interface EventIds {
  contract: string;
  name: string;
  /** The account the events name in a topic field; undefined: every such event. */
  account?: string;
  /** True when the events must name `account` (nothing is offered without one). */
  ofAccount: boolean;
  field: string;
  what: string;
  since: string;
}

/** The ids `query` finds, read again when `refresh` changes. */
function useEventIds(suite: Suite, query: EventIds, refresh: number): Choice[] {
  const [choices, setChoices] = useState<Choice[]>([]);
  const { contract, name, account, ofAccount, field, what, since } = query;
  useEffect(() => {
    let live = true;
    let topic: string | undefined;
    try {
      topic = account ? accountTopic(account) : undefined;
    } catch {
      topic = undefined; // not (yet) an address: nothing to offer
    }
    if ((ofAccount && !topic) || !indexerUrl(suite)) {
      setChoices([]);
      return;
    }
    void (async () => {
      await caughtUp(suite);
      const page = await eventsWithTopic(suite, topic, { contract, name }, 100);
      if (live) setChoices(page ? choicesOf(page.items, field, what, since) : []);
    })();
    return () => {
      live = false;
    };
  }, [suite, contract, name, account, ofAccount, field, what, since, refresh]);
  return choices;
}

/** The plans `account` created (`as: 'payer'`) or is enrolled in (`as: 'member'`), read
 * again when `refresh` changes. */
export function usePlans(suite: Suite, account: string | undefined, as: 'payer' | 'member', refresh = 0): Choice[] {
  return useEventIds(
    suite,
    {
      contract: 'claims_adjudication',
      name: as === 'payer' ? 'PlanCreated' : 'MemberEnrolled',
      account,
      ofAccount: true,
      field: 'plan',
      what: 'Plan',
      since: as === 'payer' ? 'created' : 'enrolled',
    },
    refresh,
  );
}

/** The device models `manufacturer` registered, or every manufacturer's (undefined). */
export function useModels(suite: Suite, manufacturer: string | undefined, refresh = 0): Choice[] {
  return useEventIds(
    suite,
    {
      contract: 'remote_monitoring',
      name: 'ModelRegistered',
      account: manufacturer,
      ofAccount: manufacturer !== undefined,
      field: 'model',
      what: 'Model',
      since: 'registered',
    },
    refresh,
  );
}

/** The devices `provider` registered (their keys), read again when `refresh` changes. */
export function useDevices(suite: Suite, provider: string | undefined, refresh = 0): Choice[] {
  return useEventIds(
    suite,
    {
      contract: 'remote_monitoring',
      name: 'DeviceRegistered',
      account: provider,
      ofAccount: true,
      field: 'device',
      what: 'Device',
      since: 'registered',
    },
    refresh,
  );
}
