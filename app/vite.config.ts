import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is served beside the deployment files (scripts/app.sh): relative paths only.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 4096 },
  // The deployment file's schema is the repository's one (src/deployment.ts imports it).
  server: { fs: { allow: ['.', '../deployments/deployment.schema.json'] } },
});
