import { SearchX } from "lucide-react";

import { StatusPage } from "@/components/shell/status-page";
import { ButtonLink } from "@/components/ui/button";

/** The dashboard's 404 (unknown URLs, someone else's message), inside the dashboard's chrome. */
export default function DashboardNotFound() {
  return (
    <StatusPage
      icon={SearchX}
      code="404"
      title="Page not found"
      actions={
        <>
          <ButtonLink href="/dashboard">Go to the overview</ButtonLink>
          <ButtonLink href="/dashboard/messages" variant="secondary">
            Messages
          </ButtonLink>
        </>
      }
    >
      <p data-testid="not-found">This page doesn&apos;t exist, or it belongs to another account.</p>
    </StatusPage>
  );
}
