import { SiteHeader } from "@/components/site-header";
import { ButtonLink } from "@/components/ui/button";

export const dynamic = "force-dynamic";

const features = [
  {
    title: "One simple API",
    body: "POST /api/emails with a key. Wire-compatible with the Resend SDK: change the base URL and send.",
  },
  {
    title: "Prepaid, never surprised",
    body: "Each recipient costs one credit. At zero, sends stop with a clear 402 — no overage bills.",
  },
  {
    title: "Exactly-once billing",
    body: "Credits are held atomically before a send and debited once, even under retries and crashes.",
  },
  {
    title: "Low-balance warnings",
    body: "An in-app banner and an email at 20% of your plan, before you run out. Top up in one click.",
  },
];

export default function LandingPage() {
  return (
    <>
      <SiteHeader />
      <main>
        <section className="mx-auto max-w-6xl px-6 pb-16 pt-20 text-center">
          <p className="mx-auto mb-4 w-fit rounded-full bg-brand-50 px-3 py-1 text-sm font-medium text-brand-700">
            Transactional email on prepaid credits
          </p>
          <h1 className="mx-auto max-w-3xl text-5xl font-bold tracking-tight text-gray-900">
            Send email. Pay for exactly what you send.
          </h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg text-gray-600">
            MailKit delivers your product&apos;s email through Resend and bills it with prepaid credits on Dodo
            Payments. 5,000 emails a month for $19, top-ups whenever you need them.
          </p>
          <div className="mt-10 flex justify-center gap-3">
            <ButtonLink href="/signin">Start sending</ButtonLink>
            <ButtonLink href="#pricing" variant="secondary">
              See pricing
            </ButtonLink>
          </div>
        </section>

        <section className="mx-auto grid max-w-6xl gap-6 px-6 pb-20 sm:grid-cols-2 lg:grid-cols-4">
          {features.map((f) => (
            <div key={f.title} className="rounded-xl border border-gray-200 bg-white p-6 shadow-sm">
              <h3 className="font-semibold text-gray-900">{f.title}</h3>
              <p className="mt-2 text-sm text-gray-600">{f.body}</p>
            </div>
          ))}
        </section>

        <section id="pricing" className="border-t border-gray-200 bg-white py-20">
          <div className="mx-auto max-w-4xl px-6">
            <h2 className="text-center text-3xl font-bold tracking-tight">Simple pricing</h2>
            <div className="mt-10 grid gap-6 sm:grid-cols-2">
              <div className="rounded-2xl border-2 border-brand-600 p-8">
                <h3 className="text-lg font-semibold">MailKit Plan</h3>
                <p className="mt-4">
                  <span className="text-4xl font-bold">$19</span>
                  <span className="text-gray-500"> / month</span>
                </p>
                <p className="mt-2 text-gray-600">5,000 email credits every billing cycle.</p>
              </div>
              <div className="rounded-2xl border border-gray-200 p-8">
                <h3 className="text-lg font-semibold">Top-Up Pack</h3>
                <p className="mt-4">
                  <span className="text-4xl font-bold">$9</span>
                  <span className="text-gray-500"> one-time</span>
                </p>
                <p className="mt-2 text-gray-600">+5,000 credits that stack on your plan&apos;s credits.</p>
              </div>
            </div>
          </div>
        </section>
      </main>
      <footer className="py-10 text-center text-sm text-gray-500">
        MailKit · an open reference for credit-billed SaaS
      </footer>
    </>
  );
}
