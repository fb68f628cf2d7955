// The suite's indexer (tools/indexer, docs/indexer.md), when the deployment file names
// one (`indexer.url`: scripts/run-local.sh and scripts/indexer.sh write it): the suite's
// history from its read APIs, which the chain alone answers only by scanning blocks or a
// page at a time. Every reader here answers undefined when there is no indexer or it does
// not answer, and its caller falls back to the contracts' own queries.
import type { Bundle, FhirResource } from 'fhir/r4';
import type { Suite } from './suite';
import { decodeAddress, u8aToHex } from 'dedot/utils';

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

/** The values of the integer field `field` that `events` carry (an id: a whole JSON number
 * or a decimal string, not negative), each once, in the events' order; an event without one is skipped. */
export function idsIn(events: IndexedEvent[], field: string): bigint[] {
  const seen = new Set<string>();
  const ids: bigint[] = [];
  for (const e of events) {
    const value = e.fields?.[field];
    const id = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? value : undefined;
    if (id === undefined || (typeof id === 'number' && !(Number.isSafeInteger(id) && id >= 0))) continue;
    if (seen.has(String(id))) continue;
    seen.add(String(id));
    ids.push(BigInt(id));
  }
  return ids;
}

export interface IndexedPage<T> {
  complete_through_block: number | null;
  items: T[];
  next: string | null;
}

/** A claim in its latest state, as `GET /v1/claims` answers it. */
export interface IndexedClaim {
  claim: number;
  plan: number | null;
  payer: string | null;
  provider: string | null;
  member: string | null;
  status: string | null;
  /** The claim-level denial (a `Carc` variant's name), if any. */
  denial?: string | null;
  payer_amount: string | null;
  member_amount: string | null;
  submitted_ms: number | null;
  updated_ms: number | null;
  /** Each line's remittance as the contract's `LineResult` (fields as JSON). */
  lines?: unknown[];
}

/** An EPCIS 2.0 ObjectEvent as the indexer renders a custody entry. */
export interface EpcisEvent {
  type: string;
  eventID?: string;
  eventTime: string;
  action: string;
  bizStep: string;
  disposition?: string;
  quantityList?: { epcClass: string; quantity?: number }[];
  sourceList?: { type: string; source: string }[];
  destinationList?: { type: string; destination: string }[];
  'hc:actor'?: string;
  'hc:shipment'?: number;
  [field: string]: unknown;
}

/** What an indexer read gives: its items and the finalized block it is complete through. */
export interface Indexed<T> {
  items: T[];
  /** The block the first page was complete through. */
  through: number | null;
  /** More pages were left unread (past the reader's limit). */
  truncated: boolean;
}

/** The indexer's base URL, if the deployment names one. */
export function indexerUrl(suite: Suite): string | undefined {
  return suite.deployment.indexer?.url.replace(/\/$/, '');
}

async function getJson<T>(suite: Suite, path: string): Promise<T | undefined> {
  const base = indexerUrl(suite);
  if (!base) return undefined;
  try {
    const response = await fetch(`${base}${path}`);
    if (!response.ok) return undefined;
    return (await response.json()) as T;
  } catch {
    return undefined;
  }
}

/** Waits (at most `timeoutMs`) until the indexer has stored the chain's best block (the
 * one a transaction just sent is in), so that a read after a transaction includes it;
 * false when it has not or the node did not answer (the indexer stores finalized blocks
 * only: on a chain whose finality lags, the caller says its list may be behind). */
export async function caughtUp(suite: Suite, timeoutMs = 6000): Promise<boolean> {
  const header = await suite.client.rpc.chain_getHeader().catch(() => undefined);
  if (!header) return false;
  const head = Number(header.number);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await getJson<{ complete_through_block: number | null }>(suite, '/v1/status');
    if (!status) return false;
    if ((status.complete_through_block ?? -1) >= head) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The suite's latest events, newest first. */
export async function recentEvents(suite: Suite, limit = 30): Promise<IndexedPage<IndexedEvent> | undefined> {
  return getJson(suite, `/v1/events?limit=${limit}`);
}

/** A provider's claims, newest first, a page at a time (`after`: the previous page's
 * `next`). */
export async function claimsOfProvider(
  suite: Suite,
  provider: string,
  limit = 20,
  after?: string,
): Promise<IndexedPage<IndexedClaim> | undefined> {
  const query = new URLSearchParams({ provider, order: 'newest', limit: String(limit) });
  if (after) query.set('after', after);
  return getJson(suite, `/v1/claims?${query}`);
}

/** The topic an `AccountId` topic field of an event carries for `address`: its 32 bytes
 * (ink! 5 pads an encoding of 32 bytes or fewer to 32; an account's is exactly 32). */
export function accountTopic(address: string): `0x${string}` {
  return u8aToHex(decodeAddress(address)) as `0x${string}`;
}

/** The events carrying `topic` (`0x` and 64 hex digits; undefined: any), newest first, of
 * one contract and event when given, a page at a time (`before`: the previous page's
 * `next`). */
export async function eventsWithTopic(
  suite: Suite,
  topic: string | undefined,
  filters: { contract?: string; name?: string },
  limit = 50,
  before?: string,
): Promise<IndexedPage<IndexedEvent> | undefined> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (topic) query.set('topic', topic);
  if (filters.contract) query.set('contract', filters.contract);
  if (filters.name) query.set('name', filters.name);
  if (before) query.set('before', before);
  return getJson(suite, `/v1/events?${query}`);
}

