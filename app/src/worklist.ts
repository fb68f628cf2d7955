// What the account-bound worklists share: one read at a time (a late answer to an older
// read changes nothing), nothing listed without an account or an indexer, or when the
// indexer does not answer, each case said in words.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Suite } from './suite';
import { indexerUrl } from './indexer';

export interface WorklistWords {
  /** Shown without an account. */
  noAccount: string;
  /** Shown when the deployment names no indexer. */
  noIndexer: string;
  /** Shown when the indexer did not answer. */
  failed: string;
}

/** The rows `read` finds for `account` (with the line saying where they come from), read
 * again when `read` or `refresh` changes; `read` answers undefined when the indexer did
 * not answer. */
export function useWorklist<R>(
  suite: Suite,
  account: string | undefined,
  words: WorklistWords,
  read: (account: string) => Promise<{ rows: R[]; source: string } | undefined>,
  refresh = 0,
): { rows: R[]; source: string; load: () => Promise<void> } {
  const [rows, setRows] = useState<R[]>([]);
  const [source, setSource] = useState('');
  const latest = useRef(0);
  const { noAccount, noIndexer, failed } = words;
  const load = useCallback(async () => {
    const ticket = ++latest.current;
    const refuse = (why: string) => {
      setRows([]);
      setSource(why);
    };
    if (!account) return refuse(noAccount);
    if (!indexerUrl(suite)) return refuse(noIndexer);
    const found = await read(account);
    if (ticket !== latest.current) return;
    if (!found) return refuse(failed);
    setRows(found.rows);
    setSource(found.source);
  }, [suite, account, read, noAccount, noIndexer, failed]);
  useEffect(() => {
    void load();
  }, [load, refresh]);
  return { rows, source, load };
}
