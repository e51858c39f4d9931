import type { ReactNode } from "react";

/**
 * The dashboard's tables: small uppercase headings over rows divided by hairlines. Cells are padded to line up
 * with a Card's edges; `inset` cells are for a table inside a CardBody (only a gap between the columns).
 */

type Align = "left" | "right";
type CellProps = { align?: Align; inset?: boolean; className?: string; children?: ReactNode };
/** `label`: the column's name, shown before the value when a stacked table turns rows into cards on phones. */
type TdProps = CellProps & { label?: string };

const classes = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(" ");

export function Table({
  head,
  children,
  scroll = false,
  stack = false,
  bodyClassName,
}: {
  /** The header cells (`Th`). */
  head: ReactNode;
  /** The body rows. */
  children: ReactNode;
  /** Scrolls sideways when narrower than the table. */
  scroll?: boolean;
  /** Below 640 px each row becomes a stacked card (labels from `Td label`), so phones never scroll sideways. */
  stack?: boolean;
  bodyClassName?: string;
}) {
  const table = (
    <table className={classes("w-full text-left text-sm", stack && "stacked")}>
      <thead className="text-xs uppercase text-gray-500">
        <tr>{head}</tr>
      </thead>
      <tbody className={classes("divide-y divide-gray-100", bodyClassName)}>{children}</tbody>
    </table>
  );
  return scroll ? <div className="overflow-x-auto">{table}</div> : table;
}

export function Th({ align, inset, className, children }: CellProps) {
  return (
    <th
      className={classes(
        inset ? "py-2 pr-4 last:pr-0" : "px-6 py-2",
        align === "right" && "text-right",
        "font-medium",
        className,
      )}
    >
      {children}
    </th>
  );
}

export function Td({ align, inset, className, label, children }: TdProps) {
  return (
    <td
      data-label={label}
      className={classes(inset ? "py-3 pr-4 last:pr-0" : "px-6 py-3", align === "right" && "text-right", className)}
    >
      {children}
    </td>
  );
}
