import { ApiClient, createSessionStore } from '@monozu/api';

/** The operator session (access token in memory) and the management API client. */
export const sessionStore = createSessionStore('mgmt');

export const api = new ApiClient({
  baseUrl: '/api/v1',
  store: sessionStore,
  refreshPath: '/auth/refresh',
  logoutPath: '/auth/logout',
  // The management plane names its cookies apart from the Cloud's: browsers
  // share cookies between the ports of one host.
  csrfCookie: 'mgmt_csrf_token',
});
