import { useClearCacheOnSessionChange } from '@monozu/api';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router-dom';
import { sessionStore } from '../lib/api';
import { router } from './router';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 401s are handled by the client (refresh once); 403/404 will not change on retry.
      retry: (count, error) => count < 2 && !('status' in error && typeof error.status === 'number' && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

export function App() {
  useClearCacheOnSessionChange(sessionStore, queryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
