// Who signs: the accounts of a browser wallet extension when one is present
// (@polkadot/extension-dapp), and on a development chain the well-known dev accounts and
// fresh accounts funded by Alice. The app never asks for a seed phrase: a fresh account's
// secret is made here and kept in this tab's sessionStorage only.
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import type { InjectedAccountWithMeta } from '@polkadot/extension-inject/types';
import type { LegacyClient } from 'dedot';

/** Something that signs extrinsics for dedot: a key pair, or an address with the
 * extension's signer. */
export interface Account {
  address: string;
  name: string;
  source: 'dev' | 'fresh' | 'extension';
  // A key pair (dev, fresh) or undefined (the extension's signer signs).
  pair?: ReturnType<Keyring['addFromUri']>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  signer?: any;
}

export const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];
const FRESH_KEY = 'healthcare-suite.fresh-accounts';

let keyring: Keyring | undefined;
async function ring(): Promise<Keyring> {
  if (!keyring) {
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  }
  return keyring;
}

/** True for the chains of `substrate-contracts-node --dev` and other development chains. */
export function isDevChain(chain: string): boolean {
  return /development|dev|local/i.test(chain);
}

export async function devAccounts(): Promise<Account[]> {
  const keys = await ring();
  return DEV_NAMES.map((name) => {
    const pair = keys.addFromUri(`//${name}`);
    return { address: pair.address, name, source: 'dev' as const, pair };
  });
}

export async function freshAccounts(): Promise<Account[]> {
  const keys = await ring();
  const stored = JSON.parse(sessionStorage.getItem(FRESH_KEY) ?? '[]') as { name: string; phrase: string }[];
  return stored.map(({ name, phrase }) => {
    const pair = keys.addFromUri(phrase);
    return { address: pair.address, name, source: 'fresh' as const, pair };
  });
}

/** A new account, funded by Alice with `amount` on a development chain. */
export async function createFreshAccount(client: LegacyClient, amount: bigint): Promise<Account> {
  const keys = await ring();
  const phrase = mnemonicGenerate();
  const stored = JSON.parse(sessionStorage.getItem(FRESH_KEY) ?? '[]') as { name: string; phrase: string }[];
  const name = `Fresh ${stored.length + 1}`;
  const pair = keys.addFromUri(phrase);
  const alice = keys.addFromUri('//Alice');
  await client.tx.balances.transferKeepAlive(pair.address, amount).signAndSend(alice).untilBestChainBlockIncluded();
  stored.push({ name, phrase });
  sessionStorage.setItem(FRESH_KEY, JSON.stringify(stored));
  return { address: pair.address, name, source: 'fresh', pair };
}

/** The accounts of a wallet extension, if one is installed and the user allows it. */
export async function extensionAccounts(): Promise<Account[]> {
  const { web3Enable, web3Accounts, web3FromSource } = await import('@polkadot/extension-dapp');
  const extensions = await web3Enable('Healthcare suite');
  if (!extensions.length) return [];
  const accounts: InjectedAccountWithMeta[] = await web3Accounts();
  return Promise.all(
    accounts.map(async (a) => {
      const injector = await web3FromSource(a.meta.source);
      return {
        address: a.address,
        name: `${a.meta.name ?? a.address.slice(0, 8)} (${a.meta.source})`,
        source: 'extension' as const,
        signer: injector.signer,
      };
    }),
  );
}

/** An account from a public key or SS58 address the user typed, for the fields that
 * name another party. Returns the SS58 address or undefined if it is not one. */
export async function normaliseAddress(text: string): Promise<string | undefined> {
  const keys = await ring();
  try {
    return keys.encodeAddress(keys.decodeAddress(text.trim()));
  } catch {
    return undefined;
  }
}

/** The SS58 address a person typed for a field (`what`, when given, names it in the error);
 * throws an Error in words when it is not an account address. */
export async function accountOf(text: string, what?: string): Promise<string> {
  const address = await normaliseAddress(text);
  if (!address) throw new Error(`${what ? `${what}: ` : ''}"${text}" is not an account address.`);
  return address;
}

/** The dev account of a name ("Bob") or the address itself. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** Every account the app can name: the signer's accounts (their names), then the
 * deployment's contracts (as "name (contract)"), each address once (the first name
 * wins). What an account field offers to pick. */
export function knownAccounts(
  accounts: Pick<Account, 'address' | 'name'>[],
  contracts: Record<string, { address: string }>,
): { value: string; label: string }[] {
  const known = accounts.map((a) => ({ value: a.address, label: a.name }));
  for (const [name, c] of Object.entries(contracts)) known.push({ value: c.address, label: `${name} (contract)` });
  return known.filter((k, i) => known.findIndex((o) => o.value === k.value) === i);
}
