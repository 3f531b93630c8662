// apr's reporter for mocha (8+): one JSON line per test that starts or ends, appended at once
// to $APR_NODE_RESULTS (a run killed halfway keeps what it wrote), in the records apr reads from
// node's runner, each naming its test by its whole title path ("names"). Tests of the loaded
// files that did not run (another test was asked for by --grep, .only, a failed hook of theirs)
// are recorded at the end: skipped, or failed with the hook's error. A human line per finished
// test goes to stdout.
//
// With $APR_TEST_COVERAGE set (and NODE_V8_COVERAGE), coverage is taken per test in this one
// process (v8.takeCoverage() resets V8's counters each time it writes them): what ran before the
// first test (loading the files, the first hooks) goes to <coverage dir>/shared, each test's run
// (its beforeEach hooks and body) to <coverage dir>/t<N>, and <coverage dir>/index.jsonl names
// each test's folder; what runs between tests (afterEach, later before hooks) is dropped.
'use strict';
const fs = require('fs');
const { appendFileSync } = fs;
const path = require('path');
const v8 = require('v8');

const results = process.env.APR_NODE_RESULTS;
const coverageDir = process.env.APR_TEST_COVERAGE ? process.env.NODE_V8_COVERAGE : '';

// Write V8's counters since the last call into coverageDir/<folder> (null: drop them).
function takeCoverage(folder) {
  const before = new Set(fs.readdirSync(coverageDir));
  v8.takeCoverage();
  const made = fs.readdirSync(coverageDir).filter((f) => f.endsWith('.json') && !before.has(f));
  if (folder) fs.mkdirSync(path.join(coverageDir, folder), { recursive: true });
  for (const file of made) {
    const from = path.join(coverageDir, file);
    if (folder) fs.renameSync(from, path.join(coverageDir, folder, file));
    else fs.unlinkSync(from);
  }
}

function errorText(error) {
  if (!error) return '';
  const message = error.message ? String(error.message) : '';
  const stack = error.stack ? String(error.stack) : String(error);
  const text = message && !stack.includes(message) ? `${message}\n${stack}` : stack;
  return text.slice(0, 20000);
}

function write(records) {
  if (results && records.length) {
    appendFileSync(results, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}

function record(type, test, extra) {
  return {
    type,
    names: test.titlePath(),
    file: test.file ? path.relative(process.cwd(), test.file).split(path.sep).join('/') : '',
    ms: test.duration || 0,
    skip: false,
    timeout: false,
    error: '',
    ...extra,
  };
}

function allTests(suite, into) {
  for (const test of suite.tests) into.push(test);
  for (const child of suite.suites) allTests(child, into);
  return into;
}

function AprMochaReporter(runner) {
  const done = new Set();
  if (coverageDir) {
    let count = 0;
    let shared = true;
    runner.on('test', () => {
      takeCoverage(shared ? 'shared' : null);
      shared = false;
    });
    runner.on('test end', (test) => {
      count += 1;
      takeCoverage(`t${count}`);
      const line = { names: test.titlePath(), folder: `t${count}` };
      appendFileSync(path.join(coverageDir, 'index.jsonl'), JSON.stringify(line) + '\n');
    });
  }
  const finish = (test, type, extra) => {
    done.add(test);
    write([record(type, test, extra)]);
    process.stdout.write(`${type === 'test:pass' ? 'ok' : 'not ok'} ${test.fullTitle()}\n`);
  };
  runner.on('test', (test) => write([record('test:start', test, {})]));
  runner.on('pass', (test) => finish(test, 'test:pass', {}));
  runner.on('pending', (test) => { done.add(test); write([record('test:pass', test, { skip: true })]); });
  runner.on('fail', (runnable, error) => {
    const failure = {
      error: errorText(error),
      timeout: Boolean(error && error.code === 'ERR_MOCHA_TIMEOUT'),
    };
    if (runnable.type !== 'hook') {
      finish(runnable, 'test:fail', failure);
      return;
    }
    // A failed hook: the test it ran for fails, and so does every test of its suite that has
    // not run (mocha skips them).
    const current = runnable.ctx && runnable.ctx.currentTest;
    const hit = allTests(runnable.parent, []).filter((t) => !done.has(t) && !t.isPending());
    if (current && !hit.includes(current) && done.has(current)) hit.unshift(current);
    for (const test of hit) finish(test, 'test:fail', failure);
  });
  runner.once('end', () => {
    const rest = allTests(runner.suite, []).filter((t) => !done.has(t));
    write(rest.map((t) => record('test:pass', t, { skip: true })));
  });
}

module.exports = AprMochaReporter;
