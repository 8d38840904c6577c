import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchFigures, histogramTotals } from './batch-metrics';

const scrape = `# HELP chat_send_batch_size Sends stored by one group commit
# TYPE chat_send_batch_size histogram
chat_send_batch_size_bucket{le="1"} 3
chat_send_batch_size_bucket{le="+Inf"} 5
chat_send_batch_size_sum{service="chat"} 17
chat_send_batch_size_count{service="chat"} 5
chat_send_batch_seconds_sum 0.02
chat_send_batch_seconds_count 5
`;

test('a histogram is read by its own _sum and _count lines (with their labels), not a longer name that starts the same', () => {
  assert.deepEqual(histogramTotals(scrape, 'chat_send_batch_size'), { sum: 17, count: 5 });
  assert.deepEqual(histogramTotals(scrape, 'chat_send_batch'), { sum: 0, count: 0 });
});

test('batch figures are the window between two readings; an empty window has none', () => {
  assert.deepEqual(batchFigures({ sum: 17, count: 5 }, { sum: 117, count: 25 }, 2), { perSec: 10, meanSize: 5 });
  assert.equal(batchFigures({ sum: 17, count: 5 }, { sum: 17, count: 5 }, 2), undefined);
});
