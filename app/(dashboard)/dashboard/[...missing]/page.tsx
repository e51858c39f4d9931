import { notFound } from "next/navigation";

/** Any /dashboard URL no page matches: the dashboard's own 404, inside its chrome, with HTTP status 404. */
export default function MissingDashboardPage(): never {
  notFound();
}
