import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { expect, test } from "@playwright/test";

import { signIn } from "./support/mailkit";

/**
 * The proxy's decode check (proxy.ts) probed against the production build: every dynamic route, listed by walking
 * app/ (a new `[param]` folder is covered without touching this file), is requested with each malformed or
 * unclean escape in each of its parameters. Route handlers answer a 4xx JSON body, pages the 404 page; never a 5xx
 * (Next.js itself fails decoding such paths with a 500).
 */

type DynamicRoute = { template: string; kind: "api" | "page"; methods: string[] };

const APP = path.resolve("app");

/** Every route.ts / page.tsx under app/ with a dynamic segment, as a URL template (route groups dropped). */
function dynamicRoutes(): DynamicRoute[] {
  const routes: DynamicRoute[] = [];
  for (const entry of readdirSync(APP, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/^(route\.ts|page\.tsx)$/.test(entry.name)) continue;
    const dir = path.relative(APP, entry.parentPath);
    const segments = dir.split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
    if (!segments.some((s) => s.startsWith("["))) continue;
    const template = `/${segments.join("/")}`;
    if (entry.name === "page.tsx") {
      routes.push({ template, kind: "page", methods: ["GET"] });
    } else {
      const source = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
      const methods = [...source.matchAll(/export\s+(?:async\s+function|const)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map(
        (m) => m[1]!,
      );
      // Re-exported handlers (`export const { GET, POST } = handlers`) are named in braces.
      for (const m of source.matchAll(/export\s+const\s+\{([^}]*)\}/g))
        methods.push(
          ...m[1]!
            .split(",")
            .map((name) => name.trim())
            .filter((name) => /^[A-Z]+$/.test(name)),
        );
      routes.push({ template, kind: "api", methods: methods.length ? methods : ["GET"] });
    }
  }
  return routes.sort((a, b) => a.template.localeCompare(b.template));
}

/** Invalid UTF-8, NUL, a lone surrogate (as CESU-8 bytes), an overlong NUL, a truncated sequence. */
const PROBES = ["%FF", "%00", "%ED%A0%80", "%ED%BF%BF", "%C0%80", "%E0%A4%A", "a%00b"];

/** The template with the probe in parameter `index` and a plausible value in the others. */
function probed(template: string, index: number, probe: string): string {
  let at = 0;
  return template.replace(/\[\[?(?:\.\.\.)?[^\]]+\]\]?/g, () => (at++ === index ? probe : "x1"));
}

const routes = dynamicRoutes();

test("the route list is read from app/ and includes every known dynamic route", () => {
  const templates = routes.map((r) => r.template);
  for (const known of [
    "/api/emails/[id]",
    "/api/domains/[id]",
    "/api/domains/[id]/verify",
    "/api/webhooks/[id]",
    "/api/webhooks/[id]/replay",
    "/api/webhooks/[id]/events/[eventId]/replay",
    "/api/suppressions/[id_or_email]",
    "/dashboard/messages/[id]",
    "/dashboard/[...missing]",
  ])
    expect(templates).toContain(known);
});

test("malformed escapes in every dynamic route: 4xx JSON from the API, the 404 page from pages, never 5xx", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, `paths-${Date.now()}@example.com`);
  // A key, so that a request the proxy let through would reach the handler's own code rather than stop at 401.
  await page.goto("/dashboard/keys");
  await page.getByTestId("api-key-name").fill("Path probes");
  await page.getByTestId("create-api-key").click();
  const token = (await page.getByTestId("new-api-key").textContent())!.trim();

  const failures: string[] = [];
  let probes = 0;
  for (const route of routes) {
    const parameters = route.template.match(/\[/g)!.length;
    for (let index = 0; index < parameters; index++) {
      for (const probe of PROBES) {
        const url = probed(route.template, index, probe);
        for (const method of route.methods) {
          probes++;
          const response = await page.request.fetch(url, {
            method,
            headers: route.kind === "api" ? { authorization: `Bearer ${token}` } : {},
            data: method === "GET" || method === "DELETE" ? undefined : "{}",
            maxRedirects: 0,
          });
          const status = response.status();
          const body = await response.text();
          const type = response.headers()["content-type"] ?? "";
          if (route.kind === "api") {
            const json = type.includes("application/json") ? safeJson(body) : undefined;
            if (status < 400 || status >= 500 || json === undefined)
              failures.push(`${method} ${url} → ${status} ${type} ${body.slice(0, 120)}`);
          } else if (status !== 404 || !type.includes("text/html") || !body.includes('data-testid="not-found"')) {
            failures.push(`${method} ${url} → ${status} ${type} ${body.slice(0, 120)}`);
          }
        }
      }
    }
  }
  expect(failures).toEqual([]);
  expect(probes).toBeGreaterThanOrEqual(routes.length * PROBES.length);

  // What a person sees: the app's 404 page, styled, with a way back.
  await page.goto("/dashboard/messages/%FF");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
