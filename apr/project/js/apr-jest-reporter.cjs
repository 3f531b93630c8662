// apr's reporter for jest (27+): one JSON line per test as it ends (onTestCaseResult), appended
// at once to $APR_NODE_RESULTS (a run killed halfway keeps what it wrote), in the records apr
// reads from node's runner, each naming its test by its whole title path ("names"); when a file
// ends, its tests that did not run (filtered by -t, skipped, todo) are recorded as skipped. A
// file that cannot run (a syntax error, a failing import) is said on stderr.
'use strict';
const { appendFileSync } = require('fs');
const path = require('path');

const results = process.env.APR_NODE_RESULTS;

function write(records) {
  if (results && records.length) {
    appendFileSync(results, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}

function record(testPath, result) {
  const passed = result.status === 'passed';
  const failed = result.status === 'failed';
  const messages = (result.failureMessages || []).join('\n');
  return {
    type: passed || !failed ? 'test:pass' : 'test:fail',
    names: [...(result.ancestorTitles || []), result.title],
    file: path.relative(process.cwd(), testPath).split(path.sep).join('/'),
    ms: result.duration || 0,
    skip: !passed && !failed,
    timeout: /Exceeded timeout of \d+ ?ms/.test(messages),
    error: messages.slice(0, 20000),
  };
}

class AprJestReporter {
  constructor() {
    this.done = new Set();
  }

  onTestCaseResult(test, result) {
    const rec = record(test.path, result);
    this.done.add(JSON.stringify([rec.file, rec.names]));
    write([rec]);
  }

  onTestFileResult(test, fileResult) {
    const rest = (fileResult.testResults || []).map((r) => record(test.path, r))
      .filter((rec) => !this.done.has(JSON.stringify([rec.file, rec.names])));
    write(rest);
    if (fileResult.testExecError) {
      const error = fileResult.testExecError;
      const where = String(error.stack || '').split('\n').slice(1, 6).join('\n');
      process.stderr.write(`${test.path}: ${error.message || error}\n${where}\n`);
    } else if (fileResult.failureMessage && !(fileResult.testResults || []).length) {
      process.stderr.write(`${fileResult.failureMessage}\n`);
    }
  }

  getLastError() {
    return undefined;
  }
}

module.exports = AprJestReporter;
