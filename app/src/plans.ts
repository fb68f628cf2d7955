// Plans to pick instead of typing their ids: a payer's own plans (its `PlanCreated`
// events) and a member's plans (its `MemberEnrolled` events), from the indexer's topic
// filter. Without an indexer there is nothing to offer and the id is typed.
import { useEffect, useState } from 'react';
import type { Suite } from './suite';
import type { Choice } from './ui';
import { accountTopic, caughtUp, eventsWithTopic, indexerUrl, type IndexedEvent } from './indexer';

/** The plans named by `events` (newest first), once each, as choices. */
export function planChoices(events: IndexedEvent[], what: string): Choice[] {
  const seen = new Set<string>();
  const choices: Choice[] = [];
  for (const e of events) {
    const plan = (e.fields as { plan?: unknown } | null)?.plan;
    if (typeof plan !== 'number' && typeof plan !== 'string') continue;
    const value = String(plan);
    if (seen.has(value)) continue;
    seen.add(value);
    const since = e.time_ms ? `, ${what} ${new Date(e.time_ms).toLocaleDateString()}` : '';
    choices.push({ value, label: `Plan ${value}${since}` });
  }
  return choices;
}

/** The plans `account` created (`as: 'payer'`) or is enrolled in (`as: 'member'`), read
 * again when `refresh` changes. */
export function usePlans(suite: Suite, account: string | undefined, as: 'payer' | 'member', refresh = 0): Choice[] {
  const [plans, setPlans] = useState<Choice[]>([]);
  useEffect(() => {
    let live = true;
    let topic: string | undefined;
    try {
      topic = account ? accountTopic(account) : undefined;
    } catch {
      topic = undefined; // not (yet) an address: nothing to offer
    }
    if (!topic || !indexerUrl(suite)) {
      setPlans([]);
      return;
    }
    const name = as === 'payer' ? 'PlanCreated' : 'MemberEnrolled';
    void (async () => {
      await caughtUp(suite);
      const page = await eventsWithTopic(suite, topic, { contract: 'claims_adjudication', name }, 100);
      if (live) setPlans(page ? planChoices(page.items, as === 'payer' ? 'created' : 'enrolled') : []);
    })();
    return () => {
      live = false;
    };
  }, [suite, account, as, refresh]);
  return plans;
}
