import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contractMarkdown } from '../pipelines/schema/describe.ts';

describe('README', () => {
  it('shows the contract tables exactly as the schemas define them (run `npm run docs` after changing a schema)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('<!-- contract:start');
    const end = readme.indexOf('<!-- contract:end -->');
    const section = readme.slice(readme.indexOf('-->', start) + 3, end).trim();
    expect(section).toBe(contractMarkdown());
  });

  it('shows the two commands on its first screen', () => {
    const firstScreen = readFileSync('README.md', 'utf8').split('\n').slice(0, 20).join('\n');
    expect(firstScreen).toContain('npm install && npm start');
    expect(firstScreen).toContain('npm test');
  });
});
