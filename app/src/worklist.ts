// What the account-bound worklists share: one read at a time (a late answer to an older
// read changes nothing), nothing listed without an account, without an indexer (for the
// lists found through it) or when the read fails, each case said in words.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Suite } from './suite';
import { indexerUrl } from './indexer';

export interface WorklistWords {
  /** Shown without an account. */
  noAccount: string;
  /** Shown when the deployment names no indexer (absent: the list does not need one, it is
   * read from the contracts). */
  noIndexer?: string;
  /** Shown when the read failed (the indexer or the node did not answer). */
  failed: string;
}

/** The rows `read` finds for `account` (with the line saying where they come from), read
 * again when `read` or `refresh` changes; `read` answers undefined when the indexer did
 * not answer, and says `behind` when the indexer had not yet stored the newest block (the
 * list is then read again, up to ten times a second apart). `read` in the answer: the last
 * read succeeded (an empty list is empty, not unknown). */
/** How often, and how many times in a row, a list read from a lagging indexer is read again. */
const RETRY_MS = 1_000;
const RETRIES = 10;

export function useWorklist<R>(
  suite: Suite,
  account: string | undefined,
  words: WorklistWords,
  read: (account: string) => Promise<{ rows: R[]; source: string; behind?: boolean } | undefined>,
  refresh = 0,
): { rows: R[]; source: string; read: boolean; load: () => Promise<void> } {
  const [rows, setRows] = useState<R[]>([]);
  const [source, setSource] = useState('');
  const [wasRead, setWasRead] = useState(false);
  const latest = useRef(0);
  // The account the rows shown were read for: another account's rows are never shown,
  // not even while its own are read.
  const shownFor = useRef<string | undefined>(undefined);
  const behindRetries = useRef(0);
  const { noAccount, noIndexer, failed } = words;
  const load = useCallback(async () => {
    const ticket = ++latest.current;
    const refuse = (why: string) => {
      setRows([]);
      setSource(why);
      setWasRead(false);
    };
    if (!account) return refuse(noAccount);
    if (noIndexer !== undefined && !indexerUrl(suite)) return refuse(noIndexer);
    if (shownFor.current !== account) {
      shownFor.current = account;
      refuse('Reading…');
    }
    const found = await read(account);
    if (ticket !== latest.current) return;
    if (!found) return refuse(failed);
    setRows(found.rows);
    setSource(found.source);
    setWasRead(true);
    // Read from an indexer that had not yet stored the newest block: read again shortly,
    // so that what a transaction just did shows without a reload.
    if (found.behind && behindRetries.current < RETRIES) {
      behindRetries.current += 1;
      setTimeout(() => {
        if (ticket === latest.current) void load();
      }, RETRY_MS);
    } else if (!found.behind) behindRetries.current = 0;
  }, [suite, account, read, noAccount, noIndexer, failed]);
  useEffect(() => {
    void load();
  }, [load, refresh]);
  return { rows, source, read: wasRead, load };
}
