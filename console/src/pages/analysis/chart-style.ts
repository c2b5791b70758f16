// Series styling: a colour-blind-safe palette (Okabe-Ito) plus a dash pattern per series, so lines
// differ by more than colour; every chart also has a legend and the table underneath.
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
];
export const DASHES = ['', '6 3', '2 2', '8 3 2 3', '1 3', '10 4'];

export const seriesStyle = (i: number) => ({
  stroke: PALETTE[i % PALETTE.length]!,
  strokeDasharray: DASHES[i % DASHES.length]!,
});

/** A group's values for people: "$others" (every group outside the top N) and null (not set)
 *  named in the page's language (Chinese unless asked otherwise). */
export const groupLabel = (
  group: ReadonlyArray<string | null> | null | undefined,
  lang: 'zh-CN' | 'en' = 'zh-CN',
): string =>
  group
    ? group
        .map((g) =>
          g === null
            ? lang === 'en'
              ? '(not set)'
              : '(未设置)'
            : g === '$others'
              ? lang === 'en'
                ? 'Others'
                : '其他'
              : g,
        )
        .join(' / ')
    : '';
