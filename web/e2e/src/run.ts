// Runs the browser journeys against a running Monozu (started by internal/browsertest).
import { writeFileSync } from 'node:fs';
import { Artifacts, launch } from './browser.js';
import { readEnv } from './env.js';
import type { Journey, JourneyContext, World } from './journey.js';
import { mainJourney } from './journeys/main.js';
import { mfaJourney } from './journeys/mfa.js';
import { permissionsJourney } from './journeys/permissions.js';

// In order: the main journey creates the organisation the others use.
const JOURNEYS: Journey[] = [mainJourney, permissionsJourney, mfaJourney];

function elapsed(start: number): string {
  return ((Date.now() - start) / 1000).toFixed(1) + ' s';
}

async function main(): Promise<number> {
  const env = readEnv();
  const artifacts = new Artifacts(env.artifactsDir);
  const browser = await launch(env.chromium);
  console.log(`chromium ${browser.version()} (${env.chromium}); screenshots in ${env.artifactsDir}`);
  const world: World = {
    account: 'harbour-water',
    organisation: 'Harbour Water Ltd',
    adminEmail: 'admin@harbour-water.example.com',
    adminPassword: 'tidal-basin-pumps-2026!',
    siteName: 'Rotterdam Plant',
  };
  let failed = 0;
  try {
    for (const j of JOURNEYS) {
      if (env.only.length && !env.only.includes(j.name)) continue;
      const start = Date.now();
      console.log(`\n=== journey ${j.name}: ${j.title}`);
      const ctx: JourneyContext = {
        env,
        browser,
        artifacts,
        world,
        step: async (name, fn) => {
          const s = Date.now();
          try {
            await fn();
          } catch (e) {
            console.log(`  ✗ ${name} (${elapsed(s)})`);
            // What every open page showed when the step failed.
            let i = 0;
            for (const c of browser.contexts()) {
              for (const p of c.pages()) {
                i++;
                const file = artifacts.path(`failure-${j.name}-${i}.png`);
                await p.screenshot({ path: file, fullPage: true }).catch(() => undefined);
                console.log(`    page ${i}: ${p.url()} (screenshot ${file})`);
              }
            }
            throw e;
          }
          console.log(`  ✓ ${name} (${elapsed(s)})`);
        },
      };
      try {
        await j.run(ctx);
        console.log(`--- PASS ${j.name} (${elapsed(start)})`);
      } catch (e) {
        failed++;
        console.log(`--- FAIL ${j.name} (${elapsed(start)})\n${(e as Error).stack ?? String(e)}`);
        // The later journeys build on the main one's organisation.
        if (j === mainJourney) break;
      }
    }
  } finally {
    await browser.close();
  }
  writeFileSync(artifacts.path('result.txt'), failed ? `${failed} journey(s) failed\n` : 'all journeys passed\n');
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error((e as Error).stack ?? String(e));
    process.exit(2);
  },
);
