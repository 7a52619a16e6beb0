// The CLI's table printer: what a reader of `runs list` or `deliveries list` sees in a terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRecord, formatTable, type Column } from '../../src/cli/table.js';

interface Row {
  id: string;
  status: string | null;
  error: string | null;
}

const columns: Column<Row>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'STATUS', value: (r) => r.status },
  { header: 'ERROR', value: (r) => r.error },
];

test('columns line up under their headers; an empty value shows as "-"; the last column is not padded', () => {
  const rows: Row[] = [
    { id: 'msg_1', status: 'delivered', error: null },
    { id: 'msg_200', status: null, error: 'answered 500' },
  ];
  assert.equal(
    formatTable(rows, columns),
    ['ID       STATUS     ERROR', 'msg_1    delivered  -', 'msg_200  -          answered 500'].join('\n'),
  );
  assert.equal(formatTable(rows.slice(0, 1), columns, { header: false }), 'msg_1  delivered  -');
});

test('a value from elsewhere cannot drive the terminal: control characters and line breaks become spaces', () => {
  const hostile = { id: 'att_1', status: 'failed', error: 'answered 500: \u001b[2J\u001b]0;pwned\u0007\r\nnext line' };
  const text = formatTable([hostile], columns);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no control character but the line ends');
  assert.equal(text.split('\n').length, 2, 'one line per row');
  assert.match(text, /answered 500: {2}\[2J ]0;pwned next line$/);
  assert.equal(formatRecord([['lastError', '\u001b[31mred']]), 'lastError   [31mred');
});
