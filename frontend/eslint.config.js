// typescript-eslint's type-checked rules over the sources and tests (prettier owns the layout).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // src/generated/ is written by scripts/gen-types.mjs from the server's schemas: type-checked, not linted.
  { ignores: ["dist/", "dist-harness/", "node_modules/", "src/generated/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ["eslint.config.js", "scripts/**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
  },
);
