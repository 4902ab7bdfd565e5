/** The written findings: four to six sentences, each number a link to the chart it comes from. */
import { formatNumber, microToDecimal, quarterName } from '../format.ts';
import { bn, el, filters, int, lang, model, nameOf, pct, period, t } from './page.ts';
import { gapOf, rateOf, ratio } from './model.ts';
import { MEETING_TARGETS } from './strings.ts';

/** The findings for the current selection. */
export function findings(): HTMLElement {
  const words = t();
  const fa = lang === 'fa';
  const items: (string | Node)[][] = [];
  const link = (href: string, text: string, metric?: string, value?: string): HTMLElement => {
    const a = el('a', { href: `#${href}`, class: 'num' }, text);
    if (metric) a.setAttribute('data-metric', metric);
    if (value !== undefined) a.setAttribute('data-value', value);
    return a;
  };
  const stageNames = [words.notReferred, words.notApproved, words.notContracted, words.notDisbursed, words.residual];
  const programs = model
    .byDimension(filters, 'program')
    .filter((g) => gapOf(g.sum) !== null)
    .sort((a, b) => Number(gapOf(b.sum)! - gapOf(a.sum)!));
  const stages = model.gapStages(filters);
  for (const g of programs.slice(0, 2)) {
    const parts = stages.find((s) => s.program === g.code)?.parts ?? [];
    const top = parts.reduce((best, p, i) => (p > (parts[best] ?? 0n) ? i : best), 0);
    const name = nameOf('program', g.code);
    items.push(
      fa
        ? [
            `برنامه «${name}» `,
            link(
              'chart-program',
              `${bn(gapOf(g.sum))} میلیارد ریال`,
              'mart_absorption_trend.absorption_gap',
              microToDecimal(gapOf(g.sum)!),
            ),
            ' جذب‌نشده دارد (نرخ جذب ',
            link('chart-program', pct(rateOf(g.sum))),
            `)؛ بیشترین بخش آن، `,
            link('chart-stages', `${bn(parts[top] ?? 0n)} میلیارد ریال`),
            `، در مرحلهٔ «${stageNames[top]}» مانده است.`,
          ]
        : [
            `"${name}" has `,
            link(
              'chart-program',
              `${bn(gapOf(g.sum))} billion rials`,
              'mart_absorption_trend.absorption_gap',
              microToDecimal(gapOf(g.sum)!),
            ),
            ' unabsorbed (rate ',
            link('chart-program', pct(rateOf(g.sum))),
            '); most of it, ',
            link('chart-stages', `${bn(parts[top] ?? 0n)} billion rials`),
            `, stalls at "${stageNames[top]}".`,
          ],
    );
  }
  const reasons = model.reasons(filters);
  const total = reasons.reduce((s, r) => s + r.amount, 0n);
  if (reasons.length >= 2 && total > 0n) {
    const [a, b] = reasons as [(typeof reasons)[0], (typeof reasons)[0]];
    const share = Number(a.amount + b.amount) / Number(total);
    items.push(
      fa
        ? [
            'بیشترین علل عدم جذب گزارش‌شده «',
            nameOf('reason', a.reason),
            '» و «',
            nameOf('reason', b.reason),
            '» است که با هم ',
            link('chart-pareto', pct(share)),
            ' از مبلغ جذب‌نشدهٔ گزارش‌شده را توضیح می‌دهند.',
          ]
        : [
            'The reasons cited most are "',
            nameOf('reason', a.reason),
            '" and "',
            nameOf('reason', b.reason),
            '", together ',
            link('chart-pareto', pct(share)),
            ' of the reported unabsorbed amount.',
          ],
    );
  }
  // Late quotas, measured: each notification quarter's absorbed_in_year rate (first notified, first absorbed).
  const timing = model.timing(filters);
  const early = timing
    .slice(0, 3)
    .reduce((s, x) => ({ reported: s.reported + x.reported, absorbed: s.absorbed + x.absorbedInYear }), {
      reported: 0n,
      absorbed: 0n,
    });
  const late = timing[3];
  if (late && late.reported > 0n && early.reported > 0n) {
    const lateRate = ratio(late.absorbedInYear, late.reported)!;
    const earlyRate = ratio(early.absorbed, early.reported)!;
    const rates: (string | Node)[] = [];
    timing.forEach((x, i) => {
      if (i) rates.push(fa ? '، ' : ', ');
      rates.push(
        `${quarterName(filters.year, x.quarter, lang).split(' ')[0]} `,
        link(
          'chart-timing',
          pct(ratio(x.absorbedInYear, x.reported)),
          'mart_notification_timing.absorption_rate',
          String(ratio(x.absorbedInYear, x.reported) ?? ''),
        ),
      );
    });
    const lower = lateRate < earlyRate;
    const sentence: (string | Node)[] = fa
      ? [
          `از سهمیه‌های ابلاغ‌شده در زمستان (`,
          link(
            'chart-timing',
            `${bn(late.reported)} میلیارد ریال`,
            'mart_notification_timing.reported_allocated_amount',
            microToDecimal(late.reported),
          ),
          ` دارای گزارش) تا پایان سال `,
          link(
            'chart-timing',
            `${bn(late.absorbedInYear)} میلیارد ریال`,
            'mart_notification_timing.absorbed_in_year_amount',
            microToDecimal(late.absorbedInYear),
          ),
          ` جذب شد؛ نرخ جذب به تفکیک فصل ابلاغ: `,
          ...rates,
          lower ? '؛ سهمیهٔ دیرهنگام کمتر جذب می‌شود.' : '؛ ابلاغ دیرهنگام جذب را کم نکرده است.',
        ]
      : [
          'Of the quotas notified in winter (',
          link(
            'chart-timing',
            `${bn(late.reported)} billion rials`,
            'mart_notification_timing.reported_allocated_amount',
            microToDecimal(late.reported),
          ),
          ' reported), ',
          link(
            'chart-timing',
            `${bn(late.absorbedInYear)} billion rials`,
            'mart_notification_timing.absorbed_in_year_amount',
            microToDecimal(late.absorbedInYear),
          ),
          ' was absorbed within the year; absorbed by notification quarter: ',
          ...rates,
          lower ? ': late quotas go less absorbed.' : ': late notification did not lower absorption.',
        ];
    // Previous years' unabsorbed, and how much the next year absorbed (mart_carry_over).
    const previous = model.carryOver(filters).find((c) => c.year === filters.year - 1 && c.followed > 0n);
    if (previous) {
      const year = formatNumber(previous.year, lang).replace(/[٬,]/g, '');
      sentence.push(
        ...(fa
          ? [
              ` از `,
              link(
                'chart-carry',
                `${bn(previous.unabsorbed)} میلیارد ریال`,
                'mart_carry_over.unabsorbed_amount',
                microToDecimal(previous.unabsorbed),
              ),
              ` جذب‌نشدهٔ پایان ${year}، سال بعد `,
              link(
                'chart-carry',
                `${bn(previous.absorbedNextYear)} میلیارد ریال`,
                'mart_carry_over.absorbed_next_year_amount',
                microToDecimal(previous.absorbedNextYear),
              ),
              ` (`,
              link('chart-carry', pct(ratio(previous.absorbedNextYear, previous.followed))),
              ` از ماندهٔ پیگیری‌شده) جذب کرد.`,
            ]
          : [
              ` Of the ${year} allocation left unabsorbed at year end (`,
              link(
                'chart-carry',
                `${bn(previous.unabsorbed)} billion rials`,
                'mart_carry_over.unabsorbed_amount',
                microToDecimal(previous.unabsorbed),
              ),
              '), the next year absorbed ',
              link(
                'chart-carry',
                `${bn(previous.absorbedNextYear)} billion rials`,
                'mart_carry_over.absorbed_next_year_amount',
                microToDecimal(previous.absorbedNextYear),
              ),
              ' (',
              link('chart-carry', pct(ratio(previous.absorbedNextYear, previous.followed))),
              ' of what was followed).',
            ]),
      );
    }
    items.push(sentence);
  }
  // Idle NDF money at the selected quarter (mart_ndf_quarterly).
  const ndf = model.ndfByBank(filters);
  const idle = ndf.reduce((s, b) => s + b.idle, 0n);
  const resources = ndf.reduce((s, b) => s + b.resources, 0n);
  if (ndf.length && resources > 0n) {
    const top = ndf[0]!;
    items.push(
      fa
        ? [
            `از منابع خطوط صندوق توسعه ملی نزد بانک‌ها `,
            link('chart-ndf', `${bn(idle)} میلیارد ریال`, 'mart_ndf_quarterly.idle_amount', microToDecimal(idle)),
            ` (`,
            link('chart-ndf', pct(ratio(idle, resources))),
            `) راکد مانده است؛ بیشترین آن نزد `,
            nameOf('bank', top.bank),
            ` (`,
            link('chart-ndf', `${bn(top.idle)} میلیارد ریال`),
            `).`,
          ]
        : [
            'Of the NDF line resources at the banks, ',
            link('chart-ndf', `${bn(idle)} billion rials`, 'mart_ndf_quarterly.idle_amount', microToDecimal(idle)),
            ' (',
            link('chart-ndf', pct(ratio(idle, resources))),
            ') lies idle; most of it at ',
            nameOf('bank', top.bank),
            ' (',
            link('chart-ndf', `${bn(top.idle)} billion rials`),
            ').',
          ],
    );
  }
  // As mart_jobs_by_axis: cancelled projects apart.
  const projects = model.projects(filters).filter((p) => p[10] !== 0);
  const newJobs = projects.reduce((n, p) => n + (p[6] as number), 0);
  const sustained = projects.reduce((n, p) => n + (p[7] as number), 0);
  items.push(
    fa
      ? [
          link('chart-axes', int(projects.length)),
          ' طرح پیشنهادی ',
          link('chart-axes', int(newJobs)),
          ' شغل جدید و ',
          link('chart-axes', int(sustained)),
          ` حفظ اشتغال را هدف گرفته‌اند (هدف جلسه: ${int(MEETING_TARGETS.newJobs)} و ` +
            `${int(MEETING_TARGETS.sustainedJobs)}).`,
        ]
      : [
          link('chart-axes', int(projects.length)),
          ' proposed projects aim at ',
          link('chart-axes', int(newJobs)),
          ' new jobs and ',
          link('chart-axes', int(sustained)),
          ` sustained jobs (meeting targets: ${int(MEETING_TARGETS.newJobs)} and ` +
            `${int(MEETING_TARGETS.sustainedJobs)}).`,
        ],
  );
  return el(
    'section',
    { id: 'findings', class: 'view findings' },
    el('h2', {}, `${words.findings}: ${period()}`),
    el('ol', {}, ...items.slice(0, 6).map((parts) => el('li', {}, ...parts))),
  );
}
