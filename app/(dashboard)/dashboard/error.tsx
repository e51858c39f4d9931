"use client";

import { TriangleAlert } from "lucide-react";
import { useEffect } from "react";

import { StatusPage } from "@/components/shell/status-page";
import { Button, ButtonLink } from "@/components/ui/button";

/** An unexpected error in a dashboard page, shown inside the dashboard's chrome with a way to retry. */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => console.error(error), [error]);
  return (
    <StatusPage
      icon={TriangleAlert}
      code="Error"
      title="Something went wrong"
      actions={
        <>
          <Button onClick={reset}>Try again</Button>
          <ButtonLink href="/dashboard" variant="secondary">
            Go to the overview
          </ButtonLink>
        </>
      }
    >
      <p>
        This page could not be loaded. Nothing was sent or charged.
        {error.digest ? <span className="block text-xs text-gray-500">Reference: {error.digest}</span> : null}
      </p>
    </StatusPage>
  );
}
