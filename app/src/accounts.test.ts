import { describe, expect, it } from 'vitest';
import { knownAccounts } from './accounts';

describe('knownAccounts', () => {
  it('names the signer accounts, then the contracts, each address once', () => {
    const known = knownAccounts(
      [
        { address: '5A', name: 'Alice' },
        { address: '5B', name: 'Bob' },
        { address: '5A', name: 'Alice again' },
      ],
      { consent_registry: { address: '5C' }, claims_adjudication: { address: '5B' } },
    );
    expect(known).toEqual([
      { value: '5A', label: 'Alice' },
      { value: '5B', label: 'Bob' },
      { value: '5C', label: 'consent_registry (contract)' },
    ]);
  });
});
