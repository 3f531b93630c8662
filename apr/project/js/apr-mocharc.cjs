// The mocha configuration apr runs one test file with: the project's own (its .mocharc.* file,
// or the one its command names, and package.json's "mocha" key, in mocha's order of
// precedence), read with mocha's own loader, less what would run other files or replace apr's
// reporter. Paths come from the environment (APR_MOCHA_*), set by apr's mocha driver.
'use strict';
const fs = require('fs');
const path = require('path');

const { findConfig, loadConfig } = require(process.env.APR_MOCHA_CONFIG_LIB);

function fromPackage(file) {
  if (!file || !fs.existsSync(file)) return {};
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  return data && typeof data.mocha === 'object' && data.mocha ? data.mocha : {};
}

function fromFile(choice) {
  if (choice === 'none') return {};
  const file = choice || findConfig(process.cwd());
  return file ? loadConfig(path.resolve(file)) : {};
}

const DROPPED = ['spec', 'reporter', 'R', 'reporter-option', 'reporter-options', 'reporterOption',
  'reporterOptions', 'O', 'watch', 'w', 'watch-files', 'watchFiles', 'watch-ignore',
  'watchIgnore', 'parallel', 'p', 'jobs', 'j', 'grep', 'g', 'fgrep', 'f', 'invert', 'i', 'bail',
  'b', 'dry-run', 'dryRun', 'config', 'package', '_'];

const config = {
  ...fromPackage(process.env.APR_MOCHA_PACKAGE),
  ...fromFile(process.env.APR_MOCHA_CONFIG),
};
for (const key of DROPPED) delete config[key];
module.exports = config;
