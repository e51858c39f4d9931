// POST /api/domains – add a sender domain; GET /api/domains – list them (Resend-compatible, full-access key)
import { handleCreateDomain, handleListDomains } from "@/lib/domains/api";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleCreateDomain(request);
}

export function GET(request: Request): Promise<Response> {
  return handleListDomains(request);
}