/** A provider's open items (pending review, under appeal, approved but unfunded, payment
 * failed: owed), oldest first. */
export async function openClaimsOfProvider(suite: Suite, provider: string, limit = 50): Promise<IndexedPage<IndexedClaim> | undefined> {
  const query = new URLSearchParams({ provider, limit: String(limit) });
  return getJson(suite, `/v1/claims/open?${query}`);
}

/** A payer's claims in `statuses`, oldest first (the order a review queue is worked in),
 * a page at a time (`after`: the previous page's `next`). */
export async function claimsOfPayer(
  suite: Suite,
  payer: string,
  statuses: readonly string[],
  limit = 20,
  after?: string,
): Promise<IndexedPage<IndexedClaim> | undefined> {
  const query = new URLSearchParams({ payer, status: statuses.join(','), order: 'oldest', limit: String(limit) });
  if (after) query.set('after', after);
  return getJson(suite, `/v1/claims?${query}`);
}

/** A batch's GS1 Digital Link URI, its lot percent-encoded as tools/epcis-export does
 * (everything but letters, digits and `-._~`). */
export function batchUri(gtin: string, lot: string): string {
  const encoded = Array.from(new TextEncoder().encode(lot), (b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  return `https://id.gs1.org/01/${gtin}/10/${encoded}`;
}

interface EpcisQueryDocument {
  'hc:completeThroughBlock'?: number | null;
  epcisBody?: { queryResults?: { resultsBody?: { eventList?: EpcisEvent[] } } };
}

/** A batch's whole custody chain across its partners, by the EPCIS 2.0 query
 * `MATCH_epcClass` (every page, at most `max` events). */
export async function custodyChain(suite: Suite, gtin: string, lot: string, max = 5000): Promise<Indexed<EpcisEvent> | undefined> {
  const base = indexerUrl(suite);
  if (!base) return undefined;
  const items: EpcisEvent[] = [];
  let through: number | null = null;
  let token: string | undefined;
  try {
    do {
      const query = new URLSearchParams({ MATCH_epcClass: batchUri(gtin, lot), perPage: '1000' });
      if (token) query.set('nextPageToken', token);
      const response = await fetch(`${base}/events?${query}`);
      if (!response.ok) return undefined;
      const document = (await response.json()) as EpcisQueryDocument;
      items.push(...(document.epcisBody?.queryResults?.resultsBody?.eventList ?? []));
      through ??= document['hc:completeThroughBlock'] ?? null;
      const link = response.headers.get('link') ?? '';
      token = /[?&]nextPageToken=([^&>]+)/.exec(link)?.[1];
      token = token && decodeURIComponent(token);
    } while (token && items.length < max);
  } catch {
    return undefined;
  }
  return { items, through, truncated: token !== undefined };
}

/** A FHIR R4 search's every page (at most `max` resources), following its `next` links
 * from the indexer's own base. */
export async function fhirSearch<R extends FhirResource>(
  suite: Suite,
  type: 'AuditEvent' | 'Consent',
  patient: string,
  max = 5000,
): Promise<Indexed<R> | undefined> {
  const base = indexerUrl(suite);
  if (!base) return undefined;
  const items: R[] = [];
  let through: number | null = null;
  let path: string | undefined = `/fhir/${type}?${new URLSearchParams({ patient, _count: '500' })}`;
  while (path && items.length < max) {
    const page: Bundle | undefined = await getJson<Bundle>(suite, path);
    if (!page) return undefined;
    items.push(...(page.entry ?? []).flatMap((e) => (e.resource ? [e.resource as R] : [])));
    const complete = page.meta?.extension?.find((x) => /complete-through-block/i.test(x.url));
    through ??= complete?.valueUnsignedInt ?? complete?.valueInteger ?? null;
    const next: string | undefined = page.link?.find((l) => l.relation === 'next')?.url;
    path = next ? next.slice(next.indexOf(`/fhir/${type}`)) : undefined;
  }
  return { items, through, truncated: path !== undefined };
}
