import type { ReactNode } from "react";

type Props = {
  /** Column titles, in order; each becomes a `<th scope="col">`. */
  headers: ReactNode[];
  /** The body rows (`<tr>` elements). */
  children: ReactNode;
  /** A visible caption above the table. */
  caption?: ReactNode;
  /** For a table wider than most screens: a focusable, labelled region keyboard users can scroll (WCAG 2.1.1), with the label as caption for screen readers. */
  region?: string;
  /** Spacing of the wrapper. */
  className?: string;
  /** Test and styling hooks on the table element. */
  data?: Record<`data-${string}`, string | boolean>;
};

/** The console's table: scrolls sideways on a narrow screen, a header row of column titles, then the rows. */
export function DataTable({ headers, children, caption, region, className, data }: Props) {
  return (
    <div className={`overflow-x-auto ${className ?? ""}`} {...(region ? { tabIndex: 0, role: "region", "aria-label": region } : {})}>
      <table className="w-full border-collapse text-left" {...data}>
        {caption ? <caption className="mb-2 text-left">{caption}</caption> : region && <caption className="sr-only">{region}</caption>}
        <thead>
          <tr className="border-b-2 border-gray-800">
            {headers.map((header, i) => (
              <th key={i} scope="col" className="p-2">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
