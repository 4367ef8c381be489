import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Served by the Go binary (monozu mgmt) at / with SPA fallback; API calls are same-origin /api.
export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    // `monozu dev` allows this origin for the CSRF-checked refresh/logout calls. The management
    // plane's cookies have names of their own (mgmt_…), so it shares a host with the Cloud safely.
    port: 5174,
    strictPort: true,
    proxy: { '/api': 'http://localhost:8080' },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
