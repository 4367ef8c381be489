import { defineConfig } from 'vitest/config';

// Only the helpers' unit tests: the journeys need the real binary and a browser
// (internal/browsertest runs them), so they are never collected here.
export default defineConfig({
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
