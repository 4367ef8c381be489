import { startLiveFeed, type LiveFeedState } from '@monozu/api';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { create } from 'zustand';
import { api } from './api';
import { addLiveAlert, alertsKey, type SecurityAlert } from './security';

export interface AlertToast {
  id: string;
  alert: SecurityAlert;
}

interface FeedStore {
  state: LiveFeedState | null;
  toasts: AlertToast[];
  setState: (s: LiveFeedState | null) => void;
  pushToast: (a: SecurityAlert) => void;
  dismiss: (id: string) => void;
}

/** The live feed's connection state (null: not running) and the alerts being toasted. */
export const useFeedStore = create<FeedStore>((set) => ({
  state: null,
  toasts: [],
  // A stopped feed (sign-out, another tenant) drops its toasts with it.
  setState: (state) => set(state === null ? { state, toasts: [] } : { state }),
  pushToast: (alert) => set((s) => ({ toasts: [...s.toasts.filter((x) => x.id !== alert.id), { id: alert.id, alert }].slice(-5) })),
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) })),
}));

interface FeedMessage {
  type?: unknown;
  data?: unknown;
}

const isAlert = (m: unknown): m is { type: 'alert'; data: SecurityAlert } =>
  typeof m === 'object' && m !== null && (m as FeedMessage).type === 'alert' && typeof (m as FeedMessage).data === 'object' && (m as FeedMessage).data !== null;

/** Keeps the security feed open while enabled: new alerts go into the cache, high and critical ones are toasted. */
export function useSecurityFeed(tenantId: string | null, enabled: boolean) {
  const qc = useQueryClient();
  useEffect(() => {
    const store = useFeedStore.getState();
    if (!enabled || !tenantId) {
      store.setState(null);
      return;
    }
    const stop = startLiveFeed({
      path: '/api/ws/security',
      getTicket: () => api.post<{ ticket: string }>('/ws/ticket').then((r) => r.ticket),
      onState: (s) => {
        // The feed does not replay what was raised while it was down: reload the alert lists.
        const was = useFeedStore.getState().state;
        if (s === 'connected' && (was === 'reconnecting' || was === 'offline')) void qc.invalidateQueries({ queryKey: alertsKey(tenantId) });
        useFeedStore.getState().setState(s);
      },
      onMessage: (m) => {
        if (!isAlert(m)) return;
        addLiveAlert(qc, tenantId, m.data);
        if (m.data.severity === 'high' || m.data.severity === 'critical') useFeedStore.getState().pushToast(m.data);
      },
    });
    return () => {
      stop();
      useFeedStore.getState().setState(null);
    };
  }, [qc, tenantId, enabled]);
}
