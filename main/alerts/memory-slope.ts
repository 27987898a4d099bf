import { BYTES_PER_MB } from '../contract/format.js';
import type { RssPoint } from './state.js';

const MS_PER_HOUR = 3_600_000;
/** The series is thinned so a long window (up to a week) never holds more points than this. */
export const MAX_RSS_POINTS = 720;
const MIN_FIT_POINTS = 3;

/**
 * Adds a reading and drops the ones the fit no longer needs: it keeps the shortest tail that still
 * spans the window, so the fit covers at least `windowMs` as soon as that much history exists.
 */
export function appendRss(series: readonly RssPoint[], point: RssPoint, windowMs: number): RssPoint[] {
  const inOrder = series.length === 0 || series[series.length - 1]!.at < point.at;
  const next = inOrder ? series.slice() : series.filter((p) => p.at < point.at);
  const last = next[next.length - 1];
  // Points at least this far apart: a window plus the point before it stays within MAX_RSS_POINTS.
  const spacing = windowMs / (MAX_RSS_POINTS - 2);
  const beforeLast = next[next.length - 2];
  // The newest point slides forward until it is far enough from the one before; then it stays.
  if (last && beforeLast && last.at - beforeLast.at < spacing) next[next.length - 1] = point;
  else next.push(point);
  while (next.length > 2 && point.at - next[1]!.at >= windowMs) next.shift();
  return next;
}

export interface RssFit {
  mbPerHour: number;
  spanMs: number;
  firstAt: number;
  points: number;
}

/** Least-squares slope of RSS over time, in MB per hour; null when there are too few points or no spread. */
export function fitRssSlope(series: readonly RssPoint[]): RssFit | null {
  if (series.length < MIN_FIT_POINTS) return null;
  const first = series[0]!;
  const last = series[series.length - 1]!;
  // Runs every tick for every service over up to MAX_RSS_POINTS points: two index loops, with no
  // closure calls or iterator objects per point.
  const n = series.length;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < n; i++) {
    sumX += (series[i]!.at - first.at) / MS_PER_HOUR;
    sumY += series[i]!.rssBytes / BYTES_PER_MB;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const dx = (series[i]!.at - first.at) / MS_PER_HOUR - meanX;
    covariance += dx * (series[i]!.rssBytes / BYTES_PER_MB - meanY);
    variance += dx ** 2;
  }
  if (variance === 0) return null;
  return {
    mbPerHour: covariance / variance,
    spanMs: last.at - first.at,
    firstAt: first.at,
    points: series.length,
  };
}
