import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every link in README.md and docs/*.md stays inside the repository and lands on a file that exists
 * (and, with a #fragment, on a heading of that file). A clone has nothing beside the repository, so a
 * link to ../shared or a web page of ours would be a dead end for a newcomer (issue 18, item 14).
 */

const root = resolve(import.meta.dirname, "..");
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's heading anchors: lower case, punctuation dropped (letters of any script kept), spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Markdown links and images outside code: [text](target) — code spans and fences are not links. */
export function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe("documentation links", () => {
  it("anchors follow GitHub's rules", () => {
    expect([...anchorsOf("# A b\n## Security: trust model, limits (issue 12)\n## `npm run import`\n## A b\n```\n# not a heading\n```")]).toEqual([
      "a-b",
      "security-trust-model-limits-issue-12",
      "npm-run-import",
      "a-b-1",
    ]);
    expect(linksOf("see [x](docs/a.md#b) and `[y](z.md)` ![i](p.png)")).toEqual(["docs/a.md#b", "p.png"]);
  });

  it("README.md links to docs/ and the docs exist", () => {
    const readme = linksOf(readFileSync(join(root, "README.md"), "utf8"));
    expect(readme.filter((l) => l.startsWith("docs/")).length).toBeGreaterThanOrEqual(5);
  });

  for (const page of pages) {
    it(`${page}: every link stays in the repository and resolves`, () => {
      const text = readFileSync(join(root, page), "utf8");
      const problems: string[] = [];
      for (const link of linksOf(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith("//")) {
          problems.push(`${link}: leaves the repository (a clone has only the repository)`);
          continue;
        }
        const [path, fragment] = link.split("#", 2) as [string, string | undefined];
        const target = path === "" ? join(root, page) : resolve(dirname(join(root, page)), decodeURI(path));
        const inside = relative(root, target);
        if (inside.startsWith("..") || inside.split(sep).includes("..") || resolve(target) === resolve(root, "..")) {
          problems.push(`${link}: leaves the repository`);
          continue;
        }
        if (!existsSync(target)) {
          problems.push(`${link}: no such file`);
          continue;
        }
        if (fragment !== undefined) {
          if (!statSync(target).isFile() || !target.endsWith(".md")) problems.push(`${link}: a #fragment on a file that is not Markdown`);
          else if (!anchorsOf(readFileSync(target, "utf8")).has(fragment)) problems.push(`${link}: no heading with the anchor #${fragment}`);
        }
      }
      expect(problems).toEqual([]);
      expect(text).not.toMatch(/\.\.\/shared/);
    });
  }
});
