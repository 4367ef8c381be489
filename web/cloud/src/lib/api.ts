import { ApiClient, createSessionStore } from '@monozu/api';

/** The Cloud session (access token in memory) and its API client (same-origin /api/v1). */
export const sessionStore = createSessionStore('cloud');

export const api = new ApiClient({
  baseUrl: '/api/v1',
  store: sessionStore,
  refreshPath: '/auth/refresh',
  logoutPath: '/auth/logout',
});
