/** Units and conversion constants shared by the plan and the cost model. */

/** AWS prices a month as 730 hours (365 days x 24 h / 12). */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_HOUR = 3600;
export const SECONDS_PER_DAY = 86_400;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * SECONDS_PER_HOUR;

/** AWS bills storage and transfer per GB of 2^30 bytes. */
export const BYTES_PER_GIB = 2 ** 30;
/** Instance-store sizes are listed in decimal GB. */
export const BYTES_PER_GB = 1e9;

export function roundUpToMultiple(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}
