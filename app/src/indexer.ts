// The suite's indexer (tools/indexer, docs/indexer.md), when the deployment file names
// one (`indexer.url`: scripts/run-local.sh and scripts/indexer.sh write it): the suite's
// history from its read API, which the chain alone answers only by scanning blocks.
import type { Suite } from './suite';

/** One event as the indexer's `GET /v1/events` answers it (fields as JSON: accounts in
 * SS58, balances as decimal strings, hashes and byte strings as 0x…). */
export interface IndexedEvent {
  block: number;
  index: number;
  contract: string;
  name: string | null;
  fields: Record<string, unknown> | null;
  time_ms: number | null;
}

export interface IndexedPage<T> {
  complete_through_block: number | null;
  items: T[];
  next: string | null;
}

/** The indexer's base URL, if the deployment names one. */
export function indexerUrl(suite: Suite): string | undefined {
  return suite.deployment.indexer?.url.replace(/\/$/, '');
}

/** The suite's latest events, newest first; undefined when there is no indexer or it
 * does not answer (the caller falls back to what the chain gives). */
export async function recentEvents(suite: Suite, limit = 30): Promise<IndexedPage<IndexedEvent> | undefined> {
  const base = indexerUrl(suite);
  if (!base) return undefined;
  try {
    const response = await fetch(`${base}/v1/events?limit=${limit}`);
    if (!response.ok) return undefined;
    return (await response.json()) as IndexedPage<IndexedEvent>;
  } catch {
    return undefined;
  }
}
