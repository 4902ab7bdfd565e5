import { describe, expect, it } from 'vitest';
import { load, tempWarehouse } from '../helpers.ts';

describe('drops that cannot be loaded as given', () => {
  it('refuses a manifest with a misspelled key instead of ignoring it (a unit would be lost)', async () => {
    await expect(load(['tests/fixtures/manifest-typo'], tempWarehouse()))
      .rejects.toThrow(/^manifest-typo\/manifest.json: at "\(top\)": unknown key "units" \(did you mean "unit"\?\); valid keys: synthetic, note, unit, source, files$/);
  });

  it('refuses two drops of one name in one run, since their files would be confused', async () => {
    await expect(load(['tests/fixtures/same-name/a/Q', 'tests/fixtures/same-name/b/Q'], tempWarehouse()))
      .rejects.toThrow('two drops are named Q (tests/fixtures/same-name/a/Q and tests/fixtures/same-name/b/Q); rename one, or load them in separate runs');
  });
});
