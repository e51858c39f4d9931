"use client";

import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

/**
 * The message page's content: HTML (sandboxed, no scripts, no network from the preview's own code), plain text and
 * source, as ARIA tabs (arrow keys, Home and End move between them; only the chosen tab is in the tab order).
 */

export type ContentTab = { id: string; label: string; panel: ReactNode };

export function MessageContentTabs({ tabs, initial }: { tabs: ContentTab[]; initial?: string }) {
  const base = useId();
  const [selected, setSelected] = useState(initial ?? tabs[0]?.id);
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});

  const select = (index: number) => {
    const tab = tabs[(index + tabs.length) % tabs.length]!;
    setSelected(tab.id);
    buttons.current[tab.id]?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      select(moves[event.key]!);
    }
  };

  return (
    <div>
      <div role="tablist" aria-label="Message content" className="flex gap-1 border-b border-gray-100 px-4">
        {tabs.map((tab, index) => {
          const active = tab.id === selected;
          return (
            <button
              key={tab.id}
              ref={(element) => {
                buttons.current[tab.id] = element;
              }}
              type="button"
              role="tab"
              id={`${base}-tab-${tab.id}`}
              aria-selected={active}
              aria-controls={`${base}-panel-${tab.id}`}
              tabIndex={active ? 0 : -1}
              onClick={() => setSelected(tab.id)}
              onKeyDown={(event) => onKeyDown(event, index)}
              data-testid={`content-tab-${tab.id}`}
              className={`-mb-px border-b-2 px-3 py-3 text-sm font-medium focus-visible:outline-2 focus-visible:outline-brand-600 ${
                active ? "border-brand-600 text-brand-700" : "border-transparent text-gray-600 hover:text-gray-900"
              }`}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={`${base}-panel-${tab.id}`}
          aria-labelledby={`${base}-tab-${tab.id}`}
          hidden={tab.id !== selected}
          tabIndex={0}
          data-testid={`content-panel-${tab.id}`}
          className="px-6 py-5 focus-visible:outline-2 focus-visible:outline-brand-600"
        >
          {tab.panel}
        </div>
      ))}
    </div>
  );
}
