// One lint configuration for the whole tree (console, gateway, lib, tests, bench, e2e).
// The rules catch defects — unused code, promises nobody awaits or handles, `any` leaking
// through a boundary, hooks called out of order, a switch that forgets a case — not taste:
// layout is Prettier's job (.prettierrc), so no stylistic rule is enabled here.
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores(["lib/generated/", ".next/", "**/dist/", "bench/results/", ".portcullis/", "test-results/", "playwright-report/", "next-env.d.ts"]),

  js.configs.recommended,
  // The type-aware set: no-floating-promises, no-misused-promises, await-thenable, no-explicit-any, no-unsafe-*.
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // .config/ is a dot folder, outside tsconfig's "**/*.ts"; it is checked with the same options.
        projectService: { allowDefaultProject: [".config/*.ts"], defaultProject: "tsconfig.json" },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      // A switch without `default` must name every member of the union; a `default` is a deliberate catch-all.
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      // `x == null` is the one loose comparison kept: it means null or undefined, on purpose.
      eqeqeq: ["error", "always", { null: "ignore" }],
      // Flags String(formData.get(name)) (a text field could in theory be a File) and String(unknown claim):
      // both are deliberate here, and template literals of objects are caught by restrict-template-expressions.
      "@typescript-eslint/no-base-to-string": "off",
      // Flags async functions kept async for an interface (oidc-provider adapters, route handlers);
      // the defect it hints at, a forgotten await, is what no-floating-promises and await-thenable catch.
      "@typescript-eslint/require-await": "off",
    },
  },

  // Tests, e2e and bench read JSON answers (typed any) and assert on them the next line: typing each
  // answer would restate the assertion. Writing `any` (no-explicit-any) is still refused there.
  {
    files: ["**/*.test.ts", "**/test/**", "e2e/**", "bench/**"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  // Playwright reads a fixture's first parameter as a destructuring pattern, even an empty one.
  { files: ["e2e/**"], rules: { "no-empty-pattern": "off" } },

  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    plugins: { "@next/next": nextPlugin },
    rules: { ...nextPlugin.configs.recommended.rules, ...nextPlugin.configs["core-web-vitals"].rules },
  },
  // The two hook rules, not the React Compiler set of the plugin's preset: the console is not
  // compiled with React Compiler, and that set refuses its hydration pattern (setState in a mount effect).
  {
    files: ["**/*.tsx", "lib/**/use-*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },

  // Plain JavaScript files sit outside tsconfig (allowJs is off): lint them without types.
  { files: ["**/*.mjs"], ...tseslint.configs.disableTypeChecked },
  { files: ["**/*.mjs"], languageOptions: { globals: globals.node } },
]);
