import { Check } from "lucide-react";

import { SiteHeader } from "@/components/site-header";
import { ButtonLink } from "@/components/ui/button";
import { getSessionUser } from "@/lib/auth/session";
import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";

export const dynamic = "force-dynamic";

const features = [
  {
    title: "One simple API",
    body: "POST /api/emails with a key. Wire-compatible with the Resend SDK: change the base URL and send.",
  },
  {
    title: "Prepaid, never surprised",
    body: `${PRODUCT_COPY.costRule} At zero, sends stop with a clear 402 — no overage bills.`,
  },
  {
    title: "Exactly-once billing",
    body: "Credits are held atomically before a send and debited once, even under retries and crashes.",
  },
  {
    title: "Low-balance warnings",
    body: `An in-app banner and an email at ${PRODUCT_COPY.lowBalance} of your plan, before you run out. Top up in one click.`,
  },
];

export default async function LandingPage() {
  const signedIn = !!(await getSessionUser());
  return (
    <>
      <SiteHeader />
      <main id="main">
        <section className="mx-auto max-w-6xl px-4 pb-16 pt-16 text-center sm:px-6 sm:pt-20">
          <p className="mx-auto mb-4 w-fit rounded-full bg-brand-50 px-3 py-1 text-sm font-medium text-brand-700">
            Transactional email on prepaid credits
          </p>
          <h1 className="mx-auto max-w-3xl text-4xl font-bold tracking-tight text-gray-900 sm:text-5xl">
            Send email. Pay for exactly what you send.
          </h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg text-gray-600">
            MailKit delivers your product&apos;s email through Resend and bills it with prepaid credits on Dodo
            Payments. {PRODUCT_COPY.planCredits} emails a month for {PRODUCT_COPY.planPrice}, top-ups whenever you need
            them.
          </p>
          <div className="mt-10 flex flex-wrap justify-center gap-3">
            <ButtonLink href="/signin">Start sending</ButtonLink>
            <ButtonLink href="#pricing" variant="secondary">
              See pricing
            </ButtonLink>
          </div>
        </section>

        <section className="mx-auto grid max-w-6xl gap-6 px-4 pb-20 sm:grid-cols-2 sm:px-6 lg:grid-cols-4">
          {features.map((f) => (
            <div key={f.title} className="rounded-xl border border-gray-200 bg-surface p-6 shadow-sm">
              <h3 className="font-semibold text-gray-900">{f.title}</h3>
              <p className="mt-2 text-sm text-gray-600">{f.body}</p>
            </div>
          ))}
        </section>

        <section id="pricing" className="border-t border-gray-200 bg-surface py-20">
          <div className="mx-auto max-w-4xl px-4 sm:px-6">
            <h2 className="text-center text-3xl font-bold tracking-tight">Simple pricing</h2>
            <p className="mt-3 text-center text-gray-600">
              {PRODUCT_COPY.costRule} {PRODUCT_COPY.expiry}.
            </p>
            <div className="mt-10 grid gap-6 sm:grid-cols-2">
              <PriceCard
                name={PRODUCT.plan.name}
                price={PRODUCT_COPY.planPrice}
                period="/ month"
                body={`${PRODUCT_COPY.planSummary}.`}
                href={signedIn ? "/dashboard/billing" : "/signin?callbackUrl=%2Fdashboard%2Fbilling"}
                cta="Subscribe"
                featured
              />
              <PriceCard
                name={PRODUCT.topUp.name}
                price={PRODUCT_COPY.topUpPrice}
                period="one-time"
                body={`${PRODUCT_COPY.topUpSummary}. An add-on to the ${PRODUCT.plan.name}.`}
                href={signedIn ? "/dashboard/billing#top-up" : "/signin?callbackUrl=%2Fdashboard%2Fbilling"}
                cta="Buy a top-up"
              />
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

function PriceCard({
  name,
  price,
  period,
  body,
  href,
  cta,
  featured = false,
}: {
  name: string;
  price: string;
  period: string;
  body: string;
  href: string;
  cta: string;
  featured?: boolean;
}) {
  return (
    <div
      className={`flex flex-col rounded-2xl p-8 ${featured ? "border-2 border-brand-600" : "border border-gray-200"}`}
      data-testid="price-card"
    >
      <h3 className="text-lg font-semibold">{name}</h3>
      <p className="mt-4">
        <span className="text-4xl font-bold">{price}</span>
        <span className="text-gray-500"> {period}</span>
      </p>
      <ul className="mt-4 flex-1 space-y-2 text-sm text-gray-600">
        {[body, PRODUCT_COPY.expiry + "."].map((line) => (
          <li key={line} className="flex gap-2">
            <Check className="mt-0.5 h-4 w-4 shrink-0 text-brand-700" aria-hidden />
            {line}
          </li>
        ))}
      </ul>
      <ButtonLink href={href} variant={featured ? "primary" : "secondary"} className="mt-6">
        {cta}
      </ButtonLink>
    </div>
  );
}
