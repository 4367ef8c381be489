// TypeScript types of the APIs, generated from the committed OpenAPI documents
// (api/openapi/<service>.json, written by `go run ./cmd/monozu openapi`).
//
//   node scripts/openapi-types.mjs          writes api/src/openapi/<service>.ts
//   node scripts/openapi-types.mjs --check  fails when those files are not what the documents give
//
// `make openapi` (repository root) runs both generators; `npm run check` runs the check.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const SERVICES = ['cloud', 'mgmt'];
const REFRESH = 'make openapi';
const root = new URL('../api/', import.meta.url);
const check = process.argv.includes('--check');

const header = (service) =>
  `// Generated from api/openapi/${service}.json by scripts/openapi-types.mjs (${REFRESH}); do not edit.\n`;

async function generate(service) {
  const doc = new URL(`openapi/${service}.json`, root);
  const ast = await openapiTS(doc, { alphabetize: true });
  return header(service) + astToString(ast);
}

let stale = 0;
for (const service of SERVICES) {
  const target = new URL(`src/openapi/${service}.ts`, root);
  const want = await generate(service);
  if (check) {
    const got = await readFile(target, 'utf8').catch(() => '');
    if (got !== want) {
      stale++;
      console.error(`${fileURLToPath(target)} is not what api/openapi/${service}.json gives: run \`${REFRESH}\` from the repository root.`);
    }
  } else {
    await mkdir(new URL('.', target), { recursive: true });
    await writeFile(target, want);
    console.log(`wrote ${fileURLToPath(target)}`);
  }
}
if (stale > 0) process.exit(1);
