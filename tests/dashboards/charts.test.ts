/**
 * Snapshot tests of every chart function: fixed rows drawn in jsdom (as Plot's own tests do), the
 * SVG compared with the committed file in __snapshots__/. Update with `npx vitest -u`.
 */
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { valueBars } from '../../dashboards/charts/bars.ts';
import { paretoChart } from '../../dashboards/charts/pareto.ts';
import { spreadChart } from '../../dashboards/charts/spread.ts';
import { stackedBars } from '../../dashboards/charts/stacked.ts';
import { trendChart } from '../../dashboards/charts/trend.ts';

const { window } = new JSDOM('');
const document = window.document;

function markup(node: Element): string {
  // Two charts in one run must not differ by anything but their rows.
  return node.outerHTML.replace(/></g, '>\n<');
}

describe('chart functions draw the same SVG from the same rows', () => {
  it('valueBars: disbursed over allocated, with rates', async () => {
    const chart = valueBars(
      [
        { label: 'اشتغال روستایی و عشایری (صندوق توسعه ملی)', value: 1700.5, total: 2525, note: '۶۷٫۳٪' },
        { label: 'تسهیلات اشتغالزایی قانون بودجه', value: 1270, total: 1958, note: '۶۴٫۹٪' },
        { label: '<img src=x onerror=alert(1)>', value: 10, total: 20, note: '۵۰٪' },
      ],
      { document, width: 640, lang: 'fa', label: 'میلیارد ریال' },
    );
    expect(chart.querySelectorAll('rect').length).toBe(6);
    expect(chart.querySelector('img')).toBeNull();
    await expect(markup(chart)).toMatchFileSnapshot('__snapshots__/bars.svg');
  });

  it('stackedBars: the gap by funnel stage', async () => {
    const series = ['معرفی‌نشده به بانک', 'مصوب‌نشده', 'بدون قرارداد', 'پرداخت‌نشده'];
    const chart = stackedBars(
      [
        { label: 'برنامه الف', series: series[1]!, value: 400 },
        { label: 'برنامه الف', series: series[2]!, value: 120 },
        { label: 'برنامه ب', series: series[0]!, value: 90 },
        { label: 'برنامه ب', series: series[3]!, value: 310 },
      ],
      { document, width: 640, lang: 'fa', series, colors: ['#9ecae1', '#4a90c2', '#f2b26b', '#d9603b'] },
    );
    await expect(markup(chart)).toMatchFileSnapshot('__snapshots__/stacked.html');
  });

  it('paretoChart: reasons largest first with the running share', async () => {
    const chart = paretoChart(
      [
        { label: 'Heavy collateral', value: 50 },
        { label: 'Late quota', value: 30 },
        { label: 'Bureaucracy', value: 20 },
      ],
      { document, width: 640, lang: 'en' },
    );
    const labels = [...chart.querySelectorAll('text')].map((t) => t.textContent);
    expect(labels).toContain('50%');
    expect(labels).toContain('100%');
    await expect(markup(chart)).toMatchFileSnapshot('__snapshots__/pareto.svg');
  });

  it('spreadChart: percentile bands, longest median first', async () => {
    const chart = spreadChart(
      [
        { label: 'بانک الف', p10: 5, p25: 12, median: 21, p75: 35, p90: 52 },
        { label: 'بانک ب', p10: 8, p25: 16, median: 26.5, p75: 41, p90: 60 },
      ],
      { document, width: 640, lang: 'fa', label: 'روز' },
    );
    // One band (rect) per bank; the longer median comes first and every median is labelled.
    expect(chart.querySelectorAll('rect').length).toBe(2);
    const labels = [...chart.querySelectorAll('text')].map((t) => t.textContent);
    expect(labels).toContain('۲۶٫۵');
    expect(labels).toContain('۲۱');
    expect(labels.indexOf('بانک ب')).toBeLessThan(labels.indexOf('بانک الف'));
    await expect(markup(chart)).toMatchFileSnapshot('__snapshots__/spread.svg');
  });

  it('trendChart: allocated and disbursed by quarter, Persian ticks', async () => {
    const chart = trendChart(
      [
        { period: 'بهار ۹۴', allocated: 3305.6, disbursed: 734.3, note: '۲۲٫۲٪' },
        { period: 'تابستان ۹۴', allocated: 6547.4, disbursed: 1887.9, note: '۲۸٫۸٪', selected: true },
      ],
      { document, width: 640, lang: 'fa', allocatedLabel: 'اعتبار ابلاغی', disbursedLabel: 'پرداخت' },
    );
    expect(chart.textContent).toMatch(/[۰-۹]/);
    await expect(markup(chart)).toMatchFileSnapshot('__snapshots__/trend.html');
  });
});
