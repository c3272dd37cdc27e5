import { defineConfig } from "vite";

// Django serves the build with whitenoise under /static/ and reads the manifest to find the entry.
export default defineConfig({
  base: "/static/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    target: "es2022",
    sourcemap: true,
    rolldownOptions: {
      // The workspace page, and the list of workspaces (its actions and the share dialog).
      input: ["src/main.ts", "src/workspace-list.ts"],
    },
  },
  server: {
    // `npm run dev` serves index.html and forwards everything else to a running Django server.
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/tiles": "http://127.0.0.1:8000",
      "/accounts": "http://127.0.0.1:8000",
      "/admin": "http://127.0.0.1:8000",
      "/ws": { target: "ws://127.0.0.1:8000", ws: true },
    },
  },
});
