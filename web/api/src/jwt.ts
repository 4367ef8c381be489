/** Claims the SPA reads from an access token (never verified here: the server does that). */
export interface TokenClaims {
  sub?: string;
  tid?: string;
  sid?: string;
  aud?: string | string[];
  exp?: number;
}

/** Decodes the payload of a JWT without checking it; returns {} when it is not one. */
export function decodeClaims(token: string): TokenClaims {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const json = decodeURIComponent(
      Array.from(atob(b64), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
    );
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' ? (v as TokenClaims) : {};
  } catch {
    return {};
  }
}
