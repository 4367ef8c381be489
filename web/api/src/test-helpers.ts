/** Builds an unsigned JWT-shaped token with the given claims (tests only). */
export function fakeToken(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return enc({ alg: 'none' }) + '.' + enc(claims) + '.sig';
}

export function json(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}
