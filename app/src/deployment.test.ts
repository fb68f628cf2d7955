import { describe, expect, it } from 'vitest';
import { deploymentProblem } from './deployment';
import { CONTRACT_NAMES } from './contracts/suite';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const hash = (byte: string) => `0x${byte.repeat(32)}`;
const good = () => ({
  network: 'local',
  url: 'ws://127.0.0.1:9944',
  chain: 'Development',
  genesis_hash: hash('ab'),
  deployed_at: '2026-12-06T01:00:00+00:00',
  deployer: ALICE,
  consortium: { members: [ALICE], threshold: 1, delay_ms: 10_000, guardian: ALICE },
  roles: { issuers: [ALICE], regulators: [] },
  contracts: Object.fromEntries(
    CONTRACT_NAMES.map((name) => [
      name,
      { address: ALICE, code_hash: hash('cd'), metadata: `local/${name}-cdcdcdcd.json`, constructor_args: {} },
    ]),
  ),
});

describe('the deployment file on read', () => {
  it('accepts what the deploy script writes', () => {
    expect(deploymentProblem(good())).toBeUndefined();
  });
  it('refuses a file of another shape, naming where', () => {
    const noGovernorField = { ...good(), consortium: undefined };
    expect(deploymentProblem(noGovernorField)).toMatch(/consortium/);
    const badHash = good();
    badHash.contracts.governor.code_hash = '0x12';
    expect(deploymentProblem(badHash)).toMatch(/\/contracts\/governor\/code_hash/);
    expect(deploymentProblem({ ...good(), threshold: 2 })).toMatch(/additional/);
  });
  it('refuses a file that lacks a contract of the suite', () => {
    const file = good();
    delete (file.contracts as Record<string, unknown>).clinical_trials;
    expect(deploymentProblem(file)).toBe('it names no clinical_trials');
  });
});
