/**
 * @module
 * The small marks the methods response carries as `logo`: one original tile per brand we know
 * (a brand-coloured monogram or wordmark, never the brand's own artwork), as
 * `data:image/svg+xml,…` URIs built once when the module loads. A data URI keeps a merchant's
 * strict `img-src 'self' data:` policy intact and loads nothing from another host. Each URI is
 * at most {@link MAX_LOGO_BYTES} bytes. A method without an entry here has no logo; the element
 * then draws a neutral icon from the method's `kind`.
 */

/** The largest logo URI, in bytes: a logo travels in every methods response. */
export const MAX_LOGO_BYTES = 600;

/** Characters `encodeURIComponent` escapes that a data URI may carry as they are. */
const KEPT = /%(?:3D|3A|2F|2C|3B)/g;

/**
 * An SVG document as a `data:image/svg+xml,` URI: percent-encoded except for `=`, `:`, `/`,
 * `,` and `;`, which keeps it short. Write the SVG with single-quoted attributes (`'` is kept
 * as it is, `"` would cost three bytes each).
 */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml,${encodeURIComponent(svg).replace(KEPT, decodeURIComponent)}`;
}

const OPEN = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 24'>";

/**
 * A 32×24 rounded tile in `background` with `text` centred in `color`; a second line when
 * `text` is two words (`Zain Cash`), so that a long name stays legible at 32 pixels.
 */
function wordmark(background: string, color: string, text: string, size: number): string {
  const lines = text.split(' ');
  const lineHeight = size * 1.05;
  const first = 12 + size * 0.36 - ((lines.length - 1) * lineHeight) / 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  return (
    `${OPEN}<rect width='32' height='24' rx='4' fill='${background}'/>` +
    `<g fill='${color}' font-family='Arial,Helvetica,sans-serif' font-size='${size}' ` +
    `font-weight='700' text-anchor='middle'>` +
    lines
      .map((line, i) => `<text x='16' y='${round(first + i * lineHeight)}'>${line}</text>`)
      .join('') +
    `</g></svg>`
  );
}

/** A card pictogram (outline and magnetic stripe) on a dark tile. */
const CARD =
  `${OPEN}<rect width='32' height='24' rx='4' fill='#1d3557'/>` +
  `<rect x='6' y='5.5' width='20' height='13' rx='2' fill='none' stroke='#fff' stroke-width='1.4'/>` +
  `<path d='M6.7 9.5h18.6' stroke='#fff' stroke-width='2'/>` +
  `<path d='M9 15h5' stroke='#fff' stroke-width='1.4' stroke-linecap='round'/></svg>`;

/** The SVG of each mark, by method id. */
const SVGS: Readonly<Record<string, string>> = {
  'ivy:bank': wordmark('#0f3d2e', '#9be27a', 'ivy', 12),
  'ixopay:card': CARD,
  'iwocapay:checkout': wordmark('#2f3ee8', '#fff', 'iwoca', 8.5),
  'koywe:PSE': wordmark('#0b4f9c', '#fff', 'PSE', 11),
  'koywe:PIX_DYNAMIC': wordmark('#32bcad', '#fff', 'pix', 12),
  'koywe:PIX_STATIC': wordmark('#32bcad', '#fff', 'pix', 12),
  'koywe:SPEI': wordmark('#1b365d', '#fff', 'SPEI', 10),
  'koywe:KHIPU': wordmark('#7b2fbe', '#fff', 'khipu', 8.5),
  'koywe:NEQUI': wordmark('#210049', '#ff2d9b', 'nequi', 8.5),
  'furatpay:fib': wordmark('#00806e', '#fff', 'FIB', 11),
  'furatpay:fastpay': wordmark('#e3262f', '#fff', 'Fast Pay', 9),
  'furatpay:zaincash': wordmark('#151515', '#ff4fa3', 'Zain Cash', 9),
};

/** The logo URIs, built once. */
export const METHOD_LOGOS: ReadonlyMap<string, string> = new Map(
  Object.entries(SVGS).map(([id, svg]) => [id, svgDataUri(svg)]),
);

/** The logo of a method id (`koywe:PSE`), or undefined when we know no mark for it. */
export function methodLogo(methodId: string): string | undefined {
  return METHOD_LOGOS.get(methodId);
}

/** `{ logo }` for a method id with a mark, else `{}`: spread into a method. */
export function logoOf(methodId: string): { logo?: string } {
  const logo = METHOD_LOGOS.get(methodId);
  return logo ? { logo } : {};
}
