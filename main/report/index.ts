export { buildReport, type ReportSource } from './build-report.js';
export { compareRanges, formatCompareMarkdown, type CompareSource } from './compare.js';
export { formatReport, REPORT_FORMATS, type ReportFormat } from './format-report.js';
export { parseDuration, parseInstant, parseRangeSpec, resolveRange } from './time-range.js';
