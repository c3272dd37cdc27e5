import { defineConfig } from "vitest/config";

// Unit tests of the pure parts (tile addressing, the socket protocol, formatting) in Node.
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
  },
});
