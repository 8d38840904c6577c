import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quantityBytes } from './quantity';

describe('quantityBytes', () => {
  it('reads binary and decimal suffixes and plain bytes', () => {
    assert.equal(quantityBytes('256Mi'), 268435456);
    assert.equal(quantityBytes('1.5Gi'), 1610612736);
    assert.equal(quantityBytes('1G'), 1e9);
    assert.equal(quantityBytes('1000'), 1000);
  });
  it('refuses what is not a quantity', () => {
    assert.throws(() => quantityBytes('lots'), /not a Kubernetes quantity/);
  });
});
