// How wide the next `created` slice of a backlog is (poll-once.ts lists them). Every slice ends
// with a partial page, and at Stripe's 25 requests/s (test mode) every extra call costs 40 ms: at
// 100 objects a page a 100,000 backlog is 1,000 calls (40 s) plus one per slice, so slices should
// hold many pages. But a slice is committed only when listed in full, so the first deliveries wait
// for the first slice: not too many either. An empty stretch before the backlog (a `since` a year
// back) is crossed by doubling, a few dozen calls rather than one per minute.

/** Width of the first slice of a poll: 60 s. Doubles quickly if that is sparse. */
export const FIRST_SLICE_SECONDS = 60;

/** Pages a slice aims at: 20 (2,000 objects, 0.8 s of listing at 25 requests/s), so the slices
 *  of a backlog add ≈ 5 % to its calls. */
export const TARGET_SLICE_PAGES = 20;

/** A slice whose first page shows it would take more than this many pages is dropped after that
 *  one call and tried again half as wide: 2 × TARGET_SLICE_PAGES. */
export const MAX_SLICE_PAGES = 2 * TARGET_SLICE_PAGES;

/**
 * The width of the next slice to begin, given the width the last one began with and a slice just
 * listed in full (`listedWidthSeconds`, `pages` list calls): as wide as that slice's density says
 * TARGET_SLICE_PAGES take, but at most double or half the current width (one dense or sparse
 * minute is no forecast for the next), never below 1 s (`created` has one-second resolution). An
 * empty slice counts as one page, so an empty stretch doubles the width per slice.
 */
export function nextSliceWidth(currentWidthSeconds: number, listedWidthSeconds: number, pages: number): number {
  const byDensity = Math.round((listedWidthSeconds * TARGET_SLICE_PAGES) / Math.max(1, pages));
  return Math.max(1, Math.min(currentWidthSeconds * 2, Math.max(Math.floor(currentWidthSeconds / 2), byDensity)));
}

/**
 * Whether a slice [sliceStart, sliceEnd) is too wide, judged from its first page (newest first):
 * that page holds every object from its oldest `created` up to sliceEnd, so the slice holds about
 * (sliceEnd − sliceStart) / (sliceEnd − oldest) such pages. A 1-second slice cannot be split.
 */
export function sliceTooWide(sliceStart: number, sliceEnd: number, firstPageOldestCreated: number, hasMore: boolean): boolean {
  if (!hasMore || sliceEnd - sliceStart <= 1) return false;
  const pagesEstimate = (sliceEnd - sliceStart) / Math.max(1, sliceEnd - firstPageOldestCreated);
  return pagesEstimate > MAX_SLICE_PAGES;
}
