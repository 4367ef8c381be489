import { absent, eventually, nav, newContext, see } from '../browser.js';
import { api, type Journey, type World } from '../journey.js';
import { cloudSignIn } from './main.js';

export const VIEWER_EMAIL = 'viewer@harbour-water.example.com';
export const VIEWER_PASSWORD = 'quiet-observer-deck-2026!';

/** The invitation link the Cloud e-mailed to email, read from the development mail outbox. */
async function invitationLink(cloudUrl: string, w: World, email: string): Promise<string> {
  const login = await api<{ access_token: string }>(cloudUrl, 'POST', '/api/v1/auth/login', { email: w.adminEmail, password: w.adminPassword });
  let link = '';
  await eventually(`the invitation e-mail to ${email}`, async () => {
    const out = await api<{ items: { to: string[]; text: string }[] }>(cloudUrl, 'GET', '/api/v1/dev/outbox', undefined, login.access_token);
    const mail = out.items.find((m) => m.to.includes(email));
    const m = mail?.text.match(/https?:\/\/\S+\/invite\/[^\s>)]+/);
    if (m) link = m[0];
    return link !== '';
  });
  return new URL(link).pathname;
}

export const permissionsJourney: Journey = {
  name: 'permissions',
  title: 'a "Read only" user sees no create buttons and a create route shows the 403 page',
  run: async (ctx) => {
    const { env, world: w, artifacts } = ctx;
    const admin = await (await newContext(ctx.browser, env.cloudUrl)).newPage();

    await ctx.step('the admin invites a user into the "Read only" group', async () => {
      await cloudSignIn(admin, w.adminEmail, w.adminPassword);
      await see(admin.getByRole('button', { name: 'User menu' }), 'the admin signed in');
      await nav(admin, 'Users').click();
      await see(admin.getByRole('heading', { name: 'Users' }), 'the users page');
      await admin.getByRole('link', { name: 'Invite user' }).or(admin.getByRole('button', { name: 'Invite user' })).first().click();
      const form = admin.getByRole('form', { name: 'Invite a user' });
      await see(form, 'the invitation form');
      await form.getByLabel('E-mail').fill(VIEWER_EMAIL);
      await form.getByRole('checkbox', { name: /^Read only/ }).check();
      await artifacts.shot(admin, 'cloud-invite-user');
      await form.getByRole('button', { name: 'Send invitation' }).click();
      await see(admin.getByRole('cell', { name: VIEWER_EMAIL }), 'the pending invitation');
      await admin.context().close();
    });

    const viewer = await (await newContext(ctx.browser, env.cloudUrl)).newPage();
    await ctx.step('the invited user accepts the invitation and is signed in', async () => {
      await viewer.goto(await invitationLink(env.cloudUrl, w, VIEWER_EMAIL));
      await see(viewer.getByRole('heading', { name: 'Join your team on Monozu' }), 'the invitation page');
      await viewer.getByLabel('Your name').fill('Vic Viewer');
      await viewer.getByLabel('Password', { exact: true }).fill(VIEWER_PASSWORD);
      await viewer.getByLabel('Repeat password').fill(VIEWER_PASSWORD);
      await viewer.getByRole('button', { name: 'Accept and sign in' }).click();
      await see(viewer.getByRole('button', { name: 'User menu' }), 'the viewer signed in');
    });

    await ctx.step('the read-only user sees the lists without create buttons', async () => {
      await nav(viewer, 'Sites').click();
      await see(viewer.getByRole('cell', { name: w.siteName }), 'the site in the list');
      await absent(viewer.getByRole('button', { name: 'New site' }), 'the "New site" button');
      await absent(viewer.getByRole('button', { name: /^Edit site/ }), 'the edit buttons');
      await nav(viewer, 'Zones').click();
      await see(viewer.getByRole('cell', { name: 'Control Zone' }), 'the zone in the list');
      await absent(viewer.getByRole('button', { name: 'New zone' }), 'the "New zone" button');
      await nav(viewer, 'Assets').click();
      await see(viewer.getByRole('link', { name: 'PLC-001', exact: true }), 'the assets list');
      await absent(viewer.getByRole('link', { name: 'New asset' }), 'the "New asset" link');
      await absent(viewer.getByRole('link', { name: 'Import CSV' }), 'the "Import CSV" link');
      await absent(viewer.getByRole('link', { name: 'Import', exact: true }), 'the Import menu entry');
      await absent(viewer.getByRole('link', { name: 'Edge registration keys' }), 'the registration keys menu entry');
      await artifacts.shot(viewer, 'cloud-read-only-assets');
    });

    await ctx.step('direct navigation to a create route shows the 403 page', async () => {
      for (const path of ['/assets/new', '/assets/import', '/settings/users/invite']) {
        await viewer.goto(path);
        await see(viewer.getByRole('heading', { name: 'You do not have access to this page' }), `the 403 page at ${path}`);
        await absent(viewer.getByRole('form'), `a form at ${path}`);
      }
      await artifacts.shot(viewer, 'cloud-403');
    });
    await viewer.context().close();
  },
};
