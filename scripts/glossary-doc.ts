/** Writes docs/glossary.md from lib/glossary.ts (lib/glossary.test.ts fails while the two differ). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { glossaryMarkdown } from "../lib/glossary";

const target = join(import.meta.dirname, "..", "docs", "glossary.md");
writeFileSync(target, glossaryMarkdown());
console.log(`wrote ${target}`);
