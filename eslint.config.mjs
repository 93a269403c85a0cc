import nextVitals from "eslint-config-next/core-web-vitals";
import tseslint from "typescript-eslint";

/**
 * The layers (README "Where things live"): lib → db → components → app, each importing only downwards.
 * Relative paths are covered too, so a `../../db/…` cannot walk around a rule.
 */
const privateNext = { group: ["next/dist/*"], message: "Private Next.js module: use a public API (next/*)." };
const layer = (files, patterns) => ({ files, rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [...patterns, privateNext] }] } });
const DB = ["@/db", "@/db/*", "../db/*", "../../db/*", "../../../db/*"];
const APP = ["@/app/*", "../app/*", "../../app/*", "../../../app/*"];
const AUTH = ["@/auth", "../auth", "../../auth", "../../../auth"];

export default tseslint.config(
  { ignores: [".next/**", ".next-*/**", "node_modules/**", ".data/**", "db/migrations/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...nextVitals,
  {
    files: ["**/*.ts", "**/*.tsx"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Un-awaited promises lose errors and transactions: never allowed.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@next/next/no-html-link-for-pages": "off",
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [privateNext] }],
    },
  },
  layer(["lib/**/*.ts", "lib/**/*.tsx"], [
    { group: [...DB, ...APP, ...AUTH], message: "lib/ holds pure rules: it imports no db, app or auth." },
    { group: ["next", "next/*", "next-auth", "next-auth/*"], message: "lib/ holds pure rules: no Next.js." },
  ]),
  layer(["db/**/*.ts"], [{ group: [...APP, ...AUTH], message: "db/ is below app/: take the caller (staff member, receipt) as a parameter." }]),
  layer(["components/**/*.tsx", "components/**/*.ts"], [
    { group: DB, allowTypeImports: true, message: "components/ take plain values from db/ as types only; data arrives as props." },
    { group: APP, message: "components/ receive actions as props; shared action types live in lib/." },
  ]),
);
