import { describe, expect, it } from "vitest";

import { ConfigError, LOCAL_DEFAULTS, parseEnv } from "@/lib/env";

describe("configuration", () => {
  it("runs in local mode with an embedded database when nothing is configured", () => {
    const env = parseEnv({});
    expect(env.dodoLocal).toBe(true);
    expect(env.resendLocal).toBe(true);
    expect(env.database).toEqual({ kind: "pglite", dataDir: ".data/pglite" });
    expect(env.dodo.baseURL).toBe("http://localhost:4010/dodo");
    expect(env.dodo.apiKey).toBe(LOCAL_DEFAULTS.dodoApiKey);
    expect(env.resend.baseURL).toBe("http://localhost:4010/resend");
    expect(env.APP_URL).toBe("http://localhost:3000");
  });

  it("selects PostgreSQL for a postgres URL and in-memory PGlite for pglite:memory", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/mailkit" }).database).toEqual({
      kind: "postgres",
      url: "postgresql://postgres@127.0.0.1:5432/mailkit",
      preparedStatements: true,
    });
    expect(
      parseEnv({ DATABASE_URL: "postgresql://h/mailkit", DATABASE_PREPARED_STATEMENTS: "false" }).database,
    ).toMatchObject({ kind: "postgres", preparedStatements: false });
    expect(() => parseEnv({ DATABASE_PREPARED_STATEMENTS: "no" })).toThrow(
      /DATABASE_PREPARED_STATEMENTS must be true or false/,
    );
    expect(parseEnv({ DATABASE_URL: "pglite:memory" }).database).toEqual({ kind: "pglite", dataDir: undefined });
  });

  it("fails with one line naming the variable for a bad database URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(ConfigError);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(
      /^Invalid configuration: DATABASE_URL must be a postgres/,
    );
  });

  it("names the variable for other bad values", () => {
    expect(() => parseEnv({ APP_URL: "not a url" })).toThrow(/APP_URL/);
    expect(() => parseEnv({ DODO_PAYMENTS_ENVIRONMENT: "staging" })).toThrow(/DODO_PAYMENTS_ENVIRONMENT/);
    expect(() => parseEnv({ RESEND_WEBHOOK_SECRET: "plain-secret" })).toThrow(
      /RESEND_WEBHOOK_SECRET must look like whsec_/,
    );
  });

  it("talks to the real services with keys: no base URL, the chosen Dodo environment", () => {
    const env = parseEnv({
      DODO_PAYMENTS_API_KEY: "sk_test",
      DODO_PAYMENTS_WEBHOOK_KEY: "whsec_abc=",
      RESEND_API_KEY: "re_123",
    });
    expect(env.dodoLocal).toBe(false);
    expect(env.resendLocal).toBe(false);
    expect(env.dodo).toMatchObject({ apiKey: "sk_test", baseURL: undefined, environment: "test_mode" });
    expect(env.resend).toMatchObject({ apiKey: "re_123", baseURL: undefined });
  });

  it("requires the webhook key with a real Dodo key, and AUTH_SECRET in production", () => {
    expect(() => parseEnv({ DODO_PAYMENTS_API_KEY: "sk_test" })).toThrow(/DODO_PAYMENTS_WEBHOOK_KEY is required/);
    expect(() =>
      parseEnv({ NODE_ENV: "production", DODO_PAYMENTS_API_KEY: "sk", DODO_PAYMENTS_WEBHOOK_KEY: "whsec_abc=" }),
    ).toThrow(/AUTH_SECRET is required/);
  });

  it("treats empty strings from .env as unset", () => {
    const env = parseEnv({ DATABASE_URL: "", DODO_PAYMENTS_API_KEY: "", RESEND_API_KEY: "" });
    expect(env.dodoLocal).toBe(true);
    expect(env.database.kind).toBe("pglite");
  });
});
