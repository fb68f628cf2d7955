#!/usr/bin/env node
// Checks EPCIS 2.0 JSON-LD documents against the EPCIS 2.0 JSON schemas with GS1's
// maintained SDK, epcis2.js (validateEpcisDocument: the document, each event against its
// event type's schema, every extension field against the document's @context).
//
// Usage: node tools/epcis-validate/validate.mjs FILE...   (exit 1 on the first invalid)
// Each FILE is an EPCISDocument or an EPCISQueryDocument (the indexer's GET /events).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const epcis = require('epcis2.js');

epcis.setup({ validationMode: 'full', checkExtensions: true });

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: validate.mjs FILE...');
  process.exit(2);
}
for (const file of files) {
  let document;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: not JSON: ${e.message}`);
    process.exit(1);
  }
  const result = epcis.validateEpcisDocument(document, false);
  if (!result.success) {
    console.error(`${file}: not a valid EPCIS 2.0 document:`);
    for (const error of result.errors) console.error(`  ${error}`);
    process.exit(1);
  }
  // An EPCISDocument holds its events in epcisBody.eventList, a query's answer (an
  // EPCISQueryDocument) in epcisBody.queryResults.resultsBody.eventList.
  const list =
    document.epcisBody?.eventList ?? document.epcisBody?.queryResults?.resultsBody?.eventList;
  console.log(`${file}: valid EPCIS 2.0 ${document.type} (${list?.length ?? 0} events)`);
}
