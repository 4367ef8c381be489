/** What the Go harness (internal/browsertest) hands the journeys through the environment. */
export interface Env {
  cloudUrl: string;
  mgmtUrl: string;
  harnessUrl: string;
  operatorEmail: string;
  operatorPassword: string;
  operatorTotpSecret: string;
  artifactsDir: string;
  chromium: string;
  /** Only these journeys (comma-separated names) when set. */
  only: string[];
}

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: the journeys are started by internal/browsertest (make browser-test)`);
  return v.replace(/\/$/, '');
}

export function readEnv(): Env {
  return {
    cloudUrl: need('MONOZU_CLOUD_URL'),
    mgmtUrl: need('MONOZU_MGMT_URL'),
    harnessUrl: need('MONOZU_HARNESS_URL'),
    operatorEmail: need('MONOZU_OPERATOR_EMAIL'),
    operatorPassword: need('MONOZU_OPERATOR_PASSWORD'),
    operatorTotpSecret: need('MONOZU_OPERATOR_TOTP_SECRET'),
    artifactsDir: process.env.MONOZU_ARTIFACTS_DIR || 'artifacts',
    chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    only: (process.env.MONOZU_JOURNEYS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  };
}
