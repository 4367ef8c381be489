import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Served by the Go binary at / (SPA fallback); API calls are same-origin /api.
export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/api': { target: 'http://localhost:8000', ws: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
