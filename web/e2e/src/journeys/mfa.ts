import { absent, newContext, see } from '../browser.js';
import type { Journey } from '../journey.js';
import { freshTotp, totp } from '../totp.js';
import { cloudSignIn } from './main.js';
import { VIEWER_EMAIL, VIEWER_PASSWORD } from './permissions.js';

export const mfaJourney: Journey = {
  name: 'mfa',
  title: 'a user enrols TOTP (QR code and key), signs out, and signs in with password + code',
  run: async (ctx) => {
    const { env, artifacts } = ctx;
    const page = await (await newContext(ctx.browser, env.cloudUrl)).newPage();
    let secret = '';
    let usedStep = 0;

    await ctx.step('the user opens two-factor sign-in from the user menu and sees the QR code and key', async () => {
      await cloudSignIn(page, VIEWER_EMAIL, VIEWER_PASSWORD);
      await page.getByRole('button', { name: 'User menu' }).click();
      await page.getByRole('menuitem', { name: 'Two-factor sign-in' }).click();
      await see(page.getByRole('heading', { name: 'Two-factor sign-in' }), 'the MFA page');
      await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
      await see(page.getByRole('img', { name: 'QR code to add Monozu to your authenticator app' }), 'the QR code');
      secret = ((await page.locator('code').first().textContent()) ?? '').trim();
      if (!/^[A-Z2-7]{16,}=*$/.test(secret)) throw new Error(`the key shown is not a base32 TOTP secret: ${JSON.stringify(secret)}`);
      await artifacts.shot(page, 'cloud-mfa-qr');
    });

    await ctx.step('a wrong code is refused, the right one enables MFA and shows recovery codes', async () => {
      const field = page.getByLabel('2. Enter the code your app shows');
      const wrong = String((Number(totp(secret)) + 500_000) % 1_000_000).padStart(6, '0');
      await field.fill(wrong);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await see(page.getByText('is not the current code of your authenticator app'), 'the refused code’s message');
      if ((await field.getAttribute('aria-invalid')) !== 'true') throw new Error('the refused code is not marked on its field');
      await absent(page.getByText('Save these recovery codes now'), 'recovery codes after a wrong code');
      const fresh = await freshTotp(secret, 0);
      usedStep = fresh.step;
      await field.fill(fresh.code);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await see(page.getByText('Save these recovery codes now'), 'the recovery codes');
      await see(page.getByRole('heading', { name: 'Two-factor sign-in is on' }), 'MFA shown as on');
      const codes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count();
      if (codes < 8) throw new Error(`only ${codes} recovery codes shown`);
      await artifacts.shot(page, 'cloud-mfa-recovery-codes');
      await page.getByRole('button', { name: 'I have saved them' }).click();
    });

    await ctx.step('the user signs out', async () => {
      await page.getByRole('button', { name: 'User menu' }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await see(page.getByRole('heading', { name: 'Sign in to Monozu' }), 'the sign-in page');
    });

    await ctx.step('signing in asks for the code after the password, and the code signs the user in', async () => {
      await cloudSignIn(page, VIEWER_EMAIL, VIEWER_PASSWORD);
      await see(page.getByRole('heading', { name: 'Two-factor sign-in' }), 'the TOTP step');
      await artifacts.shot(page, 'cloud-login-mfa');
      // A code is accepted once: wait for the step after the one enrolment used.
      const fresh = await freshTotp(secret, usedStep);
      await page.getByLabel('Authentication code').fill(fresh.code);
      await page.getByRole('button', { name: 'Verify' }).click();
      await see(page.getByRole('button', { name: 'User menu' }), 'the user signed in with MFA');
      await artifacts.shot(page, 'cloud-signed-in-with-mfa');
    });
    await page.context().close();
  },
};
