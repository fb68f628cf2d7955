// The suite as the app sees it: the deployment file scripts/deploy.sh writes, the node
// it names, and one typed contract object per contract (bindings generated from the
// metadata by dedot: src/contracts/, `npm run typegen`).
import { LegacyClient, WsProvider } from 'dedot';
import { Contract } from 'dedot/contracts';
import { CONTRACT_NAMES, type Apis, type ContractName } from './contracts/suite';
import type { DeployedContract, DeploymentFile } from './contracts/deployment';
import { deploymentProblem } from './deployment';
import { tokenOf, type Token } from './money';

// The list of contracts and their APIs are generated from contracts/suite.json, the one
// list of the suite's contracts (scripts/typegen.mjs).
export { CONTRACT_NAMES, type Apis, type ContractName };

export type { DeployedContract };

/** deployments/<network>.json, as scripts/deploy.sh writes it: the types generated from
 * deployments/deployment.schema.json (src/contracts/deployment.ts), with its contracts
 * keyed by the suite's names (`connect` checks the file against the schema and the list
 * before anything reads it). */
export type Deployment = Omit<DeploymentFile, 'contracts'> & {
  contracts: Record<ContractName, DeployedContract>;
};

/** The metadata JSON of a contract (ink! 5). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Metadata = any;

export interface Suite {
  deployment: Deployment;
  /** Where the deployment file was loaded from (its folder holds the metadata). */
  source: string;
  client: LegacyClient;
  /** The chain's token as the node announces it (deposits and fees are read in it). */
  token: Token;
  metadata: Record<ContractName, Metadata>;
  /** The contract name of an address of this deployment, if it is one. */
  nameOf(address: string): ContractName | undefined;
  /** The typed contract object of `name`. */
  contract<C extends ContractName>(name: C): Contract<Apis[C]>;
}

/** The names `T` declares itself, without the index signature dedot's generic API adds
 * (so that a message name the metadata does not have is a compile error). */
type Declared<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] } & string;

/** The messages of contract `C` a query can call (every message: a dry run of a
 * mutating one is a query too), in dedot's camelCase (`register_batch` → `registerBatch`). */
export type QueryName<C extends ContractName> = Declared<Apis[C]['query']>;
/** The messages of contract `C` that change state (a transaction). */
export type TxName<C extends ContractName> = Declared<Apis[C]['tx']> & QueryName<C>;
/** The arguments of message `M` of contract `C`, without dedot's trailing call options. */
export type ArgsOf<C extends ContractName, M extends QueryName<C>> = Apis[C]['query'][M] extends (...args: infer A) => unknown
  ? Required<A> extends [...infer Args, unknown]
    ? Args
    : never
  : never;
/** What message `M` of contract `C` answers: its `Ok` value when it returns a `Result`. */
export type ValueOf<C extends ContractName, M extends QueryName<C>> = Apis[C]['query'][M] extends (
  ...args: never[]
) => Promise<{ data: infer D }>
  ? D extends { isOk: true; value: infer V }
    ? V
    : D
  : never;

/** The chain's time (ms): the timestamp of the newest block. A development node makes
 * blocks only when transactions arrive, so the browser's clock may be well ahead of it;
 * times the contracts require not to lie in the future are taken from here. */
export async function chainNow(suite: Suite): Promise<bigint> {
  return BigInt(await suite.client.query.timestamp.now());
}

/** Which deployment file to load: `?deployment=` in the address, else app-config.json
 * (written by scripts/app.sh), else deployments/local.json. */
export async function deploymentLocation(): Promise<string> {
  const asked = new URLSearchParams(window.location.search).get('deployment');
  if (asked) return asked;
  try {
    const response = await fetch('app-config.json', { cache: 'no-store' });
    if (response.ok) {
      const config = (await response.json()) as { deployment?: string };
      if (config.deployment) return config.deployment;
    }
  } catch {
    // no app-config.json: the default below
  }
  return 'deployments/local.json';
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Loads the deployment file and the metadata it names, and connects to its node. */
export async function connect(location: string): Promise<Suite> {
  const deployment = await fetchJson<Deployment>(location);
  const problem = deploymentProblem(deployment);
  if (problem) throw new Error(`${location} is not a deployment file of this suite (${problem}): deploy again with scripts/deploy.sh`);
  const folder = location.includes('/') ? location.slice(0, location.lastIndexOf('/') + 1) : '';
  const metadata = {} as Record<ContractName, Metadata>;
  for (const name of CONTRACT_NAMES) {
    const entry = deployment.contracts[name];
    metadata[name] = await fetchJson<Metadata>(folder + entry.metadata);
  }
  const client = await LegacyClient.new(new WsProvider(deployment.url));
  const genesis = await client.rpc.chain_getBlockHash(0);
  if (deployment.genesis_hash && genesis !== deployment.genesis_hash) {
    await client.disconnect();
    throw new Error(
      `the node at ${deployment.url} runs another chain (genesis ${genesis}) than ` +
        `${location} was deployed to (${deployment.genesis_hash}): deploy again`,
    );
  }
  const token = tokenOf(await client.rpc.system_properties().catch(() => undefined));
  // One typed contract object per contract of the list.
  const contracts = Object.fromEntries(
    CONTRACT_NAMES.map((name) => [name, new Contract(client, metadata[name], deployment.contracts[name].address)]),
  ) as unknown as { [K in ContractName]: Contract<Apis[K]> };
  const byAddress = new Map(CONTRACT_NAMES.map((name) => [deployment.contracts[name].address, name] as const));
  const suite: Suite = {
    deployment,
    source: location,
    client,
    token,
    metadata,
    nameOf: (address) => byAddress.get(address),
    contract: (name) => contracts[name],
  };
  return suite;
}
