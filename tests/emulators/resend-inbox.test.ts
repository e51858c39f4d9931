import { describe, expect, it } from "vitest";

import type { InboxMessage } from "@/emulators/resend";
import { resendClient, withResendEmulator } from "@/emulators/resend/test-harness";

// The inbox page (/inbox, /inbox/:id) and its JSON API (/_emulator/resend/messages).

const emu = withResendEmulator();

const magicLink = "http://localhost:3000/api/auth/callback/resend?token=abc123&email=ada%40example.com";
const html = `<html><head><title>t</title></head><body><p>Sign in:</p><a href="${magicLink.replace("&", "&amp;")}">Sign in to MailKit</a>
<a href="javascript:alert(1)">evil</a><script>alert("x")</script></body></html>`;

async function sendMagicLink(to = "ada@example.com") {
  const resend = resendClient(emu.url);
  const { data, error } = await resend.emails.send(
    {
      from: "MailKit <noreply@mailkit.dev>",
      to,
      subject: "Sign in to <MailKit>",
      html,
      text: `Sign in: ${magicLink}.`,
      tags: [{ name: "kind", value: "magic_link" }],
    },
    { idempotencyKey: `signin/${to}` },
  );
  expect(error).toBeNull();
  await emu.resend.idle();
  return data!.id;
}

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${emu.url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

describe("inbox JSON API", () => {
  it("lists captured messages newest first, filtered by recipient, with links and events", async () => {
    const first = await sendMagicLink("ada@example.com");
    await sendMagicLink("grace@example.com");
    const second = await sendMagicLink("ADA+x@example.com");
    const third = await resendClient(emu.url).emails.send({
      from: "MailKit <noreply@mailkit.dev>",
      to: "other@example.com",
      bcc: "Ada <ada@example.com>",
      subject: "bcc",
      text: "t",
    });
    await emu.resend.idle();

    const { body } = await getJson<{ data: InboxMessage[] }>("/_emulator/resend/messages?to=Ada@Example.com");
    expect(body.data.map((m) => m.id)).toEqual([third.data!.id, first]); // exact address, case-insensitive, bcc counts
    const message = body.data[1]!;
    expect(message).toMatchObject({
      id: first,
      from: "MailKit <noreply@mailkit.dev>",
      to: ["ada@example.com"],
      cc: null,
      bcc: null,
      subject: "Sign in to <MailKit>",
      html,
      text: `Sign in: ${magicLink}.`,
      tags: [{ name: "kind", value: "magic_link" }],
      idempotency_key: "signin/ada@example.com",
      last_event: "delivered",
      links: [magicLink], // entity-decoded, javascript: dropped, the text's trailing period stripped, de-duplicated
    });
    expect(message.events.map((e) => e.type)).toEqual(["email.sent", "email.delivered"]);
    expect(message.created_at).toMatch(/Z$/);

    const plus = await getJson<{ data: InboxMessage[] }>("/_emulator/resend/messages?to=ada+x@example.com"); // "+" unencoded
    expect(plus.body.data.map((m) => m.id)).toEqual([second]);

    const limited = await getJson<{ data: InboxMessage[] }>("/_emulator/resend/messages?limit=2");
    expect(limited.body.data.map((m) => m.id)).toEqual([third.data!.id, second]);

    const one = await getJson<{ data: InboxMessage }>(`/_emulator/resend/messages/${first}`);
    expect(one.body.data.id).toBe(first);
    expect((await getJson(`/_emulator/resend/messages/nope`)).status).toBe(404);
  });

  it("reset (module or global) forgets everything", async () => {
    await sendMagicLink();
    expect((await fetch(`${emu.url}/_emulator/resend/reset`, { method: "POST" })).status).toBe(200);
    expect((await getJson<{ data: unknown[] }>("/_emulator/resend/messages")).body.data).toHaveLength(0);
    await sendMagicLink();
    expect((await fetch(`${emu.url}/_emulator/reset`, { method: "POST" })).status).toBe(200);
    expect(emu.resend.messages()).toHaveLength(0);
    // The idempotency key is forgotten too: the same request sends again.
    await sendMagicLink();
    expect(emu.resend.messages()).toHaveLength(1);
  });
});

describe("inbox page", () => {
  it("lists messages newest first with a recipient filter", async () => {
    await sendMagicLink("ada@example.com");
    await sendMagicLink("grace@example.com");
    const res = await fetch(`${emu.url}/inbox`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const page = await res.text();
    expect(page.indexOf("grace@example.com")).toBeLessThan(page.indexOf("ada@example.com"));
    expect(page).toContain("Sign in to &lt;MailKit&gt;"); // escaped
    expect(page).toContain("delivered");

    const filtered = await (await fetch(`${emu.url}/inbox?q=grace`)).text();
    expect(filtered).toContain("grace@example.com");
    expect(filtered).not.toContain("ada@example.com");
  });

  it("shows a message: sandboxed preview, clickable links, text, headers, key, tags and events", async () => {
    const id = await sendMagicLink();
    const res = await fetch(`${emu.url}/inbox/${id}`);
    expect(res.status).toBe(200);
    const page = await res.text();

    const iframe = /<iframe[^>]*>/.exec(page)![0];
    expect(iframe).toContain(
      'sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"',
    );
    expect(iframe).not.toContain("allow-scripts");
    expect(iframe).not.toContain("allow-same-origin");
    const srcdoc = /srcdoc="([^"]*)"/.exec(iframe)![1]!;
    expect(srcdoc).toContain("&lt;base target=&quot;_top&quot;&gt;");
    expect(srcdoc).not.toMatch(/<script/i); // the email's markup only exists escaped inside the attribute
    expect(page).not.toContain('<script>alert("x")</script>');

    expect(page).toContain(`<a href="${magicLink.replace("&", "&amp;")}"`); // the magic link as a plain anchor
    expect(page).not.toContain('href="javascript:');
    expect(page).toContain("signin/ada@example.com");
    expect(page).toContain("magic_link");
    expect(page).toContain("email.delivered");
    expect(page).toContain("webhook delivered");
    expect(page).toContain(`Sign in: ${magicLink.replace("&", "&amp;")}.`); // text part

    const missing = await fetch(`${emu.url}/inbox/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
  });
});
