import { defineConfig } from "vite";

// The plots' test page (plots-harness.html), built only for the browser tests and benchmarks.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist-harness",
    emptyOutDir: true,
    target: "es2022",
    rolldownOptions: { input: ["plots-harness.html"] },
  },
});
