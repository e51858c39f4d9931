import { SearchX } from "lucide-react";

import { SiteHeader } from "@/components/site-header";
import { StatusPage } from "@/components/shell/status-page";
import { ButtonLink } from "@/components/ui/button";

/** 404 for every URL outside the dashboard, with the public header. */
export default function NotFound() {
  return (
    <>
      <SiteHeader />
      <main id="main" className="px-4 py-16">
        <StatusPage
          icon={SearchX}
          code="404"
          title="Page not found"
          actions={<ButtonLink href="/">Back to MailKit</ButtonLink>}
        >
          <p data-testid="not-found">The page you asked for doesn&apos;t exist.</p>
        </StatusPage>
      </main>
    </>
  );
}
