import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachItem, expr, exprNumber, when, whenItem } from './expr';
import { renderTemplate } from './render';

test('a whole-value marker becomes an unquoted action; one inside a string stays inside it', () => {
  const text = renderTemplate({ replicas: exprNumber('toJson .Values.n'), name: `${expr('.Release.Name')}-user` });
  assert.match(text, /^replicas: \{\{ toJson \.Values\.n \}\}$/m);
  assert.match(text, /^name: "\{\{ \.Release\.Name \}\}-user"$/m);
});

test('a conditional key wraps the key and everything under it', () => {
  const text = renderTemplate({ spec: { [when('.Values.on', 'tls')]: [{ hosts: ['a'] }], rules: [] } });
  assert.equal(
    text,
    ['spec:', '  {{- if .Values.on }}', '  tls:', '    - hosts:', '        - a', '  {{- end }}', '  rules: []', ''].join('\n'),
  );
});

test('a conditional list item wraps only that item', () => {
  const text = renderTemplate({ env: [{ name: 'A', value: '1' }, whenItem('.Values.b', { name: 'B', value: '2' }), { name: 'C', value: '3' }] });
  assert.equal(
    text,
    [
      'env:',
      '  - name: A',
      '    value: "1"',
      '  {{- if .Values.b }}',
      '  - name: B',
      '    value: "2"',
      '  {{- end }}',
      '  - name: C',
      '    value: "3"',
      '',
    ].join('\n'),
  );
});

test('an each item becomes one item per element of its list, after the fixed ones', () => {
  const text = renderTemplate({ env: [{ name: 'A', value: '1' }, eachItem('.Values.extra')] });
  assert.equal(text, ['env:', '  - name: A', '    value: "1"', '  {{- range .Values.extra }}', '  - {{ toJson . }}', '  {{- end }}', ''].join('\n'));
});

test('a document condition wraps the whole file', () => {
  assert.equal(renderTemplate({ kind: 'X' }, '.Values.x'), '{{- if .Values.x }}\nkind: X\n{{- end }}\n');
});

test('strings YAML 1.1 would read as booleans stay strings', () => {
  assert.match(renderTemplate({ a: 'on', b: 'yes' }), /a: "on"\nb: "yes"/);
});

test('markers refuse what they cannot render', () => {
  assert.throws(() => expr('{{ .Values.x }}'), /without braces/);
  assert.throws(() => renderTemplate({ a: `x-${expr('printf "%s" .X')}` }), /inside a string must not contain quotes/);
  assert.throws(() => whenItem('.Values.x', {}), /at least one key/);
  assert.throws(() => eachItem('{{ .Values.x }}'), /without braces/);
});
