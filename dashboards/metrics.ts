/** Mart columns that more than one part of the dashboard names: the page's bundle and the data build share them. */

/** The gap by funnel stage and the allocation it splits (mart_gap_by_unit), in the chart's order. */
export const GAP_STAGE_METRICS = [
  'mart_gap_by_unit.not_referred_amount',
  'mart_gap_by_unit.not_approved_amount',
  'mart_gap_by_unit.not_contracted_amount',
  'mart_gap_by_unit.not_disbursed_amount',
  'mart_gap_by_unit.residual_amount',
  'mart_gap_by_unit.allocated_amount',
] as const;

/** Reporting coverage per bank or agency and quarter (mart_reporting_coverage), in the table's order. */
export const COVERAGE_METRICS = [
  'mart_reporting_coverage.file_count',
  'mart_reporting_coverage.reported_key_count',
  'mart_reporting_coverage.missing_key_count',
  'mart_reporting_coverage.late_key_count',
  'mart_reporting_coverage.covered_allocated_amount',
  'mart_reporting_coverage.coverage_rate',
] as const;
