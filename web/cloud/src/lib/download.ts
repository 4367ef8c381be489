import { buildQuery, errorFromResponse, type Query } from '@monozu/api';
import { api, sessionStore } from './api';

/** The file name of a Content-Disposition header, else the fallback. */
export function filenameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim() || fallback;
}

/**
 * Downloads an authenticated file: a plain link cannot carry the bearer token, so fetch it as a
 * blob (refreshing once on 401) and save it through a temporary object URL.
 */
export async function downloadFile(path: string, query: Query | undefined, fallbackName: string): Promise<void> {
  const url = '/api/v1' + path + buildQuery(query);
  const get = (token: string | null) =>
    fetch(url, { credentials: 'same-origin', headers: token ? { Authorization: 'Bearer ' + token } : {} });
  let res = await get(sessionStore.getState().accessToken);
  if (res.status === 401) {
    const token = await api.refresh();
    if (token) res = await get(token);
  }
  if (!res.ok) throw await errorFromResponse(res);
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filenameFrom(res.headers.get('Content-Disposition'), fallbackName);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}
