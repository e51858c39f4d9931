"use client";

import "./globals.css";

/**
 * The last resort: an error in the root layout itself (every other error page renders inside the app's chrome).
 * It replaces the whole document, so it brings its own <html> and stays plain.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="flex min-h-screen items-center justify-center bg-gray-50 p-6 text-gray-900">
        <main className="max-w-md space-y-4 text-center">
          <p className="text-sm font-semibold text-blue-700">MailKit</p>
          <h1 className="text-2xl font-semibold">Something went wrong</h1>
          <p className="text-sm text-gray-600">
            MailKit could not load this page. Nothing was sent or charged.
            {error.digest ? <span className="block text-xs text-gray-500">Reference: {error.digest}</span> : null}
          </p>
          <button
            type="button"
            onClick={reset}
            className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800"
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
