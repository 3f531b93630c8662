// apr's reporter for vitest (1+): when the run ends, one JSON line per test appended to
// $APR_NODE_RESULTS, in the records apr reads from node's runner, each naming its test by its
// title path ("names": describe titles, then the test's); tests that did not run (filtered by
// -t, skipped, todo) are skipped. A file that cannot run (a syntax error, a failing import) is
// said on stderr.
import { appendFileSync } from 'node:fs';
import path from 'node:path';

const results = process.env.APR_NODE_RESULTS;

function errorText(errors) {
  return (errors || []).map((e) => e.stack || e.message || String(e)).join('\n').slice(0, 20000);
}

function walk(task, names, file, out) {
  if (task.type === 'suite') {
    for (const child of task.tasks || []) walk(child, [...names, task.name], file, out);
    return;
  }
  const result = task.result || {};
  const passed = result.state === 'pass';
  const failed = result.state === 'fail';
  const messages = errorText(result.errors);
  out.push({
    type: passed || !failed ? 'test:pass' : 'test:fail',
    names: [...names, task.name],
    file,
    ms: result.duration || 0,
    skip: !passed && !failed,
    timeout: /Test timed out in \d+ms/.test(messages),
    error: messages,
  });
}

export default class AprVitestReporter {
  onFinished(files = []) {
    const out = [];
    for (const file of files) {
      const rel = path.relative(process.cwd(), file.filepath).split(path.sep).join('/');
      for (const task of file.tasks || []) walk(task, [], rel, out);
      const errors = file.result && file.result.errors;
      if (errors && errors.length) process.stderr.write(`${file.filepath}: ${errorText(errors)}\n`);
    }
    if (results && out.length) {
      appendFileSync(results, out.map((r) => JSON.stringify(r)).join('\n') + '\n');
    }
  }
}
