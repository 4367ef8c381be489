import type { Page } from 'playwright-core';
import { absent, drag, eventually, nav, newContext, see, settled, SLOW } from '../browser.js';
import type { Journey, JourneyContext } from '../journey.js';
import { freshTotp } from '../totp.js';

// Three assets in the import; the site column names the site by name.
const IMPORT_CSV = (site: string) =>
  'name,category,type,site,criticality,hostname\n' +
  `HMI-101,ot,hmi,${site},high,hmi-101\n` +
  `SCADA-01,ot,scada_server,${site},critical,scada-01\n` +
  `ENG-WS-1,it,workstation,${site},medium,eng-ws-1\n`;

/** Signs a Cloud user in with a password (the organisation may still be waiting for its licence). */
export async function cloudSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function harness<T>(ctx: JourneyContext, path: string, body: unknown): Promise<T> {
  const res = await fetch(ctx.env.harnessUrl + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`harness ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

export const mainJourney: Journey = {
  name: 'main',
  title: 'register → operator approves → admin builds the CMDB, imports a CSV, registers an agent, sees a live alert',
  run: async (ctx) => {
    const { env, world: w, artifacts } = ctx;
    const cloud = await (await newContext(ctx.browser, env.cloudUrl)).newPage();

    await ctx.step('a new organisation registers in the Cloud SPA and lands on the pending page', async () => {
      await cloud.goto('/register');
      await see(cloud.getByRole('heading', { name: 'Register your organisation' }), 'the registration form');
      await cloud.getByLabel('Organisation').fill(w.organisation);
      await cloud.getByLabel('Account name').fill(w.account);
      await cloud.getByLabel('Your name').fill('Hanna de Vries');
      await cloud.getByLabel('Work e-mail').fill(w.adminEmail);
      await cloud.getByLabel('Password', { exact: true }).fill(w.adminPassword);
      await cloud.getByLabel('Repeat password').fill(w.adminPassword);
      await artifacts.shot(cloud, 'cloud-register');
      await cloud.getByRole('button', { name: 'Register' }).click();
      await see(cloud.getByRole('heading', { name: 'Waiting for activation' }), 'the pending page');
      await see(cloud.getByText(`${w.organisation} is registered.`), 'the organisation named on the pending page');
      await artifacts.shot(cloud, 'cloud-pending');
    });

    await ctx.step('signing in before activation shows the pending page again', async () => {
      await cloudSignIn(cloud, w.adminEmail, w.adminPassword);
      await see(cloud.getByRole('heading', { name: 'Waiting for activation' }), 'the pending page after a refused sign-in');
    });

    const mgmt = await (await newContext(ctx.browser, env.mgmtUrl)).newPage();
    await ctx.step('the operator signs in to the Management SPA with password and TOTP', async () => {
      await mgmt.goto('/');
      await see(mgmt.getByText('Operator sign-in.'), 'the operator sign-in form');
      await mgmt.getByLabel('E-mail').fill(env.operatorEmail);
      await mgmt.getByLabel('Password').fill(env.operatorPassword);
      await mgmt.getByRole('button', { name: 'Continue' }).click();
      await see(mgmt.getByLabel('Authentication code'), 'the TOTP step');
      await mgmt.getByLabel('Authentication code').fill((await freshTotp(env.operatorTotpSecret, 0)).code);
      await mgmt.getByRole('button', { name: 'Verify' }).click();
      await see(mgmt.getByRole('link', { name: 'Registrations' }), 'the management shell');
      await artifacts.shot(mgmt, 'mgmt-home');
    });

    await ctx.step('the operator approves the pending registration with the Security module', async () => {
      await mgmt.getByRole('link', { name: 'Registrations' }).click();
      await see(mgmt.getByRole('heading', { name: 'Registrations' }), 'the registrations page');
      // The Cloud reports the registration from a job: reload until it is listed.
      const approve = mgmt.getByRole('button', { name: `Approve ${w.organisation}` });
      await eventually('the registration to be listed in the Management SPA', async () => {
        if (await approve.isVisible()) return true;
        await mgmt.reload();
        await see(mgmt.getByRole('heading', { name: 'Registrations' }), 'the registrations page');
        await approve.or(mgmt.getByText('No registrations', { exact: false })).first().waitFor({ timeout: 10_000 }).catch(() => undefined);
        return approve.isVisible();
      });
      await artifacts.shot(mgmt, 'mgmt-registrations');
      await approve.click();
      const dialog = mgmt.getByRole('dialog', { name: `Approve ${w.organisation}` });
      await see(dialog, 'the approve dialog');
      await dialog.getByRole('checkbox', { name: 'Security' }).check();
      await artifacts.shot(mgmt, 'mgmt-approve');
      await dialog.getByRole('button', { name: 'Approve' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await eventually('the registration to leave the pending list', async () => !(await approve.isVisible()), 30_000, 500);
    });

    await ctx.step('the tenant admin signs in to the Cloud SPA once the licence arrived', async () => {
      // The licence reaches the Cloud through the management plane's signed, retried outbox.
      await eventually('the organisation to be active', async () => {
        await cloudSignIn(cloud, w.adminEmail, w.adminPassword);
        const menu = cloud.getByRole('button', { name: 'User menu' });
        const pending = cloud.getByRole('heading', { name: 'Waiting for activation' });
        await menu.or(pending).first().waitFor({ timeout: 20_000 });
        return menu.isVisible();
      }, SLOW, 2000);
      await see(cloud.getByText(w.organisation).first(), 'the organisation name in the shell');
      await artifacts.shot(cloud, 'cloud-dashboard');
    });

    await ctx.step('the admin creates a site', async () => {
      await nav(cloud, 'Sites').click();
      await see(cloud.getByRole('heading', { name: 'Sites' }), 'the sites page');
      await cloud.getByRole('button', { name: 'New site' }).click();
      const dialog = cloud.getByRole('dialog', { name: 'New site' });
      await dialog.getByLabel('Name').fill(w.siteName);
      await dialog.getByLabel('Code').fill('RTM');
      await dialog.getByLabel('Location').fill('Maasvlakte, Rotterdam');
      await dialog.getByRole('button', { name: 'Create site' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await see(cloud.getByRole('cell', { name: w.siteName }), 'the new site in the list');
      await artifacts.shot(cloud, 'cloud-sites');
    });

    await ctx.step('the admin creates a zone and a VLAN in it', async () => {
      await nav(cloud, 'Zones').click();
      await see(cloud.getByRole('heading', { name: 'Zones' }), 'the zones page');
      await cloud.getByRole('button', { name: 'New zone' }).click();
      let dialog = cloud.getByRole('dialog', { name: 'New zone' });
      await dialog.getByLabel('Name').fill('Control Zone');
      await dialog.getByLabel('Site').selectOption({ label: w.siteName });
      await dialog.getByRole('button', { name: 'Create zone' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await see(cloud.getByRole('cell', { name: 'Control Zone' }), 'the new zone in the list');
      await artifacts.shot(cloud, 'cloud-zones');

      await nav(cloud, 'VLANs').click();
      await see(cloud.getByRole('heading', { name: 'VLANs' }), 'the VLANs page');
      await cloud.getByRole('button', { name: 'New VLAN' }).click();
      dialog = cloud.getByRole('dialog', { name: 'New VLAN' });
      await dialog.getByLabel('Number').fill('110');
      await dialog.getByLabel('Name').fill('Control network');
      await dialog.getByLabel('Zone').selectOption({ label: `Control Zone · ${w.siteName}` });
      await dialog.getByLabel('Network (CIDR)').fill('10.110.0.0/24');
      await dialog.getByLabel('Gateway').fill('10.110.0.1');
      await dialog.getByRole('button', { name: 'Create VLAN' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await see(cloud.getByRole('cell', { name: 'Control network' }), 'the new VLAN in the list');
      await artifacts.shot(cloud, 'cloud-vlans');
    });

    await ctx.step('the admin creates an asset with the form', async () => {
      await nav(cloud, 'Assets').click();
      await see(cloud.getByRole('heading', { name: 'Assets' }), 'the assets page');
      await cloud.getByRole('link', { name: 'New asset' }).click();
      await see(cloud.getByRole('heading', { name: 'New asset' }), 'the asset form');
      const form = cloud.getByRole('form', { name: 'Asset' });
      await form.getByLabel('Name', { exact: true }).fill('PLC-001');
      await form.getByLabel('Site', { exact: true }).selectOption({ label: w.siteName });
      await form.getByLabel('Category').selectOption('ot');
      await form.getByLabel('Type', { exact: true }).selectOption('plc');
      await form.getByLabel('Criticality').selectOption('critical');
      await form.getByLabel('Hostname').fill('plc-001');
      await artifacts.shot(cloud, 'cloud-asset-form');
      await form.getByRole('button', { name: 'Create asset' }).click();
      await see(cloud.getByRole('heading', { name: 'PLC-001' }), 'the new asset’s detail page');
      await artifacts.shot(cloud, 'cloud-asset-detail');
    });

    await ctx.step('the admin imports a CSV: dry-run report, then the import runs to done', async () => {
      await nav(cloud, 'Assets').click();
      await cloud.getByRole('link', { name: 'Import CSV' }).click();
      await see(cloud.getByRole('heading', { name: 'Import assets' }), 'the import wizard');
      await cloud.getByLabel('CSV file').setInputFiles({ name: 'assets.csv', mimeType: 'text/csv', buffer: Buffer.from(IMPORT_CSV(w.siteName)) });
      await cloud.getByRole('button', { name: 'Check file' }).click();
      await see(cloud.getByText('Dry run of assets.csv'), 'the dry-run report');
      await see(cloud.getByText('The file is valid.'), 'a valid dry run');
      await artifacts.shot(cloud, 'cloud-import-dry-run');
      await cloud.getByRole('button', { name: 'Import 3 assets' }).click();
      await see(cloud.getByText('Import finished'), 'the finished import', SLOW);
      await see(cloud.getByText('3 assets created, 0 updated.'), 'the import result');
      await artifacts.shot(cloud, 'cloud-import-done');
      await cloud.getByRole('link', { name: 'View assets' }).click();
      for (const name of ['PLC-001', 'HMI-101', 'SCADA-01', 'ENG-WS-1']) {
        await see(cloud.getByRole('link', { name, exact: true }), `asset ${name} in the list`);
      }
      await artifacts.shot(cloud, 'cloud-assets');
    });

    await ctx.step('the admin draws the site: a zone from the palette, the rest imported, a styled connection, saved', async () => {
      await nav(cloud, 'Diagrams').click();
      await cloud.getByRole('link', { name: 'New diagram' }).click();
      const form = cloud.getByRole('form', { name: 'New diagram' });
      await form.getByLabel('Name').fill('Plant network');
      await form.getByLabel('Site').selectOption({ label: w.siteName });
      await form.getByLabel('Start with').selectOption({ label: 'An empty canvas' });
      await form.getByRole('button', { name: 'Create diagram' }).click();
      await see(cloud.getByRole('heading', { name: 'Plant network', level: 1 }), 'the diagram editor');

      const canvas = cloud.getByRole('application', { name: 'Diagram canvas' });
      await drag(cloud, cloud.getByRole('button', { name: 'Add a zone' }), canvas);
      const panel = cloud.getByRole('complementary', { name: 'Selected node' });
      await see(panel.getByText('Not linked yet: choose the zone this node stands for.'), 'the dropped zone waiting for its record');
      await panel.getByRole('button', { name: /Control Zone/ }).click();
      const zoneNodes = canvas.locator('.react-flow__node').filter({ hasText: 'Control Zone' });
      await see(zoneNodes, 'the zone node named after its record');

      await cloud.getByRole('button', { name: 'Import hierarchy' }).click();
      await see(cloud.getByText(/^Added \d+ nodes and \d+ connections from the inventory\.$/), 'the imported hierarchy');
      for (const label of [w.siteName, 'VLAN 110 · Control network', 'PLC-001', 'HMI-101']) {
        await see(canvas.locator('.react-flow__node').filter({ hasText: label }), `the node ${label}`);
      }
      if ((await zoneNodes.count()) !== 1) throw new Error('the import drew the zone a second time instead of connecting the one placed from the palette');

      // The imported site → zone connection ends at the node dropped from the palette.
      const uplink = canvas.locator('.react-flow__edge[aria-label$=" to node-1"]');
      await uplink.focus();
      await cloud.keyboard.press('Enter');
      const edgePanel = cloud.getByRole('complementary', { name: 'Selected connections' });
      await edgePanel.getByLabel('Label').fill('uplink');
      await edgePanel.getByLabel('Colour').selectOption({ label: 'Red' });
      await edgePanel.getByLabel('Arrow at the end').check();
      await cloud.getByRole('toolbar', { name: 'Diagram tools' }).getByRole('button', { name: 'Save' }).click();
      await see(cloud.getByText(/^All changes saved \(version \d+\)$/), 'the diagram saved');
      await artifacts.shot(cloud, 'cloud-diagram-editor');

      await cloud.reload();
      await see(canvas.locator('.react-flow__node').filter({ hasText: 'PLC-001' }), 'the saved diagram after a reload');
      await see(uplink.getByText('uplink'), 'the connection’s label after a reload');
      const stroke = await uplink.locator('path.react-flow__edge-path').evaluate((el) => getComputedStyle(el).stroke);
      if (stroke !== 'rgb(220, 38, 38)') throw new Error(`the connection is ${stroke} after a reload, not red`);
      await absent(cloud.getByText(/not linked to a record yet/), 'an unlinked node');
    });

    let key = '';
    await ctx.step('the admin creates an edge registration key, shown once', async () => {
      await cloud.goto('/settings/edge-keys');
      await see(cloud.getByRole('heading', { name: 'Edge registration keys' }), 'the registration keys page');
      await cloud.getByRole('button', { name: 'New key' }).click();
      let dialog = cloud.getByRole('dialog', { name: 'New registration key' });
      await dialog.getByLabel('Label').fill('Rotterdam edge');
      await dialog.getByLabel('Site').selectOption({ label: w.siteName });
      await dialog.getByRole('button', { name: 'Create key' }).click();
      dialog = cloud.getByRole('dialog', { name: 'Registration key Rotterdam edge' });
      await see(dialog.getByText('You will not see this key again'), 'the shown-once warning');
      key = ((await dialog.getByTestId('new-key').textContent()) ?? '').trim();
      if (!/^prov_\S{16,}$/.test(key)) throw new Error(`the key shown is not a registration key: ${JSON.stringify(key)}`);
      await artifacts.shot(cloud, 'cloud-edge-key-created');
      await dialog.getByRole('button', { name: 'Done' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await see(cloud.getByRole('cell', { name: 'Rotterdam edge' }), 'the key in the list');
      await absent(cloud.getByText(key), 'the key after the dialog closed');
      await artifacts.shot(cloud, 'cloud-edge-keys');
    });

    let deviceName = '';
    await ctx.step('an edgezu agent registers with the key and shows online on the devices page', async () => {
      const agent = await harness<{ device_id: string; name: string }>(ctx, '/agent', { account: w.account, key });
      deviceName = agent.name;
      await nav(cloud, 'Devices').click();
      await see(cloud.getByRole('heading', { name: 'Edge devices' }), 'the devices page');
      const row = cloud.getByRole('row').filter({ hasText: deviceName });
      await see(row, 'the registered device in the list', SLOW);
      // The list refreshes itself every 10 s: no reload.
      await see(row.getByText('Online', { exact: true }), 'the device online', SLOW);
      await artifacts.shot(cloud, 'cloud-devices');
    });

    await ctx.step('a security alert from the agent appears live in the inbox without a reload', async () => {
      await nav(cloud, 'Alerts').click();
      await see(cloud.getByRole('heading', { name: 'Security alerts' }), 'the alerts inbox');
      // The inbox has loaded: empty, or with what the agent's sweeps raised so far.
      await see(cloud.getByText('No alerts yet.').or(cloud.getByRole('table', { name: 'Security alerts' }).getByRole('row').nth(1)), 'the inbox loaded');
      await see(cloud.getByRole('status').filter({ hasText: 'Live' }), 'the live feed connected');
      // A marker in the page's memory: a reload or a navigation would lose it.
      await cloud.evaluate(() => {
        (window as unknown as { __journeyMarker: number }).__journeyMarker = 42;
      });
      const loads: string[] = [];
      cloud.on('framenavigated', (f) => {
        if (f === cloud.mainFrame()) loads.push(f.url());
      });
      // A new PLC appears on the lab's network; the agent's next scan raises it.
      const { ip } = await harness<{ ip: string }>(ctx, '/lab/new-device', {});
      const alertRow = cloud.getByRole('row').filter({ hasText: `${ip} on the network` });
      await see(alertRow, 'the new-device alert in the inbox', SLOW);
      const marker = await cloud.evaluate(() => (window as unknown as { __journeyMarker?: number }).__journeyMarker);
      if (marker !== 42 || loads.length) throw new Error(`the page reloaded or navigated (${loads.join(', ')})`);
      await artifacts.shot(cloud, 'cloud-alerts-live');
      // High-severity alerts are also toasted.
      const toast = cloud.getByRole('alert').filter({ hasText: `High alert: New OT device ${ip} on the network` });
      await see(toast, 'the alert toast');
      await alertRow.getByRole('link').first().click();
      await see(cloud.getByRole('heading', { name: `New OT device ${ip} on the network` }), 'the alert detail');
      await see(cloud.getByText('edgezu.discovery.new_device'), 'the alert signature');
      await artifacts.shot(cloud, 'cloud-alert-detail');
      await cloud.getByRole('link', { name: 'Open the device' }).click();
      await see(cloud.getByRole('heading', { name: deviceName }), 'the device that raised the alert');
      await artifacts.shot(cloud, 'cloud-device-detail');
      await toast.getByRole('button', { name: 'Dismiss' }).click();
      await toast.waitFor({ state: 'hidden' });
    });
    await ctx.step('the other pages of the Cloud SPA load without an error', async () => {
      const pages: [string, string][] = [
        ['Dashboard', 'Dashboard'],
        ['Discovered devices', 'Discovered devices'],
        ['Drift', 'Drift'],
        ['Vendors', 'Vendors'],
        ['Diagrams', 'Diagrams'],
        ['Groups', 'Groups'],
        ['Audit log', 'Audit log'],
        ['Organisation', 'Organisation'],
      ];
      for (const [link, heading] of pages) {
        await nav(cloud, link).click();
        await see(cloud.getByRole('heading', { name: heading, exact: true, level: 1 }), `the ${heading} page`);
        await settled(cloud);
        await absent(cloud.getByRole('main').getByRole('alert'), `an error on the ${heading} page`);
        await artifacts.shot(cloud, 'cloud-' + heading.toLowerCase().replace(/ /g, '-'));
      }
      // What the agent's sweeps found waits in the CMDB review queue.
      await nav(cloud, 'Discovered devices').click();
      await eventually('the lab’s devices in the review queue', async () => {
        await cloud.reload();
        await see(cloud.getByRole('heading', { name: 'Discovered devices', level: 1 }), 'the review queue');
        await settled(cloud);
        return (await cloud.getByRole('row').filter({ hasText: /127\.\d+\.\d+\.\d+/ }).count()) >= 5;
      }, SLOW, 3000);
      await artifacts.shot(cloud, 'cloud-discovered-devices-from-the-agent');
    });

    await ctx.step('the Management SPA lists the organisation as an active tenant', async () => {
      await mgmt.getByRole('link', { name: 'Tenants', exact: true }).click();
      await see(mgmt.getByRole('heading', { name: 'Tenants', level: 1 }), 'the tenants page');
      const row = mgmt.getByRole('row').filter({ hasText: w.organisation });
      await see(row, 'the tenant in the list');
      await see(row.getByText('active', { exact: false }), 'the tenant active');
      await artifacts.shot(mgmt, 'mgmt-tenants');
    });

    await cloud.context().close();
    await mgmt.context().close();
  },
};
