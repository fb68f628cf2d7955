// The deployment file checked on read against its schema (deployments/deployment.schema.json,
// the one the deploy script checks on write) and against the list of the suite's
// contracts, so that a file of another version of the suite is refused in words before
// anything is called.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../deployments/deployment.schema.json';
import { CONTRACT_NAMES } from './contracts/suite';

const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Why `document` is not a deployment file of this suite, in words; undefined if it is one. */
export function deploymentProblem(document: unknown): string | undefined {
  if (!validate(document)) {
    const errors = validate.errors ?? [];
    const first = errors[0];
    const where = first?.instancePath || 'the top level';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    return `at ${where}: ${first?.message ?? 'invalid'}${more}`;
  }
  const contracts = (document as { contracts: Record<string, unknown> }).contracts;
  const missing = CONTRACT_NAMES.filter((name) => !(name in contracts));
  return missing.length ? `it names no ${missing.join(', ')}` : undefined;
}
