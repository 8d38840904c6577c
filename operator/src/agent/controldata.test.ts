import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseControlData, timelineOfWalFile } from './controldata';

const sample = (state: string) => `pg_control version number:            1300
Database system identifier:           7312345678901234567
Database cluster state:               ${state}
Latest checkpoint location:           0/3000060
Latest checkpoint's REDO location:    0/3000028
Latest checkpoint's TimeLineID:       2
`;

test('pg_controldata: a clean shutdown is not a crash, anything else is', () => {
  assert.equal(parseControlData(sample('shut down')).crashed, false);
  assert.equal(parseControlData(sample('shut down in recovery')).crashed, false);
  assert.equal(parseControlData(sample('in production')).crashed, true);
  const cd = parseControlData(sample('in production'));
  assert.deepEqual([cd.timeline, cd.checkpointLsn, cd.systemIdentifier], [2, '0/3000028', '7312345678901234567']);
});

test('the timeline of a WAL file name', () => {
  assert.equal(timelineOfWalFile('000000020000000000000003'), 2);
  assert.equal(timelineOfWalFile('nope'), null);
});
