// What every role section of the Trials page is given by the page.
import type { Account } from '../../accounts';
import { hex32 } from '../../ui';
import type { TrialView } from './useTrial';

export interface SectionProps {
  /** The trial shown, if any. */
  view: TrialView | undefined;
  account: Account | undefined;
  /** The id of the trial shown; throws, in words, when none is. */
  current: () => number;
  /** Awaits a transaction, then reloads the trial; resolves with the transaction's outcome. */
  after: <T>(p: Promise<T>) => Promise<T>;
}

/** The hash of a chosen document, or an error in words naming it when none is chosen. */
export function need(hash: string, what: string): `0x${string}` {
  if (!hash) throw new Error(`Choose the ${what} file.`);
  return hex32(hash, what);
}
