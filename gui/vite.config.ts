import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Relative asset URLs: the built site works wherever `kongdb start` serves it from.
export default defineConfig({
  base: './',
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    globalSetup: ['tests/support/schemas_setup.ts'],
    testTimeout: 20000,
    hookTimeout: 60000,
  },
});
