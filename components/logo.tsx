import { Mail } from "lucide-react";
import Link from "next/link";

export function Logo({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="flex items-center gap-2 text-lg font-bold tracking-tight text-gray-900">
      <span aria-hidden className="grid h-8 w-8 place-items-center rounded-lg bg-brand-600 text-white">
        <Mail className="h-4.5 w-4.5" />
      </span>
      MailKit
    </Link>
  );
}
