import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expiryFrom } from './key-expiry.js';

const t = (iso: string) => Date.parse(iso);

test('durations add exactly', () => {
  assert.equal(expiryFrom(t('2026-11-22T10:00:00Z'), '30d'), t('2026-12-22T10:00:00Z'));
  assert.equal(expiryFrom(t('2026-11-22T10:00:00Z'), '90s'), t('2026-11-22T10:01:30Z'));
  assert.equal(expiryFrom(t('2026-11-22T10:00:00Z'), '2w'), t('2026-12-06T10:00:00Z'));
});

test('M7: months keep the day of month, clamped to the last day', () => {
  assert.equal(expiryFrom(t('2026-01-31T08:00:00Z'), '1mo'), t('2026-02-28T08:00:00Z'));
  assert.equal(expiryFrom(t('2028-01-31T08:00:00Z'), '1mo'), t('2028-02-29T08:00:00Z'));
  assert.equal(expiryFrom(t('2026-11-22T08:00:00Z'), '3mo'), t('2027-02-22T08:00:00Z'));
  assert.equal(expiryFrom(t('2026-03-31T00:00:00Z'), '1mo'), t('2026-04-30T00:00:00Z'));
});

test('nonsense is refused', () => {
  for (const bad of ['', '0d', 'soon', '1y', '-1d', '1.5d']) assert.equal(expiryFrom(0, bad), undefined, bad);
});
