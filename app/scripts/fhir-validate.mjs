// Checks FHIR R4 searchset Bundles (the indexer's GET /fhir/AuditEvent and
// /fhir/Consent answers) with FHIR.js, the validator the dApp's browser tests use for its
// downloads: the Bundle and every entry's resource valid (no error-severity message),
// every resource of the type searched for; or a file holding one resource of TYPE (the
// server's CapabilityStatement).
//
// Usage: node scripts/fhir-validate.mjs TYPE FILE...   (exit 1 on the first invalid)
import { readFileSync } from 'node:fs';
import fhirPackage from 'fhir';

const { Fhir } = fhirPackage;
const [type, ...files] = process.argv.slice(2);
if (!type || files.length === 0) {
  console.error('usage: fhir-validate.mjs TYPE FILE...');
  process.exit(2);
}
const fhir = new Fhir();
const errorsOf = (resource) => {
  const result = fhir.validate(resource);
  const errors = result.messages.filter((m) => m.severity === 'error');
  return result.valid && errors.length === 0 ? [] : errors.length ? errors : result.messages;
};
let resources = 0;
for (const file of files) {
  const bundle = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [];
  if (bundle.resourceType === type && type !== 'Bundle') {
    // One resource, not a search (the server's CapabilityStatement).
    const errors = errorsOf(bundle);
    if (errors.length) {
      console.error(`${file}: not a valid FHIR R4 ${type}:`);
      for (const m of errors.slice(0, 10)) console.error(`  ${JSON.stringify(m)}`);
      process.exit(1);
    }
    resources += 1;
    continue;
  }
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'searchset') {
    problems.push(`not a searchset Bundle (${bundle.resourceType} ${bundle.type})`);
  }
  problems.push(...errorsOf(bundle).map((m) => `Bundle: ${JSON.stringify(m)}`));
  for (const entry of bundle.entry ?? []) {
    if (entry.resource?.resourceType !== type) {
      problems.push(`${entry.fullUrl}: a ${entry.resource?.resourceType}, not a ${type}`);
    }
    problems.push(...errorsOf(entry.resource).map((m) => `${entry.fullUrl}: ${JSON.stringify(m)}`));
    resources += 1;
  }
  if (problems.length) {
    console.error(`${file}: not a valid FHIR R4 ${type} searchset:`);
    for (const problem of problems.slice(0, 10)) console.error(`  ${problem}`);
    process.exit(1);
  }
}
console.log(`valid FHIR R4 ${type}: ${files.length} files (${resources} resources)`);
