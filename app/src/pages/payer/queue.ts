// The payer's review queue as rows a person reads: claims pending review or under appeal,
// oldest first, from the indexer's `GET /v1/claims` (tools/indexer), each with its
// provider by name where the app knows it, what it bills and what it would cost whom.
import type { IndexedClaim } from '../../indexer';
import { shortAddress } from '../../accounts';
import { spaced } from '../../words';
import { text } from '../../ui';

/** The statuses a payer's adjusters act on. */
export const TO_REVIEW = ['PendingReview', 'UnderAppeal'] as const;

export interface QueueRow {
  claim: number;
  /** "Pending review" or "Under appeal". */
  status: string;
  /** The plan the claim is under. */
  plan: number | null;
  provider: string;
  member: string;
  /** The procedures billed, in order ("99214 ×2, 80053"). */
  services: string;
  billed: bigint;
  payerShare: bigint;
  memberShare: bigint;
  /** The denial an appeal contests, in words, if any. */
  denial: string | undefined;
  /** When the claim last changed (submitted, or appealed), ms. */
  since: number | null;
}

interface IndexedLine {
  line?: { procedure?: string; billed?: string; units?: number };
}

/** A decimal string of the indexer as a bigint (0 for anything else). */
const amount = (value: unknown): bigint => (typeof value === 'string' && /^\d+$/.test(value) ? BigInt(value) : 0n);

/** The rows of `claims`, naming accounts with `names` (address → name) and a denial (a
 * `Carc` variant's name) with `denialWords`. */
export function queueRows(claims: IndexedClaim[], names: Map<string, string>, denialWords: (carc: string) => string = spaced): QueueRow[] {
  const named = (address: string | null) => (address ? (names.get(address) ?? shortAddress(address)) : '—');
  return claims.map((c) => {
    const lines = (Array.isArray(c.lines) ? c.lines : []) as IndexedLine[];
    const services = lines
      .map((l) => {
        const code = typeof l.line?.procedure === 'string' ? text(l.line.procedure) : '?';
        const units = l.line?.units ?? 1;
        return units > 1 ? `${code} ×${units}` : code;
      })
      .join(', ');
    return {
      claim: c.claim,
      status: spaced(c.status ?? '?'),
      plan: c.plan,
      provider: named(c.provider),
      member: named(c.member),
      services,
      billed: lines.reduce((sum, l) => sum + amount(l.line?.billed), 0n),
      payerShare: amount(c.payer_amount),
      memberShare: amount(c.member_amount),
      denial: c.denial ? denialWords(c.denial) : undefined,
      since: c.updated_ms ?? c.submitted_ms,
    };
  });
}
