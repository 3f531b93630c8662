// apr's reporter for node's test runner (node:test, Node 18.17+): one JSON line per test that
// starts or ends, appended at once to $APR_NODE_RESULTS (a run killed halfway keeps what it
// wrote), and a short human line per finished test on the reporter's destination.
import { appendFileSync } from 'node:fs';

const results = process.env.APR_NODE_RESULTS;

function errorText(error) {
  if (!error) return '';
  const cause = error.cause ?? error;
  const text = cause && cause.stack ? cause.stack : String(cause);
  return String(text).slice(0, 20000);
}

function record(type, data) {
  const details = data.details ?? {};
  const error = details.error;
  return {
    type,
    name: data.name,
    nesting: data.nesting,
    suite: details.type === 'suite',
    skip: data.skip !== undefined && data.skip !== false,
    todo: data.todo !== undefined && data.todo !== false,
    ms: details.duration_ms ?? 0,
    timeout: Boolean(error && error.failureType === 'testTimeoutFailure'),
    error: type === 'test:fail' ? errorText(error) : '',
  };
}

export default async function* aprReporter(source) {
  for await (const event of source) {
    const { type, data } = event;
    if (type !== 'test:start' && type !== 'test:pass' && type !== 'test:fail') continue;
    if (results) appendFileSync(results, JSON.stringify(record(type, data)) + '\n');
    if (type !== 'test:start') {
      yield `${type === 'test:pass' ? 'ok' : 'not ok'} ${'  '.repeat(data.nesting)}${data.name}\n`;
    }
  }
}
