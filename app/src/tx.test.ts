// The calls' types, checked by the compiler (`tsc --noEmit`, run by scripts/test.sh):
// each `@ts-expect-error` line must fail to compile, or the build fails. A message the
// metadata does not have, a wrong argument or a read of a field the answer lacks is a
// compile error, not a refusal found at run time.
import { describe, expect, it } from 'vitest';
import type { ArgsOf, QueryName, TxName, ValueOf } from './suite';
import type { useTx } from './tx';

// Never called: only compiled.
export function typedCalls(tx: ReturnType<typeof useTx>) {
  const { send, query } = tx;
  void query('drug_provenance', 'verify', ['0x00', '0x00']);
  // @ts-expect-error: the contracts' snake_case names are not the bindings' names
  void query('drug_provenance', 'register_batch', []);
  // @ts-expect-error: no such message
  void send('x', 'staff_credentials', 'issueCredential', []);
  // @ts-expect-error: a query-only message cannot be sent as a transaction
  void send('x', 'governor', 'council', []);
  // @ts-expect-error: approve takes an operation id (a 32-byte hash in hex)
  void send('x', 'governor', 'approve', [7]);
  // @ts-expect-error: approve takes one argument
  void send('x', 'governor', 'approve', ['0x00', '0x01']);
  void (async () => {
    const council = await query('governor', 'council', []);
    if (council.ok) {
      const threshold: number = council.value.threshold;
      // @ts-expect-error: the council has no `quorum`
      void council.value.quorum;
      void threshold;
    }
  })();
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(ok: Equal<A, B>) => ok;

describe('the typed calls', () => {
  it('take the message names, argument lists and answers the bindings declare', () => {
    expect(same<ArgsOf<'governor', 'approve'>, [`0x${string}`]>(true)).toBe(true);
    expect(same<ValueOf<'governor', 'pending'>, `0x${string}`[]>(true)).toBe(true);
    expect(same<ValueOf<'staff_credentials', 'paused'>, boolean>(true)).toBe(true);
    expect(same<Extract<'approve' | 'council', TxName<'governor'>>, 'approve'>(true)).toBe(true);
    expect(same<Extract<'register_batch', QueryName<'drug_provenance'>>, never>(true)).toBe(true);
  });
});
